"""Makes the drverify pytest plugin available to `pytest checks/` run from the repository.

``pytester`` is for the project's own plugin tests (tests/plugin); pytest only accepts
``pytest_plugins`` in the rootdir's conftest, hence here.
"""

pytest_plugins = ["drverify.plugin", "pytester"]

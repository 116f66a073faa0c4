"""Makes the drverify pytest plugin available to `pytest checks/` run from a checkout that is not
installed (installed, the package's pytest11 entry point loads it: same name, so never twice).

``pytester``, for the project's own tests only, is loaded by tests/conftest.py: users' ``--help``
does not list its options.
"""

pytest_plugins = ["drverify.plugin"]

"""Makes the drverify pytest plugin available to `pytest checks/` run from the repository."""

pytest_plugins = ["drverify.plugin"]

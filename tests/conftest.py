"""The project's own tests: ``pytester`` runs real pytest sessions for the plugin tests.

Loaded as an initial conftest whenever tests/ (or anything under it) is on the command line, so
it may still declare ``pytest_plugins``; the checks' users never load it.
"""

pytest_plugins = ["pytester"]

"""Plugin tests run real pytest sessions (pytester) over the repository's own checks/."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def checks(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir holding a copy of checks/ and a conftest that loads the plugin."""
    for source in (REPO / "checks").glob("test_*.py"):
        (pytester.path / "checks").mkdir(exist_ok=True)
        (pytester.path / "checks" / source.name).write_text(source.read_text())
    pytester.makeconftest('pytest_plugins = ["drverify.plugin"]')
    pytester.makeini("[pytest]\n")
    return pytester

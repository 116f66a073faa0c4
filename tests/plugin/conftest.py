"""Plugin tests run real pytest sessions (pytester) over the repository's own checks/."""

from pathlib import Path

import pytest

# drverify imports what a run needs when the run needs it; pytester's in-process runs then drop
# from sys.modules what was first imported during a run, and the next run would hold two copies of
# a module (a conftest patching one while the plugin calls the other). Imported once here, the
# machinery of a run is the same in every pytester run of this process.
import drverify.evidence
import drverify.html_rows
import drverify.inventory
import drverify.reporter
import drverify.review
import drverify.session  # noqa: F401

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

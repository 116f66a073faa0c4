"""Failing back: which files wait on recovery, uploaded and never collected?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("pending_files")


def test_pending_files(area):
    """Every file uploaded to recovery was downloaded or moved on (each one left is major)."""
    assert_no_drift(area)

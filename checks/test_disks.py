"""Disks and sizing: can the recovery host hold production's data and carry its load?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("disks")


def test_disks(area):
    """Every production mount exists on recovery, sized as the pair's disk policy says; CPU and memory too."""
    assert_no_drift(area)

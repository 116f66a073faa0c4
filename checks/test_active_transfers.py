"""Failing back: is recovery drained of transfers and sessions before partners switch back?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("active_transfers")


def test_active_transfers(area):
    """No transfer in flight (critical) and no session open (major) on recovery, the reference when failing back."""
    assert_no_drift(area)

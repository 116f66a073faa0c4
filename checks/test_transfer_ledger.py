"""Failing back: does production know every transfer recovery completed?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("transfer_ledger")


def test_transfer_ledger(area):
    """Each transfer recovery completed is in production's log, or production would resend or re-process it (critical)."""
    assert_no_drift(area)

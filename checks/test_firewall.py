"""Firewall: were production's rules copied to the recovery host?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("firewall")


def test_firewall(area):
    """Every chain, policy and rule of production (translated) is on recovery, in the same order."""
    assert_no_drift(area)

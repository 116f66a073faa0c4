"""The egress address partners see through each host's forward proxy."""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("egress")


def test_egress(area):
    """Recovery's proxy is reachable and leaves from an address partners allow."""
    assert_no_drift(area)

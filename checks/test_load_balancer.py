"""Load balancer: would the balancer in front of the service send partners to recovery?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("load_balancer")


def test_load_balancer(area):
    """Recovery's member is in the backend, ready (or a ready backup) as the inventory expects."""
    assert_no_drift(area)

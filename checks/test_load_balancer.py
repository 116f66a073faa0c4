"""Load balancer: would the balancer in front of the service send partners to recovery (and, failing
back, to production again)?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("load_balancer")


def test_load_balancer(area):
    """Recovery's member is in the backend, ready (or a ready backup) as the inventory expects;
    failing back, production's member is there, serving, and an active server."""
    assert_no_drift(area)

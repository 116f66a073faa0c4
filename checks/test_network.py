"""Network: does the recovery host have production's addresses, routes and listeners?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("network")


def test_network(area):
    """Production's addresses, routes and listening sockets exist on recovery, after translation."""
    assert_no_drift(area)

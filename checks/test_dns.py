"""DNS records, TTLs and the hosts' own resolvers, asked from each host."""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("dns")


def test_dns(area):
    """Service names and sites resolve on recovery as on production, with short TTLs and unique site addresses."""
    assert_no_drift(area)

"""LDAP/LDAPS from each host: reached, trusted, bound, searched as on production."""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("ldap")


def test_ldap(area):
    """Recovery reaches the directory, trusts its certificate, binds and finds what production finds."""
    assert_no_drift(area)

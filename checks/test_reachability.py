"""Declared endpoints (partners, SMTP, LDAP...) reachable from recovery as from production."""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("reachability")


def test_reachability(area):
    """Every endpoint production reaches, recovery reaches too."""
    assert_no_drift(area)

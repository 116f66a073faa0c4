"""Served certificates: what a partner's TLS client actually sees."""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("tls")


def test_tls(area):
    """Recovery serves partners the same certificate chain as production on every TLS port."""
    assert_no_drift(area)

"""Users and groups: will restored files belong to the same accounts?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("users")


def test_users(area):
    """Service accounts and groups match production's uid/gid and have homes; other accounts match."""
    assert_no_drift(area)

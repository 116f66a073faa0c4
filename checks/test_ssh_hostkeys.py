"""SSH host keys: will partners that pinned production's key connect?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("ssh_hostkeys")


def test_ssh_hostkeys(area):
    """Recovery's SFTP listeners present production's host keys, which partners have pinned."""
    assert_no_drift(area)

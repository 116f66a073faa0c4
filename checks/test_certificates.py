"""Certificate files: would FTPS and HTTPS start with what partners accept?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("certificates")


def test_certificates(area):
    """Certificate files on recovery match production's: present, same certificate, valid, with their key and chain."""
    assert_no_drift(area)

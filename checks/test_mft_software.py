"""MFT software: the same version, its installers and its service unit on recovery."""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("mft_software")


def test_mft_software(area):
    """Recovery runs production's version, keeps the installers and the service unit as its policy says."""
    assert_no_drift(area)

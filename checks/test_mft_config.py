"""MFT configuration export: could recovery restore production's configuration within the RPO?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("mft_config")


def test_mft_config(area):
    """Recovery's newest export is recent, is production's newest, and holds production's configuration."""
    assert_no_drift(area)

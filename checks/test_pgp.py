"""PGP keyrings: will files still decrypt, verify, encrypt and sign?"""

import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("pgp")


def test_pgp(area):
    """Service accounts' PGP keyrings on recovery hold production's keys, secret keys and trust."""
    assert_no_drift(area)

"""Translation: expected address and name differences between the sites are not drift."""

import pytest

from drverify.inventory.translate import Translation

MAP = Translation({
    "198.51.100.10": "203.0.113.10",
    "198.51.100.0/24": "203.0.113.0/24",
    "2001:db8::/64": "2001:db8:1::/64",
    "mft-prod": "mft-dr",
})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("198.51.100.10", "203.0.113.10"),
        ("198.51.100.77", "203.0.113.77"),  # network mapping keeps the host part
        ("192.0.2.1", "192.0.2.1"),  # not mapped: unchanged
        ("-s 198.51.100.0/24 -d 198.51.100.10/32 -j ACCEPT", "-s 203.0.113.0/24 -d 203.0.113.10/32 -j ACCEPT"),
        ("2001:db8::5", "2001:db8:1::5"),
        ("mft-prod.example.com", "mft-dr.example.com"),
        ("MFT-PROD", "mft-dr"),
        ("mft-prod2 xmft-prod", "mft-prod2 xmft-prod"),  # only whole name parts
        ("1.2.3.4.5", "1.2.3.4.5"),
    ],
)
def test_text(text, expected):
    assert MAP.text(text) == expected


def test_values_translate_recursively_keys_included():
    assert MAP.value({"198.51.100.10": ["mft-prod", 22, None]}) == {"203.0.113.10": ["mft-dr", 22, None]}


def test_empty_map_is_identity():
    assert Translation().text("198.51.100.10 mft-prod") == "198.51.100.10 mft-prod"

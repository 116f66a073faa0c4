"""Facts of the certificates area (to be written): probed from each host, configured by `keys.certificates`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "certificates"


def applies(pair: Pair) -> bool:
    return bool(pair.keys.certificates)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("certificates: not implemented yet")

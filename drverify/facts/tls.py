"""Facts of the tls area (to be written): probed from each host, configured by `keys.tls`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "tls"


def applies(pair: Pair) -> bool:
    return bool(pair.keys.tls)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("tls: not implemented yet")

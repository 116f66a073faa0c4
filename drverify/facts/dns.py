"""Facts of the dns area (to be written): probed from each host, configured by `network.dns`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "dns"


def applies(pair: Pair) -> bool:
    return bool(pair.network.dns)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("dns: not implemented yet")

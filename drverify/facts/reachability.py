"""Facts of the reachability area (to be written): probed from each host, configured by `network.endpoints`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "reachability"


def applies(pair: Pair) -> bool:
    return bool(pair.network.endpoints)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("reachability: not implemented yet")

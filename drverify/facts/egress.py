"""Facts of the egress area (to be written): probed from each host, configured by `network.egress`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "egress"


def applies(pair: Pair) -> bool:
    return bool(pair.network.egress)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("egress: not implemented yet")

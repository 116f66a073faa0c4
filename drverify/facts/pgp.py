"""Facts of the pgp area (to be written): probed from each host, configured by `keys.pgp`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "pgp"


def applies(pair: Pair) -> bool:
    return bool(pair.keys.pgp)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("pgp: not implemented yet")

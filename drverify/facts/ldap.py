"""Facts of the ldap area (to be written): probed from each host, configured by `network.ldap`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "ldap"


def applies(pair: Pair) -> bool:
    return bool(pair.network.ldap)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("ldap: not implemented yet")

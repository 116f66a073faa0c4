"""Facts of the ssh_hostkeys area (to be written): probed from each host, configured by `keys.ssh_hostkeys`."""

from __future__ import annotations

from typing import Any

from drverify.facts.area import FactError
from drverify.inventory.model import Pair

NAME = "ssh_hostkeys"


def applies(pair: Pair) -> bool:
    return bool(pair.keys.ssh_hostkeys)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    raise FactError("ssh_hostkeys: not implemented yet")

"""What an area's facts module provides, so the collector can batch every area into one round trip.

A *command area* names the shell commands it needs (``commands``) and turns their outputs into
plain JSON-able data (``parse``). Commands of all areas run together in one remote script
(:mod:`drverify.facts.batch`); each area is parsed on its own, so a failure in one (permission
denied, command missing, timeout, garbage) makes only that area *unverified*, with the reason.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from drverify.facts.batch import Output
from drverify.inventory.model import Pair


class FactError(ValueError):
    """An area's facts cannot be read from what the host returned; the message is the reason."""


class CommandArea(Protocol):
    NAME: str

    def commands(self, pair: Pair, role: str) -> dict[str, str]:
        """Shell commands to run on the host, by a short name; inventory values shlex-quoted."""

    def parse(self, outputs: Mapping[str, Output]) -> dict[str, Any]:
        """The area's facts from its commands' outputs; raises :class:`FactError` when unusable."""


def require(outputs: Mapping[str, Output], name: str) -> str:
    """The stdout of command ``name``, or :class:`FactError` saying why it failed."""
    output = outputs.get(name)
    if output is None:
        raise FactError(f"{name}: no output came back")
    if not output.ok:
        raise FactError(output.reason(name))
    return output.stdout

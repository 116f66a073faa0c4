"""What an area's facts module provides, so the collector can batch every area into one round trip.

A *command area* names the shell commands it needs (``commands``) and turns their outputs into
plain JSON-able data (``parse``). Commands of all areas run together in one remote script
(:mod:`drverify.facts.batch`); each area is parsed on its own, so a failure in one (permission
denied, command missing, timeout, garbage) makes only that area *unverified*, with the reason.

A *probe area* talks to the network from the host (``probe`` with a
:class:`~drverify.facts.vantage.Vantage`): DNS, LDAP, proxies, served certificates. Probe areas
run after the batch, on the same connection, concurrently.

An area that probes the network says where from, so the report can: ``PROBES_FROM = "host"``
(DNS, LDAP, egress, reachability: the traffic leaves from the host) or ``"partner"`` (served TLS,
SSH host keys: this machine connects to the host as a partner would); see
:func:`drverify.facts.vantage.describe_vantage`.

Either kind may define ``applies(pair) -> bool``: an area the pair's inventory does not configure
gets no check at all (rather than a check that passes without looking).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from drverify.facts.batch import Output
from drverify.inventory.model import Pair

if TYPE_CHECKING:
    from drverify.facts.vantage import Vantage


class FactError(ValueError):
    """An area's facts cannot be read from what the host returned; the message is the reason."""


class CommandArea(Protocol):
    NAME: str

    def commands(self, pair: Pair, role: str) -> dict[str, str]:
        """Shell commands to run on the host, by a short name; inventory values shlex-quoted."""

    def parse(self, outputs: Mapping[str, Output]) -> dict[str, Any]:
        """The area's facts from its commands' outputs; raises :class:`FactError` when unusable."""


class ProbeArea(Protocol):
    NAME: str

    def applies(self, pair: Pair) -> bool:
        """Whether the pair's inventory asks for this area."""

    def probe(self, pair: Pair, role: str, vantage: Vantage) -> dict[str, Any]:
        """The area's facts, gathered from the host's vantage point; FactError when unusable."""


def applies(area: object, pair: Pair) -> bool:
    """Areas without ``applies`` concern every pair."""
    check = getattr(area, "applies", None)
    return True if check is None else bool(check(pair))


def is_probe(area: object) -> bool:
    return hasattr(area, "probe")


def require(outputs: Mapping[str, Output], name: str) -> str:
    """The stdout of command ``name``, or :class:`FactError` saying why it failed."""
    output = outputs.get(name)
    if output is None:
        raise FactError(f"{name}: no output came back")
    if not output.ok:
        raise FactError(output.reason(name))
    return output.stdout

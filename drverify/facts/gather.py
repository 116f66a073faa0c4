"""How an area's facts are gathered: the contract between an area's facts module and the collector.

Two ways, declared per area in the registry (:mod:`drverify.areas`):

- :class:`Commands`: shell commands run on the host (``commands``), parsed into plain JSON-able
  data (``parse``). Commands of all areas run together in one remote script
  (:mod:`drverify.facts.batch`); each area is parsed on its own, so a failure in one (permission
  denied, command missing, timeout, garbage) costs only that area.
- :class:`Probe`: the area talks to the network from the host through a
  :class:`~drverify.facts.vantage.Vantage` (DNS, LDAP, proxies, served certificates). Probes run
  after the batch, on the same connection, concurrently.

Both are called with the pair and the role; a facts module records what it saw the same way for
either role. Judging whether production's answer can serve as the reference is drift's business
(the area's declared ``reference`` step), never the facts module's.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from drverify.facts.batch import Output
    from drverify.facts.vantage import Vantage
    from drverify.inventory.model import Pair


class Origin(enum.Enum):
    """Where an area's probes start, said in the report next to its results."""

    HOST = "host"  #: the traffic leaves from the host under test (DNS, LDAP, egress, endpoints)
    PARTNER = "partner"  #: this machine connects to the host as a partner's client would

    def describe(self, role: str, label: str) -> str:
        if self is Origin.HOST:
            return f"from {role} {label} (probes leave from the host itself)"
        return f"from the machine running drverify to {role} {label}, as a partner's client connects"


@dataclass(frozen=True)
class Commands:
    """Facts read by shell commands run on the host, all areas in one batched round trip."""

    #: (pair, role) -> {short name: shell command}; inventory values shlex-quoted
    commands: Callable[[Pair, str], dict[str, str]]
    #: the commands' outputs -> facts; raises FactError when the whole area is unusable
    parse: Callable[[Mapping[str, Output]], Any]


@dataclass(frozen=True)
class Probe:
    """Facts gathered by talking to the network from the host's (or a partner's) position."""

    #: (pair, role, vantage) -> facts; raises FactError when the whole area is unusable
    probe: Callable[[Pair, str, Vantage], Any]


class Gathered(Protocol):
    """What the collector needs of an area (:class:`drverify.areas.Area` provides it)."""

    @property
    def name(self) -> str: ...

    @property
    def gather(self) -> Commands | Probe: ...

    @property
    def origin(self) -> Origin | None: ...

    def applies(self, pair: Pair) -> bool: ...

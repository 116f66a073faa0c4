"""The areas drverify compares: one declared record each, in one registry, in report order.

An :class:`Area` says everything the rest of drverify needs to know about an area — how its facts
are gathered (:mod:`drverify.facts`), how they are compared (:mod:`drverify.drift`), the
severities it can report, where it probes from, its part of the inventory and when a pair asks
for it. The plugin, the session, the reporter, the markers and the docs all read :data:`AREAS`.

Adding an area costs one facts module, one drift module, one check file and one line here.
Facts and drift never import each other: this module is where they meet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from drverify.deferred import Deferred
from drverify.drift import reverse
from drverify.drift.records import Context, Drift, Severity, Unverified
from drverify.facts import applies as asks
from drverify.facts.gather import Commands, Origin, Probe

if TYPE_CHECKING:
    from drverify.inventory.model import Pair
    from drverify.inventory.translate import Translation

P = TypeVar("P")

Direction = Literal["takeover", "failback"]
#: host and MFT areas: checked for a takeover, and in reverse (recovery as the reference) for the way back
BOTH_WAYS: frozenset[Direction] = frozenset({"takeover", "failback"})
#: areas whose facts are keyed by production's names and addresses (DNS servers and names, LDAP
#: URLs, the proxy): recovery's answers cannot be looked up as the reference without re-keying
TAKEOVER: frozenset[Direction] = frozenset({"takeover"})
#: what only failing back asks: transfers to drain, files to collect, transfers production must learn
FAILBACK: frozenset[Direction] = frozenset({"failback"})

#: (production facts, recovery facts, context) -> drift; unverified items go through the context
Comparator = Callable[[Any, Any, Context[Any]], Iterable[Drift]]
#: (production facts, context) -> {item: why production's answer cannot be the reference}
Reference = Callable[[Any, Context[Any]], Mapping[str, str]]


def always(pair: Pair) -> bool:
    """Host-local areas concern every pair."""
    return True


def no_reference(production: Any, ctx: Context[Any]) -> Mapping[str, str]:
    """Areas read from the host itself have no answer that could be missing on production."""
    return {}


@dataclass(frozen=True)
class Outcome:
    """What comparing one pair's area found: the verified drift, and the items not compared."""

    drift: tuple[Drift, ...] = ()
    unverified: tuple[Unverified, ...] = ()


@dataclass(frozen=True)
class Area(Generic[P]):
    """One area: its facts, its comparison, and what the reports and markers say of it."""

    name: str
    title: str
    gather: Commands | Probe
    compare: Comparator
    severities: tuple[Severity, ...]
    #: the area's validated part of the inventory, handed to the comparator as ``ctx.policy``
    policy: Callable[[Pair], P]
    #: production-is-the-reference: items production has no usable answer for (unverified)
    reference: Reference = no_reference
    #: where probes start; None for facts read on the host itself
    origin: Origin | None = None
    #: whether a pair's inventory asks for this area (an area not asked for gets no check)
    applies: Callable[[Pair], bool] = field(default=always)
    #: the directions it is checked in; a failback check of a BOTH_WAYS area swaps the roles
    directions: frozenset[Direction] = BOTH_WAYS
    #: the way back judged with the roles as they are, where swapping them would ask the wrong
    #: question (the balancer must send partners to production again); None: swap the roles
    failback: Comparator | None = None

    def context(self, pair: Pair, hosts: Mapping[str, str], translate: Translation | None = None) -> Context[P]:
        """The typed context of one comparison: built once per pair and area."""
        return Context(pair=pair, area=self.name, policy=self.policy(pair),
                       translate=translate or pair.translation("recovery"), hosts=hosts)

    def checked(self, pair: Pair, direction: Direction) -> bool:
        """Whether this area is checked for the pair in that direction."""
        return direction in self.directions and self.applies(pair)

    def judge(self, pair: Pair, production: Any, recovery: Any, hosts: Mapping[str, str],
              direction: Direction = "takeover") -> Outcome:
        """Production-is-the-reference first (one declared step), then the comparison proper; when
        failing back, an area that also serves the takeover is judged with recovery as the reference.

        Pure: the facts are plain data, nothing here touches a host.
        """
        if direction == "failback" and self.failback is not None:
            return self._judge(pair, production, recovery, hosts, None, self.failback)
        if direction == "failback" and "takeover" in self.directions:
            swapped = {"production": hosts.get("recovery", "recovery"), "recovery": hosts.get("production", "production")}
            outcome = self._judge(pair, recovery, production, swapped, pair.back_translation())
            return Outcome(tuple(reverse.drift_record(record) for record in outcome.drift),
                           tuple(reverse.unverified_item(item) for item in outcome.unverified))
        return self._judge(pair, production, recovery, hosts, None)

    def _judge(self, pair: Pair, reference: Any, target: Any, hosts: Mapping[str, str],
               translate: Translation | None, compare: Comparator | None = None) -> Outcome:
        ctx = self.context(pair, hosts, translate)
        ctx.unusable = dict(self.reference(reference, ctx))
        for item, reason in ctx.unusable.items():
            ctx.unverified(item, "production", reason)
        records = tuple((compare or self.compare)(reference, target, ctx))
        return Outcome(records, tuple(ctx.found_unverified))


CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
EVERY = (CRITICAL, MAJOR, MINOR)


def commands(area: str) -> Commands:
    """An area read by shell commands: its facts module's ``commands`` and ``parse``."""
    return Commands(Deferred(f"drverify.facts.{area}", "commands"), Deferred(f"drverify.facts.{area}", "parse"))


def probe(area: str) -> Probe:
    """An area read by probing the network: its facts module's ``probe``."""
    return Probe(Deferred(f"drverify.facts.{area}", "probe"))


def drift(area: str, step: str = "compare") -> Deferred:
    """The area's comparator (or its ``reference`` step) in its drift module."""
    return Deferred(f"drverify.drift.{area}", step)


#: every area in report order; the facts and drift modules named here are imported when their area
#: first runs (:mod:`drverify.deferred`), so a run pays only for the areas it checks
AREAS: dict[str, Area[Any]] = {area.name: area for area in (
    Area("disks", "Disks and sizing", commands("disks"), drift("disks"), EVERY,
         lambda pair: pair.policies.disks),
    Area("network", "Addresses, routes and listeners", commands("network"), drift("network"), (MAJOR, MINOR),
         lambda pair: pair.policies.network),
    Area("firewall", "Firewall rules", commands("firewall"), drift("firewall"), EVERY,
         lambda pair: pair.policies.firewall),
    Area("users", "Users and groups", commands("users"), drift("users"), EVERY,
         lambda pair: pair.policies.users),
    Area("dns", "DNS records and resolvers", probe("dns"), drift("dns"), EVERY,
         lambda pair: pair.network.dns, drift("dns", "reference"), Origin.HOST, asks.dns, TAKEOVER),
    Area("ldap", "LDAP directories", probe("ldap"), drift("ldap"), (CRITICAL, MAJOR),
         lambda pair: pair.network.ldap, drift("ldap", "reference"), Origin.HOST, asks.ldap, TAKEOVER),
    Area("egress", "Egress address through the proxy", probe("egress"), drift("egress"), (CRITICAL,),
         lambda pair: pair.network.egress, drift("egress", "reference"), Origin.HOST, asks.egress, TAKEOVER),
    Area("reachability", "Endpoints reachable", commands("reachability"), drift("reachability"), (CRITICAL,),
         lambda pair: pair.network, drift("reachability", "reference"), Origin.HOST, asks.reachability),
    Area("certificates", "Certificate files", probe("certificates"), drift("certificates"), EVERY,
         lambda pair: pair.keys.certificates, drift("certificates", "reference"), None, asks.certificates),
    Area("tls", "Served TLS certificates", probe("tls"), drift("tls"), EVERY,
         lambda pair: pair.keys.tls, drift("tls", "reference"), Origin.PARTNER, asks.tls),
    Area("ssh_hostkeys", "SSH host keys", probe("ssh_hostkeys"), drift("ssh_hostkeys"), (CRITICAL, MINOR),
         lambda pair: pair.keys.ssh_hostkeys, drift("ssh_hostkeys", "reference"), Origin.PARTNER, asks.ssh_hostkeys),
    Area("pgp", "PGP keyrings", commands("pgp"), drift("pgp"), EVERY,
         lambda pair: pair.keys.pgp, drift("pgp", "reference"), None, asks.pgp),
    Area("mft_config", "MFT configuration export", commands("mft_config"), drift("mft_config"), EVERY,
         lambda pair: pair.mft, drift("mft_config", "reference"), None, asks.mft_config),
    Area("mft_software", "MFT software and service", commands("mft_software"), drift("mft_software"),
         (CRITICAL, MAJOR), lambda pair: pair.mft, drift("mft_software", "reference"), None, asks.mft_software),
    Area("load_balancer", "Load balancer pool", probe("load_balancer"), drift("load_balancer"), (CRITICAL, MAJOR),
         lambda pair: pair.load_balancer, drift("load_balancer", "reference"), None, asks.load_balancer,
         failback=drift("load_balancer", "failback")),
    Area("active_transfers", "Transfers in flight on recovery", probe("active_transfers"),
         drift("active_transfers"), (CRITICAL, MAJOR), lambda pair: pair.mft,
         applies=asks.active_transfers, directions=FAILBACK),
    Area("pending_files", "Files waiting on recovery", commands("pending_files"), drift("pending_files"), (MAJOR,),
         lambda pair: pair.mft, applies=asks.pending_files, directions=FAILBACK),
    Area("transfer_ledger", "Transfers production does not know", commands("transfer_ledger"),
         drift("transfer_ledger"), (CRITICAL,), lambda pair: pair.mft,
         applies=asks.transfer_ledger, directions=FAILBACK),
)}


def applicable(pair: Pair, areas: Mapping[str, Area[Any]] = AREAS,
               direction: Direction | None = None) -> list[Area[Any]]:
    """The areas a pair's inventory asks for in that direction (the pair's own by default), in report order."""
    return [area for area in areas.values() if area.checked(pair, direction or pair.direction)]


__all__ = ["AREAS", "Area", "Outcome", "applicable"]

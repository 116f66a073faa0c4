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
from typing import Any, Generic, Literal, TypeVar

from drverify.drift import active_transfers as active_transfers_drift
from drverify.drift import certificates as certificates_drift
from drverify.drift import disks as disks_drift
from drverify.drift import dns as dns_drift
from drverify.drift import egress as egress_drift
from drverify.drift import firewall as firewall_drift
from drverify.drift import ldap as ldap_drift
from drverify.drift import load_balancer as load_balancer_drift
from drverify.drift import mft_config as mft_config_drift
from drverify.drift import mft_software as mft_software_drift
from drverify.drift import network as network_drift
from drverify.drift import pending_files as pending_files_drift
from drverify.drift import pgp as pgp_drift
from drverify.drift import reachability as reachability_drift
from drverify.drift import reverse
from drverify.drift import ssh_hostkeys as ssh_hostkeys_drift
from drverify.drift import tls as tls_drift
from drverify.drift import transfer_ledger as transfer_ledger_drift
from drverify.drift import users as users_drift
from drverify.drift.records import Context, Drift, Severity, Unverified
from drverify.facts import (
    active_transfers,
    certificates,
    disks,
    dns,
    egress,
    firewall,
    ldap,
    load_balancer,
    mft_config,
    mft_software,
    network,
    pending_files,
    pgp,
    reachability,
    ssh_hostkeys,
    tls,
    transfer_ledger,
    users,
)
from drverify.facts.gather import Commands, Origin, Probe
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


AREAS: dict[str, Area[Any]] = {area.name: area for area in (
    Area("disks", "Disks and sizing", Commands(disks.commands, disks.parse),
         disks_drift.compare, disks_drift.SEVERITIES, lambda pair: pair.policies.disks),
    Area("network", "Addresses, routes and listeners", Commands(network.commands, network.parse),
         network_drift.compare, network_drift.SEVERITIES, lambda pair: pair.policies.network),
    Area("firewall", "Firewall rules", Commands(firewall.commands, firewall.parse),
         firewall_drift.compare, firewall_drift.SEVERITIES, lambda pair: pair.policies.firewall),
    Area("users", "Users and groups", Commands(users.commands, users.parse),
         users_drift.compare, users_drift.SEVERITIES, lambda pair: pair.policies.users),
    Area("dns", "DNS records and resolvers", Probe(dns.probe), dns_drift.compare,
         dns_drift.SEVERITIES, lambda pair: pair.network.dns, dns_drift.reference, Origin.HOST,
         dns.applies, TAKEOVER),
    Area("ldap", "LDAP directories", Probe(ldap.probe), ldap_drift.compare,
         ldap_drift.SEVERITIES, lambda pair: pair.network.ldap, ldap_drift.reference, Origin.HOST,
         ldap.applies, TAKEOVER),
    Area("egress", "Egress address through the proxy", Probe(egress.probe), egress_drift.compare,
         egress_drift.SEVERITIES, lambda pair: pair.network.egress, egress_drift.reference, Origin.HOST,
         egress.applies, TAKEOVER),
    Area("reachability", "Endpoints reachable", Commands(reachability.commands, reachability.parse), reachability_drift.compare,
         reachability_drift.SEVERITIES, lambda pair: pair.network, reachability_drift.reference,
         Origin.HOST, reachability.applies),
    Area("certificates", "Certificate files", Probe(certificates.probe), certificates_drift.compare,
         certificates_drift.SEVERITIES, lambda pair: pair.keys.certificates, certificates_drift.reference,
         None, certificates.applies),
    Area("tls", "Served TLS certificates", Probe(tls.probe), tls_drift.compare,
         tls_drift.SEVERITIES, lambda pair: pair.keys.tls, tls_drift.reference, Origin.PARTNER,
         tls.applies),
    Area("ssh_hostkeys", "SSH host keys", Probe(ssh_hostkeys.probe), ssh_hostkeys_drift.compare,
         ssh_hostkeys_drift.SEVERITIES, lambda pair: pair.keys.ssh_hostkeys, ssh_hostkeys_drift.reference,
         Origin.PARTNER, ssh_hostkeys.applies),
    Area("pgp", "PGP keyrings", Commands(pgp.commands, pgp.parse), pgp_drift.compare,
         pgp_drift.SEVERITIES, lambda pair: pair.keys.pgp, pgp_drift.reference, None,
         pgp.applies),
    Area("mft_config", "MFT configuration export", Commands(mft_config.commands, mft_config.parse),
         mft_config_drift.compare, mft_config_drift.SEVERITIES, lambda pair: pair.mft, mft_config_drift.reference,
         None, mft_config.applies),
    Area("mft_software", "MFT software and service", Commands(mft_software.commands, mft_software.parse),
         mft_software_drift.compare, mft_software_drift.SEVERITIES, lambda pair: pair.mft,
         mft_software_drift.reference, None, mft_software.applies),
    Area("load_balancer", "Load balancer pool", Probe(load_balancer.probe), load_balancer_drift.compare,
         load_balancer_drift.SEVERITIES, lambda pair: pair.load_balancer, load_balancer_drift.reference, None,
         load_balancer.applies, failback=load_balancer_drift.failback),
    Area("active_transfers", "Transfers in flight on recovery", Probe(active_transfers.probe),
         active_transfers_drift.compare, active_transfers_drift.SEVERITIES, lambda pair: pair.mft,
         applies=active_transfers.applies, directions=FAILBACK),
    Area("pending_files", "Files waiting on recovery", Commands(pending_files.commands, pending_files.parse),
         pending_files_drift.compare, pending_files_drift.SEVERITIES, lambda pair: pair.mft,
         applies=pending_files.applies, directions=FAILBACK),
    Area("transfer_ledger", "Transfers production does not know", Commands(transfer_ledger.commands, transfer_ledger.parse),
         transfer_ledger_drift.compare, transfer_ledger_drift.SEVERITIES, lambda pair: pair.mft,
         applies=transfer_ledger.applies, directions=FAILBACK),
)}


def applicable(pair: Pair, areas: Mapping[str, Area[Any]] = AREAS,
               direction: Direction | None = None) -> list[Area[Any]]:
    """The areas a pair's inventory asks for in that direction (the pair's own by default), in report order."""
    return [area for area in areas.values() if area.checked(pair, direction or pair.direction)]


__all__ = ["AREAS", "Area", "Outcome", "applicable"]

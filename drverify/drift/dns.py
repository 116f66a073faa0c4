"""DNS drift: would a failover reach clients, in time, at the right address, from every site?

For each DNS server (recovery's: the translation) and each name (recovery's: the translation):

- a server that does not answer recovery → CRITICAL (nothing can be checked from there, and
  the host would not resolve through it either);
- a service name that does not resolve on recovery → CRITICAL, or resolves to something other
  than the translation of production's addresses → CRITICAL (clients would land elsewhere);
- a TTL above ``max_ttl`` on either side → MAJOR: the takeover works, but clients keep the old
  answer for up to that long (not CRITICAL: the recovery host itself is fine, and operators can
  wait or flush caches -- it is an RTO problem, the kind of thing MAJOR is for);
- two MFT sites sharing an address on one side → MAJOR: a partner of one site would be
  served as the other; a site missing on recovery → CRITICAL;
- a differently shaped chain (CNAME → A vs A) → MINOR;
- the host's own resolver: see :mod:`drverify.drift.dns_resolver`.

Production is the reference (:func:`reference`): a server that does not answer production makes
that server's items unverified, a name production gets no address for makes that name
unverified, and so on for the resolver; everything else is still compared. An item either
side's facts lack (a snapshot older than the inventory) or could not look up is unverified too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drverify.drift import dns_resolver as resolver
from drverify.drift.records import Context, Drift, Severity


@dataclass(frozen=True)
class Answer:
    """One name's answer from one DNS server on both sides: what that name's checks compare."""

    server: str  #: production's server: items are named after production
    name: str  #: production's name, as the inventory writes it
    recovery_name: str
    production: Mapping[str, Any]
    recovery: Mapping[str, Any]
    service: bool  #: a service name (its addresses must be the translation of production's)

    @property
    def item(self) -> str:
        return f"{self.name} @{self.server}"

    def chain(self, side: str) -> Mapping[str, Any]:
        return self.production if side == "production" else self.recovery

    def label(self, side: str) -> str:
        return self.name.lower() if side == "production" else self.recovery_name


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    found: list[Drift] = []
    for server in ctx.policy.servers:
        found += _server(server, production, recovery, ctx)
    found += resolver.compare(production.get("resolver") or {}, recovery.get("resolver") or {}, ctx)
    return sorted(found, key=lambda drift: drift.item)


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Production's servers that do not answer it, names it gets no address for, resolver parts
    it cannot read: unverified, since there is nothing to expect of recovery there."""
    unusable: dict[str, str] = {}
    servers = production.get("servers") or {}
    for server in ctx.policy.servers:
        answer = servers.get(server)
        if answer is not None and "error" in answer:
            unusable[f"server {server}"] = (f"DNS server {server} does not answer production ({answer['error']}): "
                                            "nothing to compare recovery's answers with")
        elif answer is not None:
            unusable.update(_unanswered_names(server, answer.get("names") or {}, ctx))
    unusable.update(resolver.reference(production.get("resolver") or {}, ctx))
    return unusable


def _unanswered_names(server: str, names: Mapping[str, Any], ctx: Context) -> dict[str, str]:
    unusable = {}
    for name in [*ctx.policy.service_names, *ctx.policy.sites]:
        chain = names.get(name.lower())
        if chain is not None and not addresses(chain):
            unusable[f"{name} @{server}"] = (
                f"{name} gives production no address from DNS server {server} (rcode {chain.get('rcode')}, "
                f"{len(chain.get('records') or [])} record(s)): {resolver.NOTHING_TO_COMPARE}")
    return unusable


def addresses(chain: Mapping[str, Any] | None) -> list[str]:
    return sorted(r["value"] for r in (chain or {}).get("records", []) if r["type"] in ("A", "AAAA"))


def shape(chain: Mapping[str, Any]) -> list[str]:
    """The record types along the chain, e.g. ``["CNAME", "A"]``."""
    types: list[str] = []
    for record in chain["records"]:
        if not types or types[-1] != record["type"]:
            types.append(record["type"])
    return types


def max_ttl(chain: Mapping[str, Any] | None) -> int | None:
    ttls = [record["ttl"] for record in (chain or {}).get("records", [])]
    return max(ttls) if ttls else None


def _server(server: str, production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    """One server's names and sites; nothing when either side has no answers from it to compare."""
    item, recovery_server = f"server {server}", ctx.translate.text(server)
    if not ctx.usable(item):
        return []
    production_answers = ctx.listed(production.get("servers") or {}, server, "production", item)
    recovery_answers = ctx.listed(recovery.get("servers") or {}, recovery_server, "recovery", item)
    if production_answers is None or recovery_answers is None:
        return []
    if "error" in recovery_answers:
        return [ctx.drift(item, "answers", recovery_answers["error"], Severity.CRITICAL,
                          f"recovery cannot query DNS server {recovery_server} ({recovery_answers['error']}): "
                          "none of the names can be checked from there", kind="unreachable")]
    names = (production_answers.get("names") or {}, recovery_answers.get("names") or {})
    checks = ctx.policy
    found: list[Drift] = []
    answers = {}
    for name in dict.fromkeys([*checks.service_names, *checks.sites]):
        answer = _answer(server, name, names, ctx)
        if answer is not None:
            answers[name] = answer
            found += _name(answer, ctx)
    found += _shared_sites([answers[name] for name in checks.sites if name in answers], ctx)
    return found


def _answer(server: str, name: str, names: tuple[Mapping[str, Any], Mapping[str, Any]], ctx: Context) -> Answer | None:
    """Both sides' chains for a name (``names``: production's and recovery's answers from the
    server), or None when it cannot be compared (already recorded as unverified)."""
    item, recovery_name = f"{name} @{server}", ctx.translate.text(name).lower()
    if not ctx.usable(item):
        return None
    production = ctx.listed(names[0], name.lower(), "production", item)
    recovery = ctx.listed(names[1], recovery_name, "recovery", item)
    if production is None or recovery is None:
        return None
    return Answer(server, name, recovery_name, production, recovery, name in ctx.policy.service_names)


def _name(answer: Answer, ctx: Context) -> list[Drift]:
    kind = "service name" if answer.service else "site"
    production, recovery = addresses(answer.production), addresses(answer.recovery)
    if not recovery:
        return [ctx.moved(answer.item, production, None, Severity.CRITICAL,
                          f"{kind} {answer.recovery_name} does not resolve on recovery ({answer.recovery.get('rcode')}, "
                          f"no A/AAAA record); production's {answer.name} resolves to {', '.join(production)}",
                          kind="missing")]
    found = _ttl(answer, ctx)
    expected = sorted(ctx.translate.address(address) for address in production)
    if answer.service and recovery != expected:
        found.append(ctx.drift(answer.item, production, recovery, Severity.CRITICAL,
                               f"{answer.recovery_name} resolves to {', '.join(recovery)} on recovery, expected "
                               f"{', '.join(expected)} (production's {answer.name}: {', '.join(production)}, translated)",
                               kind="answer", translated=expected))
    elif shape(answer.production) != shape(answer.recovery):
        shapes = (shape(answer.production), shape(answer.recovery))
        found.append(ctx.drift(f"{answer.item} chain", *shapes, Severity.MINOR,
                               f"{answer.name} is {' → '.join(shapes[0])} on production but {answer.recovery_name} "
                               f"is {' → '.join(shapes[1])} on recovery", kind="chain"))
    return found


def _ttl(answer: Answer, ctx: Context) -> list[Drift]:
    limit = ctx.policy.max_ttl
    ttls = {side: max_ttl(answer.chain(side)) for side in ("production", "recovery")}
    over = [f"on {side}, {_longest(answer.chain(side))} (in the answer for {answer.label(side)}) has a TTL of {ttl} s"
            for side, ttl in ttls.items() if ttl is not None and ttl > limit]
    if not over:
        return []
    worst = max(ttl for ttl in ttls.values() if ttl is not None)
    return [ctx.drift(f"{answer.name} ttl @{answer.server}", ttls["production"], ttls["recovery"], Severity.MAJOR,
                      f"{'; '.join(over)}, above the {limit} s maximum: clients may keep the old answer "
                      f"for up to {worst} s after the record is switched, beyond the RTO allowance", kind="ttl")]


def _longest(chain: Mapping[str, Any]) -> str:
    """The record whose TTL is the chain's longest: the one to fix."""
    return max(chain["records"], key=lambda record: record["ttl"])["name"]


def _shared_sites(sites: list[Answer], ctx: Context) -> list[Drift]:
    """Sites sharing an address on either side (only sites both sides answered for)."""
    found = []
    for side in ("production", "recovery"):
        by_address: dict[str, list[Answer]] = defaultdict(list)
        for site in sites:
            for address in addresses(site.chain(side)):
                by_address[address].append(site)
        for address, sharing in sorted(by_address.items()):
            if len(sharing) < 2:
                continue
            found.append(ctx.drift(f"sites sharing {address} on {side} @{sharing[0].server}",
                                   {site.label("production"): addresses(site.production) for site in sharing},
                                   {site.recovery_name: addresses(site.recovery) for site in sharing}, Severity.MAJOR,
                                   f"on {side}, sites {' and '.join(site.label(side) for site in sharing)} share the "
                                   f"address {address}: each site needs an address of its own, or partners reach the "
                                   "wrong site", kind="shared_site"))
    return found

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
- the host's own resolver: a name the MFT host depends on not resolving on recovery, or to other
  (translated) addresses → MAJOR; nameservers different after translation → MAJOR (one may sit in the failed site);
  search list different → MINOR.

Everything is checked for what the inventory lists (servers, names, sites, resolver names), and
production is the reference: an item production's facts lack (a snapshot older than the
inventory) or hold no usable answer for raises :class:`~drverify.errors.FactsUnavailable` -- the
area is unverified, never passed by skipping the item. Recovery's facts lacking an item (an old
snapshot, not a failed lookup: that is recorded and is drift) are unverified the same way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from drverify.drift.records import Context, Drift, Severity, listed
from drverify.errors import FactsUnavailable

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    checks = ctx.policy
    found: list[Drift] = []
    for server in checks.servers:
        ours = _reference_server(production, server)
        theirs = listed(recovery["servers"], ctx.translate.text(server), "recovery",
                         f"answers from DNS server {ctx.translate.text(server)}")
        if "error" in theirs:
            found.append(ctx.drift(f"server {server}", "answers", theirs["error"], Severity.CRITICAL,
                                   f"recovery cannot query DNS server {ctx.translate.text(server)} "
                                   f"({theirs['error']}): none of the names can be checked from there"))
            continue
        found += _server(server, ours["names"], theirs["names"], checks, ctx)
    found += _resolver(production["resolver"], recovery["resolver"], checks.resolver_names, ctx)
    return sorted(found, key=lambda drift: drift.item)


def _reference_server(production: dict[str, Any], server: str) -> dict[str, Any]:
    ours = listed(production["servers"], server, "production", f"answers from DNS server {server}")
    if "error" in ours:
        raise FactsUnavailable(f"DNS server {server} does not answer production ({ours['error']}): "
                               "nothing to compare recovery with")
    return ours


def _reference_chain(names: dict[str, Any], name: str, server: str) -> dict[str, Any]:
    """Production's answer for a name; FactsUnavailable when it holds no address to expect."""
    chain = listed(names, name, "production", f"answer for {name} from DNS server {server}")
    if chain["rcode"] != "NOERROR" or not addresses(chain):
        raise FactsUnavailable(f"{name} gives production no address from DNS server {server} "
                               f"(rcode {chain['rcode']}): nothing to compare recovery with")
    return chain


def addresses(chain: dict[str, Any] | None) -> list[str]:
    return sorted(r["value"] for r in (chain or {}).get("records", []) if r["type"] in ("A", "AAAA"))


def shape(chain: dict[str, Any]) -> list[str]:
    """The record types along the chain, e.g. ``["CNAME", "A"]``."""
    types: list[str] = []
    for record in chain["records"]:
        if not types or types[-1] != record["type"]:
            types.append(record["type"])
    return types


def max_ttl(chain: dict[str, Any] | None) -> int | None:
    ttls = [record["ttl"] for record in (chain or {}).get("records", [])]
    return max(ttls) if ttls else None


def _server(server: str, ours: dict[str, Any], theirs: dict[str, Any], checks: Any, ctx: Context) -> list[Drift]:
    found: list[Drift] = []
    for name in [*checks.service_names, *checks.sites]:
        rec = ctx.translate.text(name).lower()
        mine = _reference_chain(ours, name.lower(), server)
        other = listed(theirs, rec, "recovery", f"answer for {rec} from DNS server {ctx.translate.text(server)}")
        found += _name(server, name, rec, mine, other, name in checks.service_names, checks, ctx)
    sites = [(name.lower(), ctx.translate.text(name).lower()) for name in checks.sites]
    found += _shared_sites(server, sites, ours, theirs, ctx)
    return found


def _name(server: str, name: str, rec: str, ours: dict[str, Any], theirs: dict[str, Any], service: bool,
          checks: Any, ctx: Context) -> list[Drift]:
    item = f"{name} @{server}"
    kind = "service name" if service else "site"
    expected = sorted(ctx.translate.address(a) for a in addresses(ours))
    got = addresses(theirs)
    if not got:
        return [ctx.drift(item, addresses(ours), None, Severity.CRITICAL,
                          f"{kind} {rec} does not resolve on recovery ({theirs['rcode']}, no A/AAAA record); "
                          f"production's {name} resolves to {', '.join(addresses(ours))}")]
    found = _ttl(server, name, rec, ours, theirs, checks.max_ttl, ctx)
    if service and got != expected:
        found.append(ctx.drift(item, addresses(ours), got, Severity.CRITICAL,
                               f"{rec} resolves to {', '.join(got)} on recovery, expected {', '.join(expected)} "
                               f"(production's {name}: {', '.join(addresses(ours))}, translated)"))
    elif shape(ours) != shape(theirs):
        found.append(ctx.drift(f"{item} chain", shape(ours), shape(theirs), Severity.MINOR,
                               f"{name} is {' → '.join(shape(ours))} on production but {rec} is "
                               f"{' → '.join(shape(theirs))} on recovery"))
    return found


def _ttl(server: str, name: str, rec: str, ours: dict[str, Any], theirs: dict[str, Any], limit: int,
         ctx: Context) -> list[Drift]:
    prod_ttl, rec_ttl = max_ttl(ours), max_ttl(theirs)
    over = [f"on {side}, {_longest(chain)} (in the answer for {label}) has a TTL of {ttl} s"
            for side, label, chain, ttl in (("production", name, ours, prod_ttl), ("recovery", rec, theirs, rec_ttl))
            if ttl is not None and ttl > limit]
    if not over:
        return []
    worst = max(ttl for ttl in (prod_ttl, rec_ttl) if ttl is not None)
    return [ctx.drift(f"{name} ttl @{server}", prod_ttl, rec_ttl, Severity.MAJOR,
                      f"{'; '.join(over)}, above the {limit} s maximum: clients may keep the old answer "
                      f"for up to {worst} s after the record is switched, beyond the RTO allowance")]


def _joined(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def _longest(chain: dict[str, Any]) -> str:
    """The record whose TTL is the chain's longest: the one to fix."""
    return max(chain["records"], key=lambda record: record["ttl"])["name"]


def _shared_sites(server: str, sites: list[tuple[str, str]], ours: dict[str, Any], theirs: dict[str, Any],
                  ctx: Context) -> list[Drift]:
    found = []
    for side, names, answers in (("production", [p for p, _ in sites], ours),
                                 ("recovery", [r for _, r in sites], theirs)):
        by_address: dict[str, list[str]] = defaultdict(list)
        for name in names:
            for address in addresses(answers[name]):
                by_address[address].append(name)
        for address, sharing in sorted(by_address.items()):
            if len(sharing) < 2:
                continue
            prod = {p: addresses(ours[p]) for p, r in sites if (p if side == "production" else r) in sharing}
            rec = {r: addresses(theirs[r]) for p, r in sites if (p if side == "production" else r) in sharing}
            found.append(ctx.drift(f"sites sharing {address} on {side} @{server}", prod, rec, Severity.MAJOR,
                                   f"on {side}, sites {' and '.join(sharing)} share the address {address}: "
                                   "each site needs an address of its own, or partners reach the wrong site"))
    return found


def _resolver(ours: dict[str, Any], theirs: dict[str, Any], names: list[str], ctx: Context) -> list[Drift]:
    found = []
    for name in names:
        rec_name = ctx.translate.text(name).lower()
        prod = listed(ours["names"], name.lower(), "production", f"resolver answer for {name}")
        rec = listed(theirs["names"], rec_name, "recovery", f"resolver answer for {rec_name}")
        if not prod:
            raise FactsUnavailable(f"{name} does not resolve with production's own resolver "
                                   f"(nameservers {_joined(ours['nameservers'])}): nothing to compare recovery with")
        expected = sorted(ctx.translate.address(a) for a in prod)
        if rec != expected:
            what = "does not resolve" if not rec else f"resolves to {', '.join(rec)}"
            found.append(ctx.drift(f"resolver {name}", prod, rec or None, Severity.MAJOR,
                                   f"{ctx.translate.text(name)} {what} with recovery's own resolver, "
                                   f"expected {', '.join(expected)} (production: {', '.join(prod)})"))
    # A nameserver that is not the translation of production's may sit in the failed site: every
    # lookup then waits for the resolver's timeout first. The search list only changes short names.
    for key, severity in (("nameservers", Severity.MAJOR), ("search", Severity.MINOR)):
        expected = ctx.translate.value(ours[key])
        if expected != theirs[key]:
            found.append(ctx.drift(f"resolver {key}", ours[key], theirs[key], severity,
                                   f"recovery's resolv.conf lists {key} {_joined(theirs[key])}, expected "
                                   f"{_joined(expected)} (production's, translated)"))
    return found


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}

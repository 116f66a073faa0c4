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
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from drverify.drift.records import Context, Drift, Severity

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    checks = ctx.pair_spec.network.dns
    found: list[Drift] = []
    for server, answer in production["servers"].items():
        theirs = recovery["servers"].get(ctx.translate.text(server))
        if theirs is None:
            continue
        if "error" in theirs:
            found.append(ctx.drift(f"server {server}", "answers", theirs["error"], Severity.CRITICAL,
                                   f"recovery cannot query DNS server {ctx.translate.text(server)} "
                                   f"({theirs['error']}): none of the names can be checked from there"))
            continue
        found += _server(server, answer["names"], theirs["names"], checks, ctx)
    found += _resolver(production["resolver"], recovery["resolver"], checks.resolver_names, ctx)
    return sorted(found, key=lambda drift: drift.item)


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
    pairs = {}
    for name in [*checks.service_names, *checks.sites]:
        prod, rec = name.lower(), ctx.translate.text(name).lower()
        if prod in ours and rec in theirs:
            pairs[name] = (prod, rec)
            found += _name(server, name, rec, ours[prod], theirs[rec], name in checks.service_names, checks, ctx)
    found += _shared_sites(server, [pairs[s] for s in checks.sites if s in pairs], ours, theirs, ctx)
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
                          f"production's {name} resolves to {', '.join(addresses(ours)) or 'nothing'}")]
    found = _ttl(server, name, rec, ours, theirs, checks.max_ttl, ctx)
    if service and expected and got != expected:
        found.append(ctx.drift(item, addresses(ours), got, Severity.CRITICAL,
                               f"{rec} resolves to {', '.join(got)} on recovery, expected {', '.join(expected)} "
                               f"(production's {name}: {', '.join(addresses(ours))}, translated)"))
    elif ours["records"] and shape(ours) != shape(theirs):
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


def _listed(values: list[str]) -> str:
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
        prod, rec = ours["names"].get(name.lower()), theirs["names"].get(ctx.translate.text(name).lower())
        if not prod or rec is None:
            continue
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
                                   f"recovery's resolv.conf lists {key} {_listed(theirs[key])}, expected "
                                   f"{_listed(expected)} (production's, translated)"))
    return found

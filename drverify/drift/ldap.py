"""LDAP drift: could people log in on recovery as they do on production?

Production's facts only exist when production could use every directory server (otherwise the
area is unverified, see :mod:`drverify.facts.ldap`). So for each server (recovery's: the
translation of the URL):

- recovery stopped at a stage → CRITICAL, the message naming the stage: TCP blocked (a firewall
  or route), TLS failure (certificate name or CA), bind refused, search failed -- in every case
  nobody could log in after a takeover;
- both searched, with different results (after translating production's) → MAJOR: logins work,
  but not for the same people or groups.

Servers are the inventory's: one production's facts lack (a snapshot older than the inventory) or
hold a failed outcome for (facts made some other way) raises
:class:`~drverify.errors.FactsUnavailable` -- unverified, never skipped; so does recovery's facts
lacking the translated URL.
"""

from __future__ import annotations

from typing import Any

from drverify.drift.records import Context, Drift, Severity, listed
from drverify.errors import FactsUnavailable

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR)

STAGES = {
    "tcp": "TCP connection blocked",
    "tls": "TLS failure (certificate name or CA not trusted)",
    "bind": "bind refused",
    "search": "search failed",
}


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    found = []
    for url in ctx.policy.servers:
        ours = _reference(production["servers"], url)
        theirs_url = ctx.translate.text(url)
        theirs = listed(recovery["servers"], theirs_url, "recovery", f"outcome for LDAP server {theirs_url}")
        if theirs["stage"] != "ok":
            found.append(ctx.drift(f"server {url}", "ok", f"{theirs['stage']}: {theirs['reason']}", Severity.CRITICAL,
                                   f"{STAGES.get(theirs['stage'], theirs['stage'])} from recovery to {theirs_url} "
                                   f"({theirs['reason']}); production logs in: nobody could log in after a takeover"))
        elif ctx.translate.value(ours["entries"]) != theirs["entries"]:
            found.append(_different(url, ours["entries"], theirs["entries"], ctx))
    return sorted(found, key=lambda drift: drift.item)


def _reference(servers: dict[str, Any], url: str) -> dict[str, Any]:
    """Production's outcome, which must be a full login and search: it is what recovery should match."""
    ours = listed(servers, url, "production", f"outcome for LDAP server {url}")
    if ours["stage"] != "ok":
        raise FactsUnavailable(f"production cannot use LDAP server {url} ({ours['stage']}: {ours['reason']}): "
                               "nothing to compare recovery with")
    return ours


def _different(url: str, ours: list[dict[str, Any]], theirs: list[dict[str, Any]], ctx: Context) -> Drift:
    expected = ctx.translate.value(ours)
    missing = [entry["dn"] for entry in expected if entry not in theirs]
    extra = [entry["dn"] for entry in theirs if entry not in expected]
    detail = "; ".join(part for part in (
        f"differs or missing on recovery: {', '.join(missing)}" if missing else "",
        f"differs or extra on recovery: {', '.join(extra)}" if extra else "") if part)
    return ctx.drift(f"search {url}", ours, theirs, Severity.MAJOR,
                     f"search result different: recovery's directory answers {len(theirs)} entries, "
                     f"production's {len(ours)} ({detail})")


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}

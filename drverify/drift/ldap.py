"""LDAP drift: could people log in on recovery as they do on production?

For each server (recovery's: the translation of the URL):

- recovery stopped at a stage → CRITICAL, the message naming the stage: TCP blocked (a firewall
  or route), TLS failure (certificate name or CA), bind refused, search failed -- in every case
  nobody could log in after a takeover;
- both searched, with different results (after translating production's) → MAJOR: logins work,
  but not for the same people or groups.

Production is the reference (:func:`reference`): a server production itself cannot use (at
any stage) is unverified, the other servers are still compared. A server either side's facts
lack (a snapshot older than the inventory) is unverified too, never skipped.
"""

from __future__ import annotations

from typing import Any

from drverify.drift.records import Context, Drift, Severity

STAGES = {
    "tcp": "TCP connection blocked",
    "tls": "TLS failure (certificate name or CA not trusted)",
    "bind": "bind refused",
    "search": "search failed",
    "url": "unusable server URL",
}


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    found = []
    for url in ctx.policy.servers:
        item, recovery_url = f"server {url}", ctx.translate.text(url)
        if not ctx.usable(item):
            continue
        production_outcome = ctx.listed(production.get("servers") or {}, url, "production", item)
        recovery_outcome = ctx.listed(recovery.get("servers") or {}, recovery_url, "recovery", item)
        if production_outcome is None or recovery_outcome is None:
            continue
        if recovery_outcome["stage"] != "ok":
            found.append(_stopped(url, recovery_url, recovery_outcome, ctx))
        elif ctx.translate.value(production_outcome["entries"]) != recovery_outcome["entries"]:
            found.append(_different(url, (production_outcome["entries"], recovery_outcome["entries"]), ctx))
    return sorted(found, key=lambda drift: drift.item)


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Servers production itself cannot use: nothing to expect of recovery there."""
    servers = production.get("servers") or {}
    return {f"server {url}": f"production cannot use LDAP server {url} ({result.get('stage')}: "
                             f"{result.get('reason')}): nothing to compare recovery with"
            for url in ctx.policy.servers if (result := servers.get(url)) is not None and result.get("stage") != "ok"}


def _stopped(url: str, recovery_url: str, outcome: dict[str, Any], ctx: Context) -> Drift:
    """Recovery stopped at a stage production passes (``outcome``: recovery's)."""
    stage, reason = outcome["stage"], outcome["reason"]
    return ctx.drift(f"server {url}", "ok", f"{stage}: {reason}", Severity.CRITICAL,
                     f"{STAGES.get(stage, stage)} from recovery to {recovery_url} ({reason}); "
                     "production logs in: nobody could log in after a takeover", kind="stage")


def _different(url: str, entries: tuple[list[dict[str, Any]], list[dict[str, Any]]], ctx: Context) -> Drift:
    """Both searched, with other results (``entries``: production's and recovery's)."""
    production, recovery = entries
    expected = ctx.translate.value(production)
    missing = [entry["dn"] for entry in expected if entry not in recovery]
    extra = [entry["dn"] for entry in recovery if entry not in expected]
    detail = "; ".join(part for part in (
        f"differs or missing on recovery: {', '.join(missing)}" if missing else "",
        f"differs or extra on recovery: {', '.join(extra)}" if extra else "") if part)
    return ctx.drift(f"search {url}", production, recovery, Severity.MAJOR,
                     f"search result different: recovery's directory answers {len(recovery)} entries, "
                     f"production's {len(production)} ({detail})", kind="search", translated=expected)

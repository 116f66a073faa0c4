"""Drift of served certificates: does recovery show partners' clients what production shows?

Per port (items ``port N``, ``port N certificate``, ``port N chain``, ``port N expiry``):

- recovery does not complete a TLS handshake on the port: CRITICAL (partners cannot connect);
- recovery serves a chain that does not build to the CA bundle while production's does, or (no
  bundle configured) serves fewer certificates than production: CRITICAL. Partner clients
  (Java, curl, FileZilla, most MFT products) do not fetch a missing intermediate: the handshake
  fails verification, so the partner cannot connect at all;
- another leaf certificate: MAJOR, unless ``allow_reissued`` and it certifies the same names;
- expiry of the leaf: see :func:`drverify.drift.expiry.judge` (recovery expired: CRITICAL).

Production is the reference: a port of the inventory that production's facts lack (a snapshot
older than the inventory) or where production served no chain leaves nothing to compare
against, so the area is *unverified* (:class:`~drverify.errors.FactsUnavailable`), never passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drverify.drift import expiry
from drverify.drift.certificates import how_they_differ, same_names
from drverify.drift.records import Context, Drift, Severity, listed
from drverify.errors import FactsUnavailable
from drverify.inventory.keys import TlsChecks

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def _spec(ctx: Context) -> TlsChecks:
    return ctx.policy


def compare(production: dict, recovery: dict, ctx: Context, now: datetime | None = None) -> list[Drift]:
    """One record per difference, sorted by item; ``now`` defaults to the current time."""
    now = now or expiry.now_utc()
    require_reference(production, _spec(ctx))
    records: list[Drift] = []
    for port, prod in production["ports"].items():
        records += compare_port(f"port {port}", prod, recovery["ports"].get(port), ctx, now)
    return sorted(records, key=lambda record: record.item)


def require_reference(production: dict, spec: TlsChecks) -> None:
    """Every inventory port must have a served chain in production's facts (else: unverified)."""
    for port in sorted({str(entry.port) for entry in spec.ports} | set(production["ports"]), key=int):
        prod = listed(production["ports"], port, "production", f"port {port}")
        if not prod.get("chain"):
            raise FactsUnavailable(f"tls: production served no certificate on port {port}: "
                                   f"{prod.get('error', 'no chain recorded')}")


def _label(item: str, entry: dict[str, Any]) -> str:
    return f"{entry['name']} ({item})" if entry.get("name") else item


def compare_port(item: str, prod: dict, rec: dict | None, ctx: Context, now: datetime) -> list[Drift]:
    label = _label(item, prod)
    leaf = prod["chain"][0]
    if rec is None or not rec.get("chain"):
        why = (rec or {}).get("error", "not probed")
        return [ctx.drift(item, leaf["sha256"], None, Severity.CRITICAL,
                          f"recovery does not serve TLS on {label}: {why}")]
    spec = _spec(ctx)
    other = rec["chain"][0]
    records = [_leaf(item, label, leaf, other, ctx, spec), _chain(item, label, prod, rec, ctx)]
    judged = expiry.judge(f"the certificate served on {label}", leaf["not_after"], other["not_after"],
                          spec.horizon_days, now)
    if judged:
        records.append(ctx.drift(f"{item} expiry", leaf["not_after"], other["not_after"], *judged))
    return [record for record in records if record is not None]


def _leaf(item: str, label: str, leaf: dict, other: dict, ctx: Context, spec: TlsChecks) -> Drift | None:
    if leaf["sha256"] == other["sha256"]:
        return None
    if spec.allow_reissued and same_names(leaf, other, ctx.translate):
        return None
    return ctx.drift(f"{item} certificate", leaf["sha256"], other["sha256"], Severity.MAJOR,
                     f"recovery serves another certificate on {label}: {how_they_differ(leaf, other)}")


def _summary(entry: dict) -> list[str]:
    return [cert["subject"] for cert in entry["chain"]]


def _chain(item: str, label: str, prod: dict, rec: dict, ctx: Context) -> Drift | None:
    if prod.get("verified") is not None and rec.get("verified") is not None:
        broken = prod["verified"] == "ok" and rec["verified"] != "ok"
    else:
        broken = len(rec["chain"]) < len(prod["chain"])
    if not broken:
        return None
    reason = f": {rec['verified']}" if rec.get("verified") not in (None, "ok") else ""
    return ctx.drift(f"{item} chain", _summary(prod), _summary(rec), Severity.CRITICAL,
                     f"recovery serves an incomplete chain on {label}: {len(rec['chain'])} certificate(s) "
                     f"where production serves {len(prod['chain'])}{reason}; partners' clients will refuse it")


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}

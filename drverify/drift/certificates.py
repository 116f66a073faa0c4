"""Drift of certificate files: would recovery's FTPS/HTTPS present what partners accept?

Per file (items are the path, plus ``expiry``, ``certificate``, ``private key`` or ``chain``):

- missing or unreadable on recovery: CRITICAL (the service cannot start with its certificate);
- another leaf certificate: MAJOR (partners pinning it fail), unless ``allow_reissued`` and the
  re-issued one certifies the same names (production's translated);
- expiry: see :func:`drverify.drift.expiry.judge` (recovery expired: CRITICAL);
- production's file has its matching private key on the host, recovery's not: CRITICAL
  (TLS cannot be served without it);
- production's chain builds to the CA bundle, recovery's not: MAJOR (the file alone is not what
  partners see; the served chain is judged, more severely, by the ``tls`` area);
- a file only on recovery: MINOR.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drverify.drift import expiry
from drverify.drift.records import Context, Drift, Severity
from drverify.drift.translate import Translation
from drverify.inventory.keys import CertificateFiles

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def _spec(ctx: Context) -> CertificateFiles:
    keys = getattr(ctx.pair_spec, "keys", None)
    return getattr(keys, "certificates", None) or CertificateFiles()


def names(cert: dict[str, Any]) -> list[str]:
    """What a certificate certifies: its subject's CN and its SANs."""
    common = [part[3:] for part in cert["subject"].split(",") if part.startswith("CN=")]
    return sorted(set(common + cert["sans"]))


def same_names(production: dict[str, Any], recovery: dict[str, Any], translate: Translation) -> bool:
    return sorted(translate.value(names(production))) == names(recovery)


def compare(production: dict, recovery: dict, ctx: Context, now: datetime | None = None) -> list[Drift]:
    """One record per difference, sorted by item; ``now`` defaults to the current time."""
    now = now or expiry.now_utc()
    spec = _spec(ctx)
    translate = ctx.translate or Translation()
    prod_files, rec_files = production["files"], recovery["files"]
    records: list[Drift] = []
    for path in sorted(set(prod_files) | set(rec_files)):
        records += compare_file(path, prod_files.get(path), rec_files.get(path), ctx, spec, translate, now)
    return sorted(records, key=lambda record: record.item)


def _usable(entry: dict | None) -> bool:
    return bool(entry) and bool(entry.get("certificates"))


def compare_file(path: str, prod: dict | None, rec: dict | None, ctx: Context, spec: CertificateFiles,
                 translate: Translation, now: datetime) -> list[Drift]:
    if not _usable(prod):
        if prod is None and _usable(rec):
            return [ctx.drift(path, None, rec["certificates"][0]["sha256"], Severity.MINOR,
                              f"{path} exists on recovery only")]
        return []
    leaf = prod["certificates"][0]
    if not _usable(rec):
        why = (rec or {}).get("error", "missing")
        return [ctx.drift(path, leaf["sha256"], None, Severity.CRITICAL,
                          f"{path} ({leaf['subject']}) is {why} on recovery")]
    other = rec["certificates"][0]
    records = [_leaf(path, leaf, other, ctx, spec, translate)]
    judged = expiry.judge(f"{path}", leaf["not_after"], other["not_after"], spec.horizon_days, now)
    if judged:
        records.append(ctx.drift(f"{path} expiry", leaf["not_after"], other["not_after"], *judged))
    records += [_key(path, prod, rec, ctx), _chain(path, prod, rec, ctx)]
    return [record for record in records if record is not None]


def how_they_differ(production: dict[str, Any], recovery: dict[str, Any]) -> str:
    """What tells two certificates apart for a reader: subject and names if they differ, else the
    serial and validity (a re-issue carries the same names)."""
    def who(cert: dict[str, Any]) -> str:
        return f"{cert['subject']}, names {', '.join(names(cert))}"

    if who(production) != who(recovery):
        return f"recovery's is {who(recovery)}; production's is {who(production)}"
    return (f"same subject and names ({who(production)}), but recovery's has serial {recovery['serial']}, "
            f"valid {recovery['not_before'][:10]} to {recovery['not_after'][:10]}; production's serial "
            f"{production['serial']}, valid {production['not_before'][:10]} to {production['not_after'][:10]}")


def _leaf(path: str, leaf: dict, other: dict, ctx: Context, spec: CertificateFiles,
          translate: Translation) -> Drift | None:
    if leaf["sha256"] == other["sha256"]:
        return None
    if spec.allow_reissued and same_names(leaf, other, translate):
        return None
    return ctx.drift(f"{path} certificate", leaf["sha256"], other["sha256"], Severity.MAJOR,
                     f"{path} holds another certificate on recovery: {how_they_differ(leaf, other)}")


def _key(path: str, prod: dict, rec: dict, ctx: Context) -> Drift | None:
    if prod.get("key") is None or rec.get("key") is not None:
        return None
    return ctx.drift(f"{path} private key", prod["key"], None, Severity.CRITICAL,
                     f"no private key matching {path} on recovery (production's is {prod['key']})")


def _chain(path: str, prod: dict, rec: dict, ctx: Context) -> Drift | None:
    if prod.get("chain") != "ok" or rec.get("chain") in ("ok", None):
        return None
    return ctx.drift(f"{path} chain", "ok", rec["chain"], Severity.MAJOR,
                     f"the chain of {path} does not build to the CA bundle on recovery: {rec['chain']}")

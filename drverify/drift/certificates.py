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
- a file only on recovery: MINOR;
- an inventory pattern that matches nothing on recovery while it matched production's files:
  one CRITICAL record for the pattern (item: the pattern), naming production's files and why
  (e.g. a directory the account cannot enter);
- recovery's key file cannot be read (permissions, passphrase): the ``private key`` record says
  so instead of "no private key".

Production is the reference (:func:`reference`): a pattern matching nothing there, a file or a
key it could not read, or a pattern its facts predate is *unverified*, item by item, and the
files under it are not judged; every other file still is. On recovery a file drverify could not
look into (``unchecked``: a PKCS#12 password that does not open it, an unknown algorithm) or a
pattern its facts predate is unverified the same way; a file the host could not read is drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift import expiry
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.keys import CertificateFiles
from drverify.inventory.translate import Translation

#: what the comparison reads of a certificate's facts
CERT_FIELDS = ("subject", "sans", "serial", "sha256", "not_before", "not_after")
OLDER = "(a snapshot older than the inventory?)"


def names(cert: dict[str, Any]) -> list[str]:
    """What a certificate certifies: its subject's CN and its SANs."""
    common = [part[3:] for part in cert["subject"].split(",") if part.startswith("CN=")]
    return sorted(set(common + cert["sans"]))


def same_names(production: dict[str, Any], recovery: dict[str, Any], translate: Translation) -> bool:
    return sorted(translate.value(names(production))) == names(recovery)


def lacking(cert: Mapping[str, Any]) -> str | None:
    """Why a certificate's facts cannot be compared (fields a snapshot lacks); None: they can."""
    missing = [name for name in CERT_FIELDS if name not in cert]
    return f"the facts lack {', '.join(missing)} (a snapshot of another drverify version?)" if missing else None


@dataclass(frozen=True)
class FileTwins:
    """One certificate file as each host holds it (None: no such file there)."""

    path: str
    production: Mapping[str, Any] | None
    recovery: Mapping[str, Any] | None


@dataclass(frozen=True)
class RecoveryScan:
    """What recovery's scan says beyond single files: why keys are missing, what its facts lack."""

    key_errors: Mapping[str, str]
    nomatch: Mapping[str, str]
    unaccounted: frozenset[str]

    @classmethod
    def of(cls, recovery: Mapping[str, Any], spec: CertificateFiles) -> RecoveryScan:
        return cls(recovery.get("key_errors", {}), recovery.get("nomatch", {}),
                   frozenset(unaccounted(recovery, spec)))


def unaccounted(facts: Mapping[str, Any], spec: CertificateFiles) -> list[str]:
    """Inventory patterns a side's facts say nothing of (no file, key, error or "matches
    nothing"): the scan always accounts for each, so the facts are older than the inventory."""
    seen = [*facts.get("files", {}), *facts.get("keys", {}), *facts.get("key_errors", {}),
            *facts.get("nomatch", {})]
    return [pattern for pattern in [*spec.paths, *spec.keys]
            if not any(path == pattern or fnmatchcase(path, pattern) for path in seen)]


def _unchecked(entry: Mapping[str, Any]) -> str | None:
    """What drverify could not see in a file's facts (None: the file is judged as recorded)."""
    if "unchecked" in entry:
        return str(entry["unchecked"])
    return lacking(entry["certificates"][0]) if entry.get("certificates") else None


def _unusable(entry: Mapping[str, Any] | None) -> str | None:
    """Why a file holds no certificate a service could use (None: it holds one)."""
    if entry is not None and entry.get("certificates"):
        return None
    return "missing" if entry is None or entry.get("missing") else str(entry.get("error", "no certificate recorded"))


def reference(production: Mapping[str, Any], ctx: Context[CertificateFiles]) -> dict[str, str]:
    """Production's patterns, files and keys that cannot be the reference, with why."""
    found = {pattern: f"no file matches it on production ({why}): nothing to compare recovery's files with"
             for pattern, why in production.get("nomatch", {}).items()}
    found |= {pattern: f"production's facts have nothing for it {OLDER}"
              for pattern in unaccounted(production, ctx.policy)}
    for path, entry in production.get("files", {}).items():
        why = _unchecked(entry) or _unusable(entry)
        if why:
            found[path] = f"unusable on production ({why}): nothing to compare recovery's copy with"
    found |= {path: f"production's private key is unreadable ({why}): whether recovery has it is not known"
              for path, why in production.get("key_errors", {}).items()}
    return found


def _judged(path: str, ctx: Context[CertificateFiles], scan: RecoveryScan) -> bool:
    """A path is judged unless it, or an inventory pattern it falls under, is not verified."""
    patterns = [p for p in [*ctx.policy.paths, *ctx.policy.keys] if fnmatchcase(path, p)]
    return ctx.usable(path) and all(ctx.usable(p) and p not in scan.unaccounted for p in patterns)


def compare(production: dict, recovery: dict, ctx: Context[CertificateFiles],
            now: datetime | None = None) -> list[Drift]:
    """One record per difference, sorted by item; ``now`` defaults to the current time."""
    now = now or expiry.now_utc()
    scan = RecoveryScan.of(recovery, ctx.policy)
    for pattern in sorted(scan.unaccounted):
        if ctx.usable(pattern):
            ctx.unverified(pattern, "recovery", f"recovery's facts have nothing for it {OLDER}")
    production_files, recovery_files = production.get("files", {}), recovery.get("files", {})
    records, covered = unmatched(production_files, recovery, ctx, scan)
    for path in sorted((set(production_files) | set(recovery_files)) - covered):
        if _judged(path, ctx, scan):
            twins = FileTwins(path, production_files.get(path), recovery_files.get(path))
            records += compare_file(twins, ctx, now, scan)
    return sorted(records, key=lambda record: record.item)


def unmatched(production_files: dict, recovery: dict, ctx: Context[CertificateFiles],
              scan: RecoveryScan) -> tuple[list[Drift], set[str]]:
    """One CRITICAL record per pattern that matches nothing on recovery but production's files,
    and those files (judged here, not again one by one)."""
    records, covered = [], set()
    for pattern, why in sorted(scan.nomatch.items()):
        lost = sorted(path for path in production_files if fnmatchcase(path, pattern)
                      and path not in recovery.get("files", {}) and _judged(path, ctx, scan))
        if lost:
            records.append(ctx.drift(pattern, lost, None, Severity.CRITICAL,
                                     f"no file matches {pattern} on recovery ({why}); "
                                     f"production has {', '.join(lost)}", kind="missing"))
            covered.update(lost)
    return records, covered


def compare_file(twins: FileTwins, ctx: Context[CertificateFiles], now: datetime,
                 scan: RecoveryScan) -> list[Drift]:
    """Production's entry is usable or absent here (:func:`reference` took the others)."""
    path, production, recovery = twins.path, twins.production, twins.recovery
    if production is None:
        return _only_on_recovery(path, recovery, ctx)
    leaf = production["certificates"][0]
    unseen = _unchecked(recovery) if recovery is not None else None
    if unseen:
        ctx.unverified(path, "recovery", unseen)
        return []
    why = _unusable(recovery)
    if why:
        why = why if why == "missing" else f"unusable ({why})"
        return [ctx.drift(path, leaf["sha256"], None, Severity.CRITICAL,
                          f"{path} ({leaf['subject']}) is {why} on recovery", kind="missing")]
    records = [_leaf(twins, ctx), _expiry(twins, ctx, now), _key(twins, ctx, scan), _chain(twins, ctx)]
    return [record for record in records if record is not None]


def _only_on_recovery(path: str, recovery: Mapping[str, Any] | None, ctx: Context) -> list[Drift]:
    if recovery is None or recovery.get("missing"):
        return []
    why = recovery.get("unchecked") or _unusable(recovery)
    shown = why or recovery["certificates"][0].get("sha256")
    return [ctx.drift(path, None, shown, Severity.MINOR,
                      f"{path} exists on recovery only" + (f" ({why})" if why else ""), kind="extra")]


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


def _leaves(twins: FileTwins) -> tuple[dict[str, Any], dict[str, Any]]:
    return twins.production["certificates"][0], twins.recovery["certificates"][0]


def _leaf(twins: FileTwins, ctx: Context[CertificateFiles]) -> Drift | None:
    production, recovery = _leaves(twins)
    if production["sha256"] == recovery["sha256"]:
        return None
    if ctx.policy.allow_reissued and same_names(production, recovery, ctx.translate):
        return None
    return ctx.drift(f"{twins.path} certificate", production["sha256"], recovery["sha256"], Severity.MAJOR,
                     f"{twins.path} holds another certificate on recovery: {how_they_differ(production, recovery)}",
                     kind="certificate")


def _expiry(twins: FileTwins, ctx: Context[CertificateFiles], now: datetime) -> Drift | None:
    production, recovery = (leaf["not_after"] for leaf in _leaves(twins))
    judged = expiry.judge(twins.path, production, recovery, ctx.policy.horizon_days, now)
    return ctx.drift(f"{twins.path} expiry", production, recovery, *judged, kind="expiry") if judged else None


def _key(twins: FileTwins, ctx: Context, scan: RecoveryScan) -> Drift | None:
    key = twins.production.get("key")
    if key is None or twins.recovery.get("key") is not None or not _judged(key, ctx, scan):
        return None
    return ctx.drift(f"{twins.path} private key", key, None, Severity.CRITICAL, _no_key(twins.path, key, scan),
                     kind="private_key")


def _no_key(path: str, key: str, scan: RecoveryScan) -> str:
    """Why recovery has no key for the file: an unreadable key is not a missing one."""
    if key in scan.key_errors:
        return f"the private key {key} of {path} is unreadable on recovery ({scan.key_errors[key]})"
    pattern = next((pattern for pattern in sorted(scan.nomatch) if fnmatchcase(key, pattern)), None)
    if pattern:
        return (f"no private key matching {path} on recovery: no file matches {pattern} "
                f"({scan.nomatch[pattern]}; production's is {key})")
    unreadable = "".join(f"; unreadable there: {other} ({why})" for other, why in sorted(scan.key_errors.items()))
    return f"no private key matching {path} on recovery (production's is {key}){unreadable}"


def _chain(twins: FileTwins, ctx: Context) -> Drift | None:
    production, recovery = twins.production.get("chain"), twins.recovery.get("chain")
    if production != "ok" or recovery in ("ok", None):
        return None
    return ctx.drift(f"{twins.path} chain", "ok", recovery, Severity.MAJOR,
                     f"the chain of {twins.path} does not build to the CA bundle on recovery: {recovery}",
                     kind="chain")

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

Production is the reference: a pattern matching nothing there, a file or key it could not read,
or facts that predate the inventory's patterns leave nothing to compare against, so the area is
*unverified* (:class:`~drverify.errors.FactsUnavailable`), never passed.
"""

from __future__ import annotations

from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift import expiry
from drverify.drift.records import Context, Drift, Severity
from drverify.errors import FactsUnavailable
from drverify.inventory.keys import CertificateFiles
from drverify.inventory.translate import Translation

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def _spec(ctx: Context) -> CertificateFiles:
    return ctx.policy


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
    require_reference(production, spec)
    translate = ctx.translate
    prod_files, rec_files = production["files"], recovery["files"]
    records, covered = unmatched(prod_files, recovery, ctx)
    for path in sorted((set(prod_files) | set(rec_files)) - covered):
        records += compare_file(path, prod_files.get(path), rec_files.get(path), ctx, spec, translate, now,
                                recovery)
    return sorted(records, key=lambda record: record.item)


def reference_problems(production: dict, spec: CertificateFiles) -> list[str]:
    """Why production's facts cannot be the reference (empty: they can)."""
    problems = [f"no file matches {pattern} on production ({why})"
                for pattern, why in production.get("nomatch", {}).items()]
    problems += [f"production's {path} is {entry.get('error', 'missing')}" for path, entry
                 in production["files"].items() if not _usable(entry)]
    problems += [f"production's private key {path} is unreadable ({why})"
                 for path, why in production.get("key_errors", {}).items()]
    seen = [*production["files"], *production["keys"], *production.get("key_errors", {}),
            *production.get("nomatch", {})]
    problems += [f"production facts have nothing for {pattern} (snapshot older than the inventory?)"
                 for pattern in [*spec.paths, *spec.keys]
                 if not any(path == pattern or fnmatchcase(path, pattern) for path in seen)]
    return problems


def require_reference(production: dict, spec: CertificateFiles) -> None:
    """Unverified, never passed, when production's own facts are unusable."""
    problems = reference_problems(production, spec)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise FactsUnavailable(f"certificates: {problems[0]}{more}")


def unmatched(prod_files: dict, recovery: dict, ctx: Context) -> tuple[list[Drift], set[str]]:
    """One CRITICAL record per pattern that matches nothing on recovery but production's files,
    and those files (judged here, not again one by one)."""
    records, covered = [], set()
    for pattern, why in sorted(recovery.get("nomatch", {}).items()):
        lost = sorted(path for path in prod_files
                      if fnmatchcase(path, pattern) and path not in recovery["files"])
        if lost:
            records.append(ctx.drift(pattern, lost, None, Severity.CRITICAL,
                                     f"no file matches {pattern} on recovery ({why}); "
                                     f"production has {', '.join(lost)}"))
            covered.update(lost)
    return records, covered


def _usable(entry: dict | None) -> bool:
    return bool(entry) and bool(entry.get("certificates"))


def compare_file(path: str, prod: dict | None, rec: dict | None, ctx: Context, spec: CertificateFiles,
                 translate: Translation, now: datetime, recovery: dict | None = None) -> list[Drift]:
    """Production's entry is usable or absent here (:func:`require_reference` ran first)."""
    if prod is None:
        if rec is None or rec.get("missing"):
            return []
        shown = rec["certificates"][0]["sha256"] if _usable(rec) else rec.get("error")
        return [ctx.drift(path, None, shown, Severity.MINOR, f"{path} exists on recovery only"
                          + ("" if _usable(rec) else f" ({rec.get('error')})"))]
    leaf = prod["certificates"][0]
    if not _usable(rec):
        why = "missing" if rec is None or rec.get("missing") else f"unusable ({rec.get('error')})"
        return [ctx.drift(path, leaf["sha256"], None, Severity.CRITICAL,
                          f"{path} ({leaf['subject']}) is {why} on recovery")]
    other = rec["certificates"][0]
    records = [_leaf(path, leaf, other, ctx, spec, translate)]
    judged = expiry.judge(f"{path}", leaf["not_after"], other["not_after"], spec.horizon_days, now)
    if judged:
        records.append(ctx.drift(f"{path} expiry", leaf["not_after"], other["not_after"], *judged))
    records += [_key(path, prod, rec, ctx, recovery or {}), _chain(path, prod, rec, ctx)]
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


def _key(path: str, prod: dict, rec: dict, ctx: Context, recovery: dict) -> Drift | None:
    if prod.get("key") is None or rec.get("key") is not None:
        return None
    return ctx.drift(f"{path} private key", prod["key"], None, Severity.CRITICAL,
                     _no_key(path, prod["key"], recovery))


def _no_key(path: str, key: str, recovery: dict) -> str:
    """Why recovery has no key for the file: an unreadable key is not a missing one."""
    errors, nomatch = recovery.get("key_errors", {}), recovery.get("nomatch", {})
    if key in errors:
        return f"the private key {key} of {path} is unreadable on recovery ({errors[key]})"
    pattern = next((pattern for pattern in sorted(nomatch) if fnmatchcase(key, pattern)), None)
    if pattern:
        return (f"no private key matching {path} on recovery: no file matches {pattern} "
                f"({nomatch[pattern]}; production's is {key})")
    unreadable = "".join(f"; unreadable there: {other} ({why})" for other, why in sorted(errors.items()))
    return f"no private key matching {path} on recovery (production's is {key}){unreadable}"


def _chain(path: str, prod: dict, rec: dict, ctx: Context) -> Drift | None:
    if prod.get("chain") != "ok" or rec.get("chain") in ("ok", None):
        return None
    return ctx.drift(f"{path} chain", "ok", rec["chain"], Severity.MAJOR,
                     f"the chain of {path} does not build to the CA bundle on recovery: {rec['chain']}")


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}

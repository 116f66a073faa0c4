"""Drift of the MFT configuration export: could recovery restore production's configuration?

"Export your production configuration periodically and ship it to the recovery site": the newest
export on each side (facts: :mod:`drverify.facts.mft_config`) is judged so:

================================  ===================================================  ========
item                              difference                                           severity
================================  ===================================================  ========
``export``                        no export on recovery matches its glob               CRITICAL
``export age``                    recovery's newest export is older than ``rpo_hours``  CRITICAL
``export sha256``                 recovery's newest export is not production's newest  MAJOR
``user NAME`` / ``section <S>``   production has it, the export lacks it               MAJOR
``directive D [in <S>]``          set differently, or set on production only           MAJOR
``user NAME uid/gid/home/shell``  differs                                              MAJOR
``user NAME password``            the hash differs (as SHA-256 digests, never shown)   MAJOR
``entry NAME [FIELD]``            JSON/YAML export: missing or different               MAJOR
any of these                      only in the export (restoring would bring it back)   MINOR
``live ...``                      recovery's live configuration differs from the       MAJOR
                                  export it was restored from (missing or changed);    (MINOR:
                                  production's addresses and names translated          extras)
================================  ===================================================  ========

The semantic diff compares what must be restorable — production's *live* configuration (ProFTPD:
its configuration files and AuthUserFile), or production's newest export where no live file is
declared (JSON/YAML exports) — with recovery's newest export. Recovery's age is measured with
recovery's own clock at collection time, and the age gap in ``export sha256`` is the difference
of the two exports' modification times.

Checked for the way back too (roles swapped: recovery's live configuration is then what
production's newest export must hold, e.g. users created or passwords changed during the outage).

Production is the reference (:func:`reference`): no export on production leaves ``export
sha256`` unverified, and a live configuration (or export content) production cannot give leaves
``configuration`` unverified; the RPO is still judged. On recovery, an export directory the check
account may not read leaves ``export`` unverified (never "no export"), content that cannot be read
(a corrupt archive, no python3 for a JSON export) is unverified as ``export content``, and a live
file it cannot read as ``live configuration``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from drverify.drift.mft_content import Diff
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.mft import MftChecks

Facts = Mapping[str, Any]


def reference(production: Facts, ctx: Context[MftChecks]) -> dict[str, str]:
    """Production's parts that cannot be the reference, with why."""
    found = {}
    export = production.get("export")
    if export is None:
        found["export sha256"] = _lacking(production, "export")
    elif export.get("path") is None:
        found["export sha256"] = (f"no export on production matches {export['glob']} "
                                  f"({export.get('why') or 'nothing matches'}): nothing to compare recovery's with")
    _, why = reference_content(production)
    if why is not None:
        found["configuration"] = why
    return found


def reference_content(production: Facts) -> tuple[Mapping[str, Any] | None, str | None]:
    """(what must be restorable, None) or (None, why it cannot be read); (None, None) when the
    export's format allows no semantic comparison (opaque)."""
    if "live" in production:
        if production["live"] is None:
            return None, "no live configuration file exists on production (config_paths, auth_user_file)"
        return production["live"], None
    if "live" in production.get("errors", {}):
        return None, f"production's live configuration: {production['errors']['live']}"
    export = production.get("export")
    if export is None or export.get("path") is None:
        return None, "no export on production and no live configuration declared: nothing to compare with"
    if "content_error" in export:
        return None, f"production's newest export {export['path']}: {export['content_error']}"
    return export.get("content"), None


def compare(production: Facts, recovery: Facts, ctx: Context[MftChecks]) -> list[Drift]:
    export = ctx.listed(recovery, "export", "recovery", "export")
    if export is None:
        return []
    if export.get("path") is None and export.get("denied"):
        ctx.unverified("export", "recovery", f"{export['why']}: cannot tell whether an export matches {export['glob']}")
        return []
    if export.get("path") is None:
        return [ctx.drift("export", _path(production), None, Severity.CRITICAL,
                          f"no configuration export on recovery matches {export['glob']} "
                          f"({export.get('why') or 'nothing matches'}): there is nothing to restore from")]
    records = [*_age(production, recovery, export, ctx), *_sha(production, export, ctx)]
    records += _content(production, recovery, export, ctx)
    return sorted(records, key=lambda record: record.item)


def _age(production: Facts, recovery: Facts, export: Facts, ctx: Context[MftChecks]) -> Iterator[Drift]:
    hours = (recovery["now"] - export["mtime"]) / 3600
    if hours > ctx.policy.rpo_hours:
        yield ctx.drift("export age", _stamp(production.get("export", {}).get("mtime")), _stamp(export["mtime"]),
                        Severity.CRITICAL,
                        f"recovery's newest configuration export {export['path']} is {hours:.1f} h old (taken "
                        f"{_stamp(export['mtime'])}), older than the {ctx.policy.rpo_hours:g} h RPO: a restore would "
                        "lose every configuration change made since")


def _sha(production: Facts, export: Facts, ctx: Context[MftChecks]) -> Iterator[Drift]:
    theirs = production.get("export") or {}
    if not ctx.usable("export sha256") or theirs.get("sha256") == export["sha256"]:
        return
    gap = (theirs["mtime"] - export["mtime"]) / 3600
    when = f"{abs(gap):.1f} h {'newer' if gap >= 0 else 'older'}"
    yield ctx.drift("export sha256", {"path": theirs["path"], "taken": _stamp(theirs["mtime"]), "sha256": theirs["sha256"]},
                    {"path": export["path"], "taken": _stamp(export["mtime"]), "sha256": export["sha256"]},
                    Severity.MAJOR,
                    f"recovery's newest export {export['path']} is not production's newest {theirs['path']} "
                    f"(another SHA-256; production's is {when}): the latest export was not shipped")


def _content(production: Facts, recovery: Facts, export: Facts, ctx: Context[MftChecks]) -> list[Drift]:
    if "content_error" in export:
        ctx.unverified("export content", "recovery", f"{export['path']}: {export['content_error']}")
        return []
    shipped = export.get("content")
    if shipped is None:
        return []  # an opaque export: only its age and checksum say anything
    records = []
    ours, _ = reference_content(production)
    if ours is not None and ctx.usable("configuration"):
        records += Diff("production", f"recovery's newest export ({export['path']})").records(ours, shipped, ctx)
    records += _live(recovery, export, ctx)
    return records


def _live(recovery: Facts, export: Facts, ctx: Context[MftChecks]) -> list[Drift]:
    """Recovery's live configuration against the export it should have been restored from."""
    if "live" in recovery.get("errors", {}):
        ctx.unverified("live configuration", "recovery", recovery["errors"]["live"])
        return []
    live = recovery.get("live")
    if live is None:
        return []  # not restored (a cold standby restores at takeover): the export is what counts
    expected = ctx.translate.value(export["content"])
    subject = "recovery's live configuration"
    diff = Diff(f"the export {export['path']}", subject, "live ", lost="recovery runs without the account",
                revived="recovery has an account its export does not")
    return list(diff.records(expected, live, ctx))


def _lacking(facts: Facts, part: str) -> str:
    errors = facts.get("errors", {})
    return str(errors.get(part) or "not in production's facts (a snapshot older than the inventory?)")


def _path(production: Facts) -> str | None:
    return (production.get("export") or {}).get("path")


def _stamp(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")

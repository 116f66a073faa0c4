"""Drift of the MFT product's software: can recovery run (or reinstall) production's version?

Vendors insist both sides run the same version, and "keep the product installation executables
on the server". Facts: :mod:`drverify.facts.mft_software`.

=====================  ==============================================================  ========
item                   difference                                                      severity
=====================  ==============================================================  ========
``version``            recovery's version differs from production's, or the package   CRITICAL
                       is not installed on recovery
``installer PATH``     missing on recovery, or another SHA-256 than the inventory's    CRITICAL
``service UNIT``       no unit file on recovery                                        CRITICAL
``service UNIT``       policy ``running`` or ``installed`` and the unit is not enabled MAJOR
``service UNIT running``  policy ``running`` and the service does not run              CRITICAL
=====================  ==============================================================  ========

``cold`` (a standby kept stopped by design) asks only that the unit be installed. Where nothing
can tell whether the unit runs (no systemd on the host, and no pid file the product names), a
``running`` policy leaves ``service UNIT running`` unverified with that reason: it is never assumed.
An installer recovery cannot read is unverified (the check account may lack the rights).

Checked for the way back too (roles swapped): production must then run recovery's version and
hold the installers. Production is the reference for ``version`` only (:func:`reference`): a
package production does not have, or a version it cannot read, leaves it unverified.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.mft import MftChecks

Facts = Mapping[str, Any]


def reference(production: Facts, ctx: Context[MftChecks]) -> dict[str, str]:
    """Production's version, when it cannot be the reference, with why."""
    if ctx.policy.version is None:
        return {}
    version = production.get("version")
    if version is None:
        errors = production.get("errors", {})
        return {"version": str(errors.get("version") or "not in production's facts (a snapshot older than the inventory?)")}
    if not version["installed"]:
        return {"version": f"{_source(ctx)} is not installed on production: nothing to compare recovery's with"}
    return {}


def compare(production: Facts, recovery: Facts, ctx: Context[MftChecks]) -> list[Drift]:
    records = [*_version(production, recovery, ctx), *_installers(recovery, ctx), *_service(production, recovery, ctx)]
    return sorted(records, key=lambda record: record.item)


def _source(ctx: Context[MftChecks]) -> str:
    version = ctx.policy.version
    return f"package {version.package}" if version.package else f"the version command ({version.command})"


def _version(production: Facts, recovery: Facts, ctx: Context[MftChecks]) -> Iterator[Drift]:
    if ctx.policy.version is None or not ctx.usable("version"):
        return
    theirs = ctx.listed(recovery, "version", "recovery", "version")
    if theirs is None:
        return
    ours = production["version"]["value"]
    if not theirs["installed"]:
        yield ctx.drift("version", ours, None, Severity.CRITICAL,
                        f"{_source(ctx)} is not installed on recovery (production runs {ours})")
    elif theirs["value"] != ours:
        yield ctx.drift("version", ours, theirs["value"], Severity.CRITICAL,
                        f"recovery runs {theirs['value']}, production {ours} ({_source(ctx)}): vendors support a "
                        "takeover only between the same versions (configuration and data formats change)")


def _installers(recovery: Facts, ctx: Context[MftChecks]) -> Iterator[Drift]:
    if not ctx.policy.installers:
        return
    found = ctx.listed(recovery, "installers", "recovery", "installers")
    if found is None:
        return
    for installer in ctx.policy.installers:
        path, expected = ctx.translate.text(installer.path), installer.sha256.lower()
        item = f"installer {installer.path}"
        state = found.get(path)
        if state is None:
            ctx.unverified(item, "recovery", "not in recovery's facts (a snapshot older than the inventory?)")
        elif "error" in state:
            ctx.unverified(item, "recovery", f"{path}: {state['error']}")
        elif state.get("missing"):
            yield ctx.drift(item, expected, None, Severity.CRITICAL,
                            f"the installer {path} is missing on recovery: the product could not be reinstalled there")
        elif state["sha256"] != expected:
            yield ctx.drift(item, expected, state["sha256"], Severity.CRITICAL,
                            f"the installer {path} on recovery is not the expected file (another SHA-256): "
                            "a truncated copy or another version")


def _service(production: Facts, recovery: Facts, ctx: Context[MftChecks]) -> Iterator[Drift]:
    unit = ctx.policy.service
    if unit is None:
        return
    item = f"service {unit.unit}"
    state = ctx.listed(recovery, "service", "recovery", item)
    if state is None:
        return
    ours = _summary(production.get("service"))
    if not state["installed"]:
        yield ctx.drift(item, ours, _summary(state), Severity.CRITICAL,
                        f"{unit.unit} is not installed on recovery ({state['evidence']})")
        return
    if unit.policy in ("running", "installed") and not state["enabled"]:
        yield ctx.drift(item, ours, _summary(state), Severity.MAJOR,
                        f"{unit.unit} is not enabled on recovery (policy {unit.policy}): it would not start at boot "
                        f"({state['evidence']})")
    if unit.policy == "running" and state["running"] is None:
        ctx.unverified(f"{item} running", "recovery", f"whether {unit.unit} runs: {state['unknown']}")
    elif unit.policy == "running" and not state["running"]:
        yield ctx.drift(f"{item} running", ours, _summary(state), Severity.CRITICAL,
                        f"{unit.unit} does not run on recovery (policy running): partners would find no service "
                        f"({state['evidence']})")


def _summary(state: Mapping[str, Any] | None) -> str | None:
    """A unit's state in a few words, as the records show it."""
    if state is None:
        return None
    if not state["installed"]:
        return "not installed"
    running = {True: "running", False: "stopped", None: "running unknown"}[state["running"]]
    return f"{'enabled' if state['enabled'] else 'disabled'}, {running}"

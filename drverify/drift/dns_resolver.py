"""The host's own resolver, part of the DNS area: does recovery look names up as production does?

- a name the MFT host depends on (``resolver_names``) not resolving on recovery, or to other
  than the translation of production's addresses → MAJOR;
- resolv.conf's nameservers different after translation → MAJOR (one may sit in the failed
  site: every lookup then waits for the resolver's timeout first); its search list → MINOR
  (it only changes short names).

Items: ``resolver NAME``, ``resolver nameservers``, ``resolver search``. Production is the
reference (:func:`reference`): a name production's resolver finds nothing for, or a resolv.conf
production cannot read, makes that item unverified; so does a lookup or a resolv.conf either
side could not read, or an item an older snapshot lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.records import Context, Drift, Severity

NOTHING_TO_COMPARE = "nothing to compare recovery's answer with"
SETTINGS = (("nameservers", Severity.MAJOR), ("search", Severity.MINOR))


def compare(production: Mapping[str, Any], recovery: Mapping[str, Any], ctx: Context) -> list[Drift]:
    """Each resolver name, then resolv.conf's settings (``production``/``recovery``: the views)."""
    found = [drift for name in ctx.policy.resolver_names
             if (drift := _name(name, (production, recovery), ctx)) is not None]
    return found + [drift for key, severity in SETTINGS
                    if (drift := _setting(key, severity, (production, recovery), ctx)) is not None]


def reference(resolver: Mapping[str, Any], ctx: Context) -> dict[str, str]:
    """Production's resolver items without a usable answer: unverified, with the reason."""
    unusable = {}
    if "error" in resolver:
        for key, _ in SETTINGS:
            unusable[f"resolver {key}"] = f"production's resolv.conf cannot be read ({resolver['error']})"
    names = resolver.get("names") or {}
    nameservers = _joined(resolver["nameservers"]) if "nameservers" in resolver else "unknown"
    for name in ctx.policy.resolver_names:
        found = names.get(name.lower())
        if isinstance(found, Mapping):
            unusable[f"resolver {name}"] = f"{name} could not be looked up on production ({found.get('error')})"
        elif found is not None and not found:
            unusable[f"resolver {name}"] = (f"{name} does not resolve with production's own resolver "
                                            f"(getent ahosts: not found; nameservers {nameservers}): {NOTHING_TO_COMPARE}")
    return unusable


def _joined(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def _name(name: str, views: tuple[Mapping[str, Any], Mapping[str, Any]], ctx: Context) -> Drift | None:
    """One name as each host's own resolver answers it (``views``: production's, recovery's)."""
    item, recovery_name = f"resolver {name}", ctx.translate.text(name).lower()
    if not ctx.usable(item):
        return None
    production = ctx.listed(views[0].get("names") or {}, name.lower(), "production", item)
    recovery = ctx.listed(views[1].get("names") or {}, recovery_name, "recovery", item)
    if isinstance(recovery, Mapping):
        ctx.unverified(item, "recovery", f"{recovery_name} could not be looked up on recovery ({recovery.get('error')})")
        return None
    if production is None or recovery is None:
        return None
    expected = sorted(ctx.translate.address(address) for address in production)
    if recovery == expected:
        return None
    what = "does not resolve" if not recovery else f"resolves to {', '.join(recovery)}"
    return ctx.drift(item, production, recovery or None, Severity.MAJOR,
                     f"{ctx.translate.text(name)} {what} with recovery's own resolver, "
                     f"expected {', '.join(expected)} (production: {', '.join(production)})", kind="answer",
                     translated=expected)


def _setting(key: str, severity: Severity, views: tuple[Mapping[str, Any], Mapping[str, Any]],
             ctx: Context) -> Drift | None:
    """resolv.conf's ``key`` on both sides (``views``: production's, recovery's), translated."""
    item = f"resolver {key}"
    if not ctx.usable(item):
        return None
    production, recovery = (_read(view, key, role, ctx) for view, role in zip(views, ("production", "recovery")))
    if production is None or recovery is None:
        return None
    expected = ctx.translate.value(production)
    if expected == recovery:
        return None
    return ctx.drift(item, production, recovery, severity,
                     f"recovery's resolv.conf lists {key} {_joined(recovery)}, expected "
                     f"{_joined(expected)} (production's, translated)", kind="resolver", translated=expected)


def _read(view: Mapping[str, Any], key: str, role: str, ctx: Context) -> list[str] | None:
    """A resolv.conf setting, or None after recording why it cannot be compared."""
    if "error" in view:
        ctx.unverified(f"resolver {key}", role, f"resolv.conf cannot be read ({view['error']})")
        return None
    return ctx.listed(view, key, role, f"resolver {key}")

"""Drift of the egress area (to be written)."""

from __future__ import annotations

from typing import Any

from drverify.drift.records import Context, Drift, Severity

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def compare(production: Any, recovery: Any, ctx: Context) -> list[Drift]:
    return []

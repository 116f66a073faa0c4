"""Expiry of certificates and keys, judged against one "now" for the whole comparison.

Facts hold dates, never "days left": a snapshot must compare the same way tomorrow. The
clock is read once per comparison (or injected by tests), so drift stays a pure function.
"""

from __future__ import annotations

from datetime import UTC, datetime

from drverify.drift.records import Severity


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_time(text: str) -> datetime:
    """An ISO 8601 date as facts store it (``2026-01-31T12:00:00Z``)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def days_left(not_after: str | None, now: datetime) -> float | None:
    """Days until ``not_after`` (negative once expired); None for "never expires"."""
    if not not_after:
        return None
    return (parse_time(not_after) - now).total_seconds() / 86400


def _day(text: str) -> str:
    return text[:10]


def judge(what: str, production: str | None, recovery: str | None, horizon: int,
          now: datetime) -> tuple[Severity, str] | None:
    """The worst expiry problem of one item across both sides, with a sentence naming both dates.

    Recovery expired: CRITICAL (partners' clients refuse it at takeover). Recovery within the
    horizon: MAJOR. Production expired: MAJOR; within the horizon: MINOR (the copy on recovery
    will need the same renewal). Recovery expiring sooner than production: MINOR.
    """
    left_p, left_r = days_left(production, now), days_left(recovery, now)
    if left_r is not None and left_r < 0:
        return Severity.CRITICAL, f"{what} on recovery expired on {_day(recovery)}" + _prod(production)
    if left_r is not None and left_r <= horizon:
        return (Severity.MAJOR, f"{what} on recovery expires on {_day(recovery)}, in {int(left_r)} days "
                f"(horizon {horizon} days)" + _prod(production))
    if left_p is not None and left_p < 0:
        return Severity.MAJOR, f"{what} on production expired on {_day(production)} (recovery: {_when(recovery)})"
    if left_p is not None and left_p <= horizon:
        return (Severity.MINOR, f"{what} on production expires on {_day(production)}, in {int(left_p)} days "
                f"(horizon {horizon} days); recovery: {_when(recovery)}")
    if left_r is not None and (left_p is None or left_r < left_p - 1):
        return Severity.MINOR, f"{what} on recovery expires on {_day(recovery)}, before production's ({_when(production)})"
    return None


def _when(text: str | None) -> str:
    return _day(text) if text else "never"


def _prod(production: str | None) -> str:
    return f"; production's is valid until {_when(production)}"

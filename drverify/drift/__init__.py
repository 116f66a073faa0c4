"""Drift: pure comparisons of production's and recovery's facts, one module per area.

Each area module exposes ``compare(production, recovery, ctx) -> list[Drift]`` over the plain data
its facts module gathered, reports items it could not compare through ``ctx.unverified``, and
may declare ``reference(production, ctx)``: the items production has no usable answer for. The
area registry (:mod:`drverify.areas`) joins them to their facts. No I/O here: everything is
tested without hosts.
"""

from drverify.drift.records import Context, Drift, Severity, Unverified

__all__ = ["Context", "Drift", "Severity", "Unverified"]

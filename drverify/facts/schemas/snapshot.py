"""A snapshot file's schema: its header, checked as a whole, and each area, checked on its own.

Snapshot schema :data:`SCHEMA` is what :func:`drverify.facts.hostfacts.HostFacts.to_json`
writes: ``schema``, ``drverify`` (the version), ``pair``, ``role``, ``label``, ``collected_at``
and ``areas``, each area ``{"status": "ok", "data": FACTS}`` (probe areas add ``vantage``) or
``{"status": "unverified", "reason": WHY}``. A header problem makes the whole file unusable
(:func:`check_header` raises :class:`Unreadable`); an area's problem makes that area unusable
only (:func:`check_area` returns the one-line reason), so one bad area never hides the others.

:data:`AREA_SCHEMAS` names each area's facts model; an area without one is refused (it could
not be checked), so adding an area means adding its schema here too.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError
from typing_extensions import NotRequired

from drverify.facts.schemas import host, keys, mft, network, probes, service
from drverify.facts.schemas.fields import CollectedAt, Facts, Name, Text, refuse
from drverify.facts.schemas.messages import describe, shown
from drverify.facts.snapshot_file import Unreadable

#: the snapshot format this drverify writes and reads
SCHEMA = 1
#: areas in one snapshot: a dozen today
MAX_AREAS = 1000

#: each area's facts, as its facts module writes them
AREA_SCHEMAS: dict[str, Any] = {
    "disks": host.Disks,
    "users": host.Users,
    "network": network.Network,
    "firewall": network.Firewall,
    "dns": probes.Dns,
    "ldap": probes.Ldap,
    "egress": probes.Egress,
    "reachability": probes.Reachability,
    "certificates": keys.Certificates,
    "tls": keys.Tls,
    "ssh_hostkeys": keys.SshHostKeys,
    "pgp": keys.Pgp,
    "mft_config": service.MftConfig,
    "mft_software": service.MftSoftware,
    "load_balancer": service.LoadBalancer,
    "active_transfers": mft.ActiveTransfers,
    "pending_files": mft.PendingFiles,
    "transfer_ledger": mft.TransferLedger,
}


class Header(Facts):
    """Everything but ``schema`` (checked first, on its own: a newer file may differ in the rest)."""

    collected_at: CollectedAt
    areas: Annotated[dict[Name, Any], Field(max_length=MAX_AREAS)]
    role: NotRequired[Literal["production", "recovery"]]
    pair: NotRequired[Name]
    label: NotRequired[Name]
    drverify: NotRequired[Name]


class AreaEntry(Facts):
    """An area as a snapshot holds it; ``data`` is checked against the area's own schema."""

    status: Literal["ok", "unverified"]
    data: NotRequired[Any]
    reason: NotRequired[Text]
    vantage: NotRequired[Name | None]


def _checked_entry(value: Any) -> Any:
    """An ``ok`` area holds its data; an unverified one says why."""
    if isinstance(value, dict):
        needed = {"ok": "data", "unverified": "reason"}.get(value.get("status"))
        if needed is not None and needed not in value:
            raise refuse("incomplete", f"expected '{needed}' in an area whose status is {value['status']}", value)
    return value


_HEADER = TypeAdapter(Header)
_ENTRY = TypeAdapter(Annotated[AreaEntry, BeforeValidator(_checked_entry)])


def check_header(document: Any, role: str) -> str:
    """The collection time of a usable snapshot of ``role``; :class:`Unreadable` naming the cause."""
    if not isinstance(document, dict):
        raise Unreadable(f"the snapshot is not a JSON object (got {shown(document)})")
    schema = document.get("schema")
    if type(schema) is not int or schema != SCHEMA:
        raise Unreadable(f"unsupported snapshot schema {shown(schema)} (this drverify reads schema {SCHEMA})")
    rest = {key: value for key, value in document.items() if key != "schema"}
    try:
        _HEADER.validate_python(rest, strict=True)
    except ValidationError as error:
        raise Unreadable(describe(error)) from None
    if rest.get("role") not in (None, role):
        raise Unreadable(f"this snapshot is of the {rest['role']} host (of pair {shown(rest.get('pair'))}), "
                         f"not of {role}")
    return rest["collected_at"]


def check_area(name: str, entry: Any) -> str | None:
    """Why an area of a snapshot cannot be used (its key path and what was expected), or None."""
    try:
        _ENTRY.validate_python(entry, strict=True)
    except ValidationError as error:
        return describe(error)
    if entry["status"] != "ok":
        return None
    adapter = _adapter(name)
    if adapter is None:
        return "this drverify has no snapshot schema for an area of that name"
    try:
        adapter.validate_python(entry["data"], strict=True)
    except ValidationError as error:
        return describe(error)
    return None


@cache
def _adapter(name: str) -> TypeAdapter[Any] | None:
    """The area's validator, built on first use (most runs read no snapshot at all)."""
    schema = AREA_SCHEMAS.get(name)
    return None if schema is None else TypeAdapter(schema)


__all__ = ["AREA_SCHEMAS", "SCHEMA", "check_area", "check_header"]

"""The value types snapshot schemas are written in: every host-supplied value is bounded here.

Strings never hold a lone surrogate (no JSON writer could write it out again) nor a control
character (C0, DEL, C1: ``\\x1b[2J`` would reach a terminal), with one exception decided per
field: :data:`Text`, the host's own words (an ``error``, a ``reason``, an LDAP attribute value),
may hold tabs and newlines, since stderr and directory values really do; :data:`Rule` may hold a
tab (an iptables comment can). Every string, list and mapping has a length limit; numbers are
plain integers (never ``true``, never a float where a count belongs) within their range, and the
only floats are load averages, finite and non-negative. Times are ISO 8601 with a time zone,
within a year range where date arithmetic cannot overflow.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    TypeAdapter,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

#: a path, a user name, an address, a fingerprint: PATH_MAX is 4096
MAX_NAME = 4096
#: a host's reason, an LDAP value
MAX_TEXT = 65536
#: one firewall rule: an nft rule with a large anonymous set is long
MAX_RULE = 4 * 1024 * 1024
#: entries in any one mapping or list: generous (100k users is large), but bounded
MAX_ENTRIES = 1_000_000

#: per field kind, the characters it may not hold (lone surrogates are refused for every string)
NO_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
NO_CONTROL_BUT_TAB = r"[\x00-\x08\x0a-\x1f\x7f-\x9f]"
NO_CONTROL_BUT_TAB_NEWLINE = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"


def _string(limit: int, refused: str) -> Any:
    return Annotated[str, Strict(), StringConstraints(max_length=limit, pattern=f"^[^{refused[1:-1]}]*$")]


#: an identifier, path, address, name or fingerprint: one line, no control character
Name = _string(MAX_NAME, NO_CONTROL)
#: the host's own words (errors, reasons, LDAP values): tabs and newlines allowed
Text = _string(MAX_TEXT, NO_CONTROL_BUT_TAB_NEWLINE)
#: one firewall rule: a tab allowed (inside an iptables comment), no newline
Rule = _string(MAX_RULE, NO_CONTROL_BUT_TAB)

V = TypeVar("V")
#: a mapping keyed by :data:`Name`, of bounded size
Map = Annotated[dict[Name, V], Field(max_length=MAX_ENTRIES)]
#: a list of bounded size
List = Annotated[list[V], Field(max_length=MAX_ENTRIES)]


def refuse(kind: str, expected: str, value: Any) -> PydanticCustomError:
    """A schema error saying what was ``expected``; the message formatter adds the value it got.
    Neither goes into the error's template, so no host text is ever formatted as one."""
    return PydanticCustomError(kind, "{expected}", {"expected": expected, "got": value})

def _port_key(text: str) -> str:
    if int(text) > 65535:
        raise refuse("port", "expected a port number", text)
    return text


#: a port number as a mapping key (``"443"``): compared and sorted as an integer
PortKey = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{1,5}$"), AfterValidator(_port_key)]


def _whole(highest: int, expected: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if type(value) is int and 0 <= value <= highest:
            return value
        raise refuse("whole_number", expected, value)
    return check


def _finite(value: Any) -> float:
    if type(value) in (int, float) and 0 <= value <= 2**63:
        return value
    raise refuse("number", "expected a finite non-negative number", value)


#: bytes, counts, TTLs, key lengths
Count = Annotated[int, PlainValidator(_whole(2**63 - 1, "expected a finite non-negative integer"))]
#: a uid or gid
Id = Annotated[int, PlainValidator(_whole(2**32 - 1, "expected a uid/gid from 0 to 4294967295"))]
#: a TCP or UDP port
Port = Annotated[int, PlainValidator(_whole(65535, "expected a port number from 0 to 65535"))]
#: a load average
Load = Annotated[float, PlainValidator(_finite)]


def _time(earliest: int, latest: int) -> Callable[[str], str]:
    """An ISO 8601 time with a zone, in UTC within ``earliest``..``latest`` (years)."""
    def check(text: str) -> str:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise refuse("time", "expected an ISO 8601 time", text) from None
        if moment.tzinfo is None:
            raise refuse("time", "expected an ISO 8601 time with a time zone", text)
        try:
            year = moment.astimezone(UTC).year
        except OverflowError:
            year = None
        if year is None or not earliest <= year <= latest:
            raise refuse("time", f"expected a time in the years {earliest} to {latest}", text)
        return text
    return check


def _moment(earliest: int, latest: int) -> Any:
    return Annotated[str, Strict(), StringConstraints(max_length=64), AfterValidator(_time(earliest, latest))]


#: when a snapshot was taken
CollectedAt = _moment(2000, 2100)
#: a certificate's or key's validity bound (RFC 5280 allows 9999-12-31 for "no expiry")
Validity = _moment(1950, 9999)


def _parsed(parse: Callable[[str], Any], expected: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        try:
            parse(text)
        except ValueError:
            raise refuse("address", expected, text) from None
        return text
    return check


#: an IP address (compared against networks: anything else cannot be)
Address = Annotated[Name, AfterValidator(_parsed(ipaddress.ip_address, "expected an IP address"))]
def _interface(text: str) -> Any:
    """``198.51.100.10/24``: the prefix length is read as a number, so it must be written."""
    address, slash, prefix = text.partition("/")
    if not slash or not prefix.isdigit():
        raise ValueError(text)
    return ipaddress.ip_interface(text)


#: an address with its prefix length, as ``ip addr`` gives it (``198.51.100.10/24``)
Cidr = Annotated[Name, AfterValidator(_parsed(_interface, "expected an address/prefix"))]


class Facts(TypedDict):
    """Base of every schema: types checked strictly, no key the facts modules do not write.

    Typed dicts, not models: a schema only ever *checks* a snapshot (the facts compared are the
    JSON as read, so a good snapshot compares exactly as before), and checking into plain dicts
    is several times faster than building a model per user, rule or mount.
    """

    __pydantic_config__ = ConfigDict(strict=True, extra="forbid")  # type: ignore[misc]


@dataclass(frozen=True)
class Either:
    """What an :func:`either` value may be, for whatever reads the schema (tests walk it)."""

    list_type: Any
    object_type: Any


def either(list_type: Any, object_type: Any) -> Any:
    """A value that is a list (an answer) or an object (``{"error": why}``), checked as the one it
    is, so an error's key path never names a union branch."""
    as_list, as_object = TypeAdapter(list_type), TypeAdapter(object_type)

    def check(value: Any) -> Any:
        return (as_list if isinstance(value, list) else as_object).validate_python(value, strict=True)
    return Annotated[Any, PlainValidator(check), Either(list_type, object_type)]


__all__ = ["Address", "Cidr", "CollectedAt", "Count", "Facts", "Id", "List", "Load", "Map",
           "Name", "Port", "PortKey", "Rule", "Text", "Validity", "Either", "either", "refuse"]

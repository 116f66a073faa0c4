"""Every host-supplied string position of a snapshot area, found by walking its schema.

Used by the corpus to put a hostile string in each one: for each position the schema declares
(a string field, a list's strings, a mapping's keys and values, nested to the leaves), the walk
yields a :class:`Slot` whose ``set(payload)`` returns the area's facts with the payload there.
A position the example facts do not fill (an ``error``, a ``home_error``...) is created with the
smallest valid value around it, so no field is skipped because the example lacks it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from typing_extensions import NotRequired, Required, is_typeddict

from drverify.facts.schemas.fields import Address, Cidr, CollectedAt, Either, PortKey, Validity

#: valid stand-ins for constrained strings, used only to build a position the example lacks
_SPECIAL = {Address: "192.0.2.1", Cidr: "192.0.2.1/24", Validity: "2030-01-01T00:00:00Z",
            CollectedAt: "2030-01-01T00:00:00Z", PortKey: "1"}


@dataclass(frozen=True)
class Slot:
    path: tuple[str, ...]  #: where, ``<key>`` for a mapping's key
    set: Callable[[str], Any]  #: the whole value with the payload at that position


def slots(tp: Any, value: Any, path: tuple[str, ...] = ()) -> Iterator[Slot]:
    """Each string position of ``tp`` in ``value`` (built where ``value`` lacks it)."""
    tp, metadata = _unwrap(tp)
    either = next((item for item in metadata if isinstance(item, Either)), None)
    origin = get_origin(tp)
    if either is not None:
        yield from slots(either.list_type if isinstance(value, list) else either.object_type, value, path)
    elif tp is str or origin is Literal:
        yield Slot(path, lambda payload: payload)
    elif origin in (Union, types.UnionType):
        member = _member(tp, value)
        yield from slots(member, value if value is not None else example(member), path)
    elif is_typeddict(tp):
        yield from _fields(tp, value, path)
    elif origin is dict:
        yield from _mapping(tp, value, path)
    elif origin is list:
        yield from _list(tp, value, path)


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """The type under ``Annotated``/``NotRequired``, and the annotations met on the way."""
    metadata: list[Any] = []
    while True:
        if get_origin(tp) in (NotRequired, Required):
            tp = get_args(tp)[0]
        elif hasattr(tp, "__metadata__"):
            metadata += tp.__metadata__
            tp = tp.__origin__
        else:
            return tp, metadata


def _member(tp: Any, value: Any) -> Any:
    members = [member for member in get_args(tp) if member is not type(None)]
    return members[0] if members else tp  # a free-form value (a product's own JSON): no slot of its own


def _fields(tp: Any, value: dict[str, Any], path: tuple[str, ...]) -> Iterator[Slot]:
    for name, field in typing.get_type_hints(tp, include_extras=True).items():
        inner = value[name] if name in value else example(field)
        if inner is None:
            inner = example(_member(_unwrap(field)[0], None))
        for slot in slots(field, inner, (*path, name)):
            yield Slot(slot.path, lambda payload, name=name, slot=slot: {**value, name: slot.set(payload)})


def _mapping(tp: Any, value: dict[str, Any], path: tuple[str, ...]) -> Iterator[Slot]:
    key_type, value_type = get_args(tp)
    value = value or {example(key_type): example(value_type)}
    first = next(iter(value))
    rest = {key: item for key, item in value.items() if key != first}
    yield Slot((*path, "<key>"), lambda payload: {payload: value[first], **rest})
    for slot in slots(value_type, value[first], (*path, first)):
        yield Slot(slot.path, lambda payload, slot=slot: {**value, first: slot.set(payload)})


def _list(tp: Any, value: list[Any], path: tuple[str, ...]) -> Iterator[Slot]:
    (item_type,) = get_args(tp)
    value = value or [example(item_type)]
    for slot in slots(item_type, value[0], (*path, "[0]")):
        yield Slot(slot.path, lambda payload, slot=slot: [slot.set(payload), *value[1:]])


def example(tp: Any) -> Any:
    """The smallest value the schema accepts for ``tp``: required fields only."""
    for special, text in _SPECIAL.items():
        if tp == special:
            return text
    tp, metadata = _unwrap(tp)
    either = next((item for item in metadata if isinstance(item, Either)), None)
    origin = get_origin(tp)
    if either is not None:
        return [example(get_args(_unwrap(either.list_type)[0])[0])]
    if tp is str:
        return "x"
    if tp is bool:
        return True
    if tp in (int, float):
        return 1
    if origin is Literal:
        return get_args(tp)[0]
    if origin in (Union, types.UnionType):
        return example(_member(tp, None))
    if is_typeddict(tp):
        return {name: example(field) for name, field in typing.get_type_hints(tp, include_extras=True).items()
                if name in tp.__required_keys__}
    if origin is dict:
        key_type, value_type = get_args(tp)
        return {example(key_type): example(value_type)}
    if origin is list:
        return [example(get_args(tp)[0])]
    return None

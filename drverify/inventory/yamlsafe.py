"""YAML as an inventory needs it and no more: safe tags, bounded aliases and nesting, unique keys.

PyYAML's safe loader builds only plain data, but a 600-byte file can still expand into millions
of values through aliases (an "alias bomb"), nest until Python's recursion limit, or give a key
twice, and YAML then keeps the last value without a word (a whole pair vanishes). So the text is
first read as a stream of parser events, which costs no recursion and keeps nothing: the first
construct past a limit stops it, naming its line (a duplicate key: its key path and both lines).
Only a document that passed is then built, by libyaml when PyYAML has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import Node, ScalarNode

from drverify.inventory.shown import KEY_LIMIT, cut

#: how deep mappings and lists may nest (an inventory's deepest key is about eight levels down)
MAX_DEPTH = 64
#: how many times anchors may be referred to (``*name`` and ``<<: *name``)
MAX_ALIASES = 1000
#: how many values aliases may repeat in all
MAX_EXPANSION = 100_000
#: how many values a document may hold (thousands of pairs hold about a hundred thousand)
MAX_VALUES = 250_000
#: the largest text whose syntax error the pure-Python parser describes again
_REPARSE_LIMIT = 256 * 1024

#: the value quoted at the end of a conversion error (``invalid literal for int(): 'x'``)
_LITERAL = re.compile(r":\s*'.*$")
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
#: a key written ``=`` (the YAML 1.1 value key), read as the string by the safe loader
_VALUE = "tag:yaml.org,2002:value"


class InventoryYamlError(yaml.MarkedYAMLError):
    """A construct the inventory loader refuses, at a line (``problem_mark``) or a key path (``key``)."""

    def __init__(self, problem: str, mark: yaml.Mark | None = None, key: str | None = None) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.key = key


class _ScalarsOrError:
    """Mixed in before PyYAML's safe loaders: a scalar PyYAML cannot build is a YAML error."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """``2020-13-45``, ``!!bool maybe``, an integer of 5,000 digits: an error at its line, not
        a traceback; the value is not repeated (it could be anything, a secret included)."""
        if not isinstance(node, ScalarNode):
            return super().construct_object(node, deep)
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, KeyError, AttributeError, TypeError) as error:
            reason = _LITERAL.sub("", str(error).split(";")[0]) if isinstance(error, ValueError) else ""
            raise ConstructorError(None, None, f"cannot read this value as a YAML {node.tag.rpartition(':')[2]}"
                                   + (f" ({cut(reason, 80)})" if reason else ""), node.start_mark) from None


class PythonInventoryLoader(_ScalarsOrError, yaml.SafeLoader):
    """The inventory loader on PyYAML's pure-Python parser."""


if yaml.__with_libyaml__:

    class CInventoryLoader(_ScalarsOrError, yaml.CSafeLoader):
        """The inventory loader on libyaml's parser."""

    InventoryLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = CInventoryLoader
else:
    InventoryLoader = PythonInventoryLoader


def load(text: str, loader: type = InventoryLoader) -> Any:
    """The YAML document in ``text``; :class:`yaml.YAMLError` (or its subclass here) if refused.

    A syntax error is described by the pure-Python parser, which points at the offending token
    where libyaml often names only the end of the input (up to a size it parses in a second).
    """
    try:
        check(text, loader)
        return yaml.load(text, Loader=loader)
    except InventoryYamlError:
        raise
    except yaml.YAMLError:
        if loader is PythonInventoryLoader or len(text) > _REPARSE_LIMIT:
            raise
        load(text, PythonInventoryLoader)
        raise


def check(text: str, loader: type = InventoryLoader) -> None:
    """Read ``text``'s events once and refuse what an inventory never needs (see the module)."""
    events = loader(text)
    try:
        scan = _Scan(events)
        while events.check_event():
            scan.see(events.get_event())
    finally:
        events.dispose()


@dataclass
class _Collection:
    """An open mapping or list: where the scan is, and what its contents add up to so far."""

    mapping: bool
    anchor: str | None
    #: values seen before it opened, aliases expanded (its size is the difference when it closes)
    start: int
    #: items (a list) or keys and values (a mapping) seen so far
    index: int = 0
    #: levels below it, aliases expanded
    height: int = 1
    #: the current key as written ("" for a merge, ``<<: *defaults``, whose keys read as the mapping's own)
    key: str = ""
    #: scalar keys as YAML reads them (``1`` and ``1.0`` are one key), with where each was given
    keys: dict[Any, yaml.Mark] = field(default_factory=dict)
    #: a mapping's ``name`` (pairs are known by name in key paths)
    name: str | None = None


class _Scan:
    """The checks over one stream of events; raises :class:`InventoryYamlError` at the first."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader  # resolves and builds scalar keys exactly as the load will
        self.open: list[_Collection] = []
        self.sizes: dict[str, int] = {}  # each anchored value: values it stands for
        self.heights: dict[str, int] = {}
        self.values = self.aliases = self.expanded = 0

    def see(self, event: yaml.Event) -> None:
        if isinstance(event, DocumentStartEvent):
            self.sizes.clear()
            self.heights.clear()
        elif isinstance(event, NodeEvent):
            self._node(event)
            if isinstance(event, CollectionStartEvent):  # counted already: its size starts before it
                self.open.append(_Collection(isinstance(event, MappingStartEvent), event.anchor, self.expanded - 1))
        elif isinstance(event, CollectionEndEvent):
            self._close(self.open.pop())

    def _node(self, event: NodeEvent) -> None:
        """One value (a scalar, an alias, the start of a list or mapping) inside the open collection."""
        height = self._height(event)
        if len(self.open) + height > MAX_DEPTH:
            raise InventoryYamlError(f"mappings and lists nested more than {MAX_DEPTH} levels deep: expected "
                                     "an inventory", event.start_mark)
        if not isinstance(event, AliasEvent):
            self.values += 1
            self.expanded += 1
            if self.values > MAX_VALUES:
                raise InventoryYamlError(f"more than {MAX_VALUES} values: expected an inventory", event.start_mark)
        if isinstance(event, ScalarEvent) and event.anchor:
            self.sizes[event.anchor], self.heights[event.anchor] = 1, 1
        if self.open:
            self._place(self.open[-1], event, height)

    def _height(self, event: NodeEvent) -> int:
        """Levels the value takes: an alias its anchor's; a scalar, or a collection so far, one."""
        if not isinstance(event, AliasEvent):
            return 1
        if any(collection.anchor == event.anchor for collection in self.open):
            raise InventoryYamlError("an alias refers to the mapping or list it is in: expected plain "
                                     "nested values", event.start_mark)
        self.aliases += 1
        self.expanded += self.sizes.get(event.anchor, 0)
        if self.aliases > MAX_ALIASES:
            raise InventoryYamlError(f"more than {MAX_ALIASES} YAML aliases: expected an anchor used a few "
                                     "times", event.start_mark)
        if self.expanded - self.values > MAX_EXPANSION:
            raise InventoryYamlError(f"YAML aliases repeat more than {MAX_EXPANSION} values (an alias bomb?): "
                                     "expected an anchor used a few times", event.start_mark)
        return self.heights.get(event.anchor, 1)

    def _place(self, parent: _Collection, event: NodeEvent, height: int) -> None:
        parent.height = max(parent.height, 1 + height)
        is_key = parent.mapping and parent.index % 2 == 0
        parent.index += 1
        if is_key:
            parent.key = self._key(parent, event)
        elif parent.mapping and parent.key == "name" and isinstance(event, ScalarEvent):
            parent.name = event.value

    def _key(self, mapping: _Collection, event: NodeEvent) -> str:
        """The key's text for key paths; a scalar key given twice is refused."""
        if not isinstance(event, ScalarEvent):
            return "(key)"
        tag = event.tag if event.tag not in (None, "!") else self.loader.resolve(ScalarNode, event.value, event.implicit)
        if tag in (_MERGE, _VALUE):
            return ""
        value = event.value if tag == _STR else \
            self.loader.construct_object(ScalarNode(tag, event.value, event.start_mark, event.end_mark))
        if value in mapping.keys:
            mapping.key = event.value
            raise InventoryYamlError(f"key given twice ({_both(mapping.keys[value], event.start_mark)}): expected "
                                     "each key once (YAML would silently keep only the last)", key=self._path())
        mapping.keys[value] = event.start_mark
        return event.value

    def _close(self, collection: _Collection) -> None:
        if self.open:
            self.open[-1].height = max(self.open[-1].height, 1 + collection.height)
        if collection.anchor:
            self.sizes[collection.anchor] = self.expanded - collection.start
            self.heights[collection.anchor] = collection.height

    def _path(self) -> str:
        """``pairs[0](eu).translate.mft-prod``: where the scan is, as the inventory's errors say it."""
        text = ""
        for collection, inner in zip(self.open, [*self.open[1:], None]):
            if not collection.mapping:
                named = f"({cut(inner.name, KEY_LIMIT)})" if inner is not None and inner.name else ""
                text += f"[{collection.index - 1}]{named}"
            elif collection.key:
                key = cut(collection.key, KEY_LIMIT)
                text += f".{key}" if text else key
        return text


def _both(first: yaml.Mark, second: yaml.Mark) -> str:
    if first.line != second.line:
        return f"lines {first.line + 1} and {second.line + 1}"
    return f"line {first.line + 1}, columns {first.column + 1} and {second.column + 1}"

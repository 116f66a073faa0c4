"""Firewall facts: the effective packet filter rule set, normalised so two hosts compare cleanly.

Views are read from ``iptables-save``, ``ip6tables-save`` and ``nft -j list ruleset``, whichever the
host has. On Debian 12 ``iptables`` is iptables-nft, so the tables it manages appear in nft's
ruleset too (as ``ip filter`` with opaque ``xt`` expressions). The rule chosen to count each table
once: **a table that ``iptables-save``/``ip6tables-save`` reports comes from that view; nft's
ruleset adds the tables not reported that way** (nft-native ones like ``inet mft``). One exception,
found by recording: when nft's version of such a table uses what iptables cannot express (named
sets or maps, set lookups, verdict maps), nft's view is used, because iptables-nft 1.8.9 prints
``ip6 saddr @partners6 accept`` as a bare ``-j ACCEPT``. Both views name tables the same way,
``<family> <table>``, with nft's family ``ip`` called ``ip4``.

Normalising drops what changes without anyone changing the rules: packet and byte counters
(``[0:0]``, ``-c``, nft ``counter`` and ``last`` statements, quota usage) and nft handles. Rule
order within a chain and chain policies are kept; they decide what gets through.

Facts::

    {"tables": {"ip4 filter": {"chains": {"INPUT": {"policy": "DROP",
                                                    "rules": ["-i lo -j ACCEPT", ...]}}},
                "inet mft": {"chains": {"input": {"policy": "drop", "hook": "filter input priority 10",
                                                  "rules": ['[{"accept":null}]']}},
                             "sets": {"partners": {"type": "ipv4_addr",
                                                   "elements": ["203.0.113.0/24"]}}}},
     "source": ["iptables-save", "ip6tables-save", "nft"]}

An iptables rule is its ``iptables-save`` line without ``-A CHAIN``; an nft rule is the canonical
JSON of its expression list (a ``{"comment": ...}`` item appended when the rule has a comment).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import NOT_FOUND, Output, require
from drverify.inventory.model import Pair

NAME = "firewall"

#: command name → (shell command, family of the tables it reports; None for nft's own families)
_COMMANDS: dict[str, tuple[str, str | None]] = {
    "iptables-save": ("iptables-save", "ip4"),
    "ip6tables-save": ("ip6tables-save", "ip6"),
    "nft": ("nft -j list ruleset", None),
}

_COUNTERS = re.compile(r"^\[\d+:\d+\]\s+|\s+-c \d+ \d+(?=\s|$)")
_RULE = re.compile(r"^-A (\S+)(?: (.*))?$")
_LEGACY = "iptables-legacy tables present"
#: nft statements that only hold statistics, never configuration
_STATISTICS = ("counter", "last")
#: in a canonical nft rule: a named set or map lookup, an anonymous or updated set, a verdict map
_NFT_ONLY = ('"@', '{"set":', '{"vmap":', '{"map":')


def commands(pair: Pair, role: str) -> dict[str, str]:
    """Every view, always: the parser decides which one reports which table."""
    return {name: command for name, (command, _) in _COMMANDS.items()}


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """The merged rule set; :class:`FactError` when no tool ran or one that exists failed.

    A missing tool (exit status 127) is normal. A tool that is there but fails (not root, say)
    makes the whole area unverified: a partial rule set would read as drift, or as a pass.
    """
    saved: dict[str, Any] = {}
    nft: dict[str, Any] = {}
    sources: list[str] = []
    for name, (_, family) in _COMMANDS.items():
        output = outputs.get(name)
        if output is not None and output.rc == NOT_FOUND:
            continue
        text = require(outputs, name)
        if family:
            _refuse_legacy(outputs[name].stderr, name)
            saved.update(parse_save(text, family, name))
        else:
            nft = parse_nft(text)
        sources.append(name)
    if not sources:
        raise FactError("firewall: none of iptables-save, ip6tables-save, nft is installed")
    return {"tables": merge_views(saved, nft), "source": sources}


def merge_views(saved: Mapping[str, Any], nft: Mapping[str, Any]) -> dict[str, Any]:
    """Each table once: the iptables-save view where it has one, unless nft's is richer."""
    tables = dict(nft)
    for key, table in saved.items():
        if key not in nft or not uses_nft_only(nft[key]):
            tables[key] = table
    return dict(sorted(tables.items()))


def uses_nft_only(table: Mapping[str, Any]) -> bool:
    """Whether an nft table holds sets, maps or rules that iptables-save cannot show."""
    rules = (rule for chain in table["chains"].values() for rule in chain["rules"])
    return bool(table.get("sets")) or any(mark in rule for rule in rules for mark in _NFT_ONLY)


def parse_save(text: str, family: str, command: str = "iptables-save") -> dict[str, Any]:
    """Tables from ``iptables-save`` output, keyed ``"<family> <table>"``."""
    tables: dict[str, Any] = {}
    chains: dict[str, Any] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        _refuse_legacy(line, command)
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            chains = tables.setdefault(f"{family} {line[1:]}", {"chains": {}})["chains"]
        elif line == "COMMIT":
            chains = None
        elif chains is None:
            raise FactError(f"{command}: line {number} is outside a table: {line[:60]!r}")
        elif line.startswith(":"):
            name, policy = _chain_line(line, command, number)
            chains[name] = {"policy": policy, "rules": []}
        else:
            chain, rule = _rule_line(line, command, number)
            if chain not in chains:
                raise FactError(f"{command}: line {number} appends to undeclared chain {chain}")
            chains[chain]["rules"].append(rule)
    return tables


def _refuse_legacy(text: str, command: str) -> None:
    """iptables-nft warns (on stdout or stderr) when legacy tables, which it cannot show, exist too."""
    if _LEGACY in text:
        raise FactError(f"{command}: iptables-legacy tables are present as well, not read")


def _chain_line(line: str, command: str, number: int) -> tuple[str, str | None]:
    """``:INPUT DROP [0:0]`` → ``("INPUT", "DROP")``; a user chain's ``-`` policy → ``None``."""
    parts = line[1:].split()
    if len(parts) < 2:
        raise FactError(f"{command}: line {number} is not a chain line: {line[:60]!r}")
    return parts[0], None if parts[1] == "-" else parts[1]


def _rule_line(line: str, command: str, number: int) -> tuple[str, str]:
    """``[3:180] -A INPUT -i lo -j ACCEPT`` → ``("INPUT", "-i lo -j ACCEPT")``."""
    match = _RULE.match(_COUNTERS.sub("", line))
    if match is None:
        raise FactError(f"{command}: line {number} is not a rule: {line[:60]!r}")
    return match.group(1), (match.group(2) or "").strip()


def parse_nft(text: str) -> dict[str, Any]:
    """Tables, chains, rules and sets from ``nft -j list ruleset``, keyed ``"<family> <table>"``."""
    tables: dict[str, Any] = {}
    for kind, body in _nft_objects(text):
        try:
            _add_nft_object(tables, kind, body)
        except (KeyError, TypeError, AttributeError):
            raise FactError(f"nft: cannot read a {kind}: {json.dumps(body)[:80]}") from None
    return tables


def _add_nft_object(tables: dict[str, Any], kind: str, body: Mapping[str, Any]) -> None:
    key = f"{nft_family(body['family'])} {body['table' if kind != 'table' else 'name']}"
    table = tables.setdefault(key, {"chains": {}, "sets": {}})
    if kind == "chain":
        rules = table["chains"].get(body["name"], {}).get("rules", [])
        table["chains"][body["name"]] = {**_nft_chain(body), "rules": rules}
    elif kind == "rule":
        chain = table["chains"].setdefault(body["chain"], {"policy": None, "rules": []})
        chain["rules"].append(nft_rule(body))
    elif kind in ("set", "map"):
        table["sets"][body["name"]] = _nft_set(body)


def _nft_objects(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(kind, body) of every table, chain, rule, set and map; other objects are not compared."""
    try:
        items = json.loads(text)["nftables"]
        objects = [next(iter(item.items())) for item in items]
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError, StopIteration):
        raise FactError("nft: output is not nft's JSON ruleset") from None
    wanted = ("table", "chain", "rule", "set", "map")
    return [(kind, body) for kind, body in objects if kind in wanted and isinstance(body, dict)]


def nft_family(family: str) -> str:
    """nft's ``ip`` is ``ip4`` here, as iptables-save's tables are; other families unchanged."""
    return "ip4" if family == "ip" else family


def _nft_chain(body: Mapping[str, Any]) -> dict[str, Any]:
    chain: dict[str, Any] = {"policy": body.get("policy")}
    if "hook" in body:
        hook = f"{body.get('type', 'filter')} {body['hook']} priority {body.get('prio', 0)}"
        chain["hook"] = hook + (f" device {body['dev']}" if "dev" in body else "")
    return chain


def nft_rule(body: Mapping[str, Any]) -> str:
    """The canonical JSON of a rule's expressions, statistics left out, comment appended."""
    expressions = [_without_usage(e) for e in body.get("expr", []) if not _is_statistic(e)]
    if body.get("comment"):
        expressions.append({"comment": body["comment"]})
    return json.dumps(expressions, sort_keys=True, separators=(",", ":"))


def _is_statistic(expression: Any) -> bool:
    """Anonymous ``counter``/``last``; a named counter (``{"counter": "name"}``) is configuration."""
    return isinstance(expression, dict) and any(
        key in expression and not isinstance(expression[key], str) for key in _STATISTICS)


def _without_usage(expression: Any) -> Any:
    if isinstance(expression, dict) and isinstance(expression.get("quota"), dict):
        quota = {k: v for k, v in expression["quota"].items() if k not in ("used", "used_unit")}
        return {**expression, "quota": quota}
    return expression


def _nft_set(body: Mapping[str, Any]) -> dict[str, Any]:
    """A set's type and elements; elements of dynamic or timed sets are runtime state: ``None``."""
    flags = body.get("flags", [])
    flags = [flags] if isinstance(flags, str) else list(flags)
    kind = body.get("type")
    kind = " . ".join(kind) if isinstance(kind, list) else kind
    if "map" in body:
        kind = f"{kind} : {body['map']}"
    if "dynamic" in flags or "timeout" in body:
        return {"type": kind, "elements": None}
    return {"type": kind, "elements": sorted(set_element(e) for e in body.get("elem", []))}


def set_element(value: Any) -> str:
    """One element as nft prints it: ``203.0.113.0/24``, ``1000-2000``, ``a . b``, ``2222 : accept``."""
    if isinstance(value, list):
        return " : ".join(set_element(part) for part in value)
    if not isinstance(value, dict):
        return str(value)
    if "prefix" in value:
        return f"{value['prefix']['addr']}/{value['prefix']['len']}"
    if "range" in value:
        return "-".join(set_element(part) for part in value["range"])
    if "concat" in value:
        return " . ".join(set_element(part) for part in value["concat"])
    if "elem" in value:
        return set_element(value["elem"]["val"])
    verdict = _verdict(value)
    return verdict if verdict else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _verdict(value: Mapping[str, Any]) -> str | None:
    """``{"accept": null}`` → ``accept``; ``{"jump": {"target": "x"}}`` → ``jump x``."""
    if len(value) != 1:
        return None
    ((name, argument),) = value.items()
    if argument is None:
        return name
    if isinstance(argument, dict) and "target" in argument:
        return f"{name} {argument['target']}"
    return None

"""nft's view of the packet filter: ``nft -j list ruleset`` as tables, chains, rules and sets.

The firewall facts (:mod:`drverify.facts.firewall`) merge this view with iptables-save's. A rule
is the canonical JSON of its expression list, statistics left out (anonymous ``counter`` and
``last`` statements, quota usage) and handles never kept, so two hosts compare cleanly; a set
holds its type and elements as nft prints them. Every table read here has a ``sets`` key (maybe
empty), which iptables-save's tables never have: drift tells the views apart by it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError

#: nft statements that only hold statistics, never configuration
_STATISTICS = ("counter", "last")


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

"""Load and validate an inventory file; every mistake becomes one line naming file, key and need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.reader import ReaderError

from drverify.errors import InventoryError
from drverify.inventory import yamlsafe
from drverify.inventory.base import SecretRef
from drverify.inventory.model import HostSpec, Inventory, Pair, SshOptions
from drverify.inventory.shown import KEY_LIMIT, cut, escaped, secret_key, shown
from drverify.inventory.source import expand_user, read_text

#: the most characters of a message from a validator or from YAML (its values are cut already)
_PROBLEM_LIMIT = 240


def load_inventory(path: str | Path) -> Inventory:
    """Read ``path``; raise :class:`InventoryError` with a one-line reason if it is unusable."""
    path = expand_user(Path(path))
    raw = _read_inventory(path)
    context = {"base_dir": path.resolve().parent}
    try:
        Inventory.model_validate(raw, context=context)
        pairs = [
            Pair.model_validate(_deep_merge(raw.get("defaults") or {}, pair), context=context)
            for pair in raw["pairs"]
        ]
        return Inventory.model_validate({**raw, "pairs": pairs}, context=context)
    except ValidationError as error:
        raise InventoryError(describe_validation_error(path, raw, error)) from None


def ssh_options(pair: Pair, host: HostSpec) -> SshOptions:
    """The SSH options for one host: its own settings over the pair's (which include defaults)."""
    merged = _deep_merge(_set_fields(pair.ssh), _set_fields(host.ssh))
    return SshOptions.model_validate(merged)


def _set_fields(model: BaseModel | None) -> dict[str, Any]:
    return {} if model is None else model.model_dump(exclude_unset=True)


def read_yaml(path: Path, what: str = "the inventory", kind: str = "an inventory") -> Any:
    """A YAML file's content, read with the inventory's safeguards (a regular UTF-8 file of sane
    size, no alias bombs or duplicate keys); :class:`InventoryError` naming the file (and line)
    otherwise. ``what`` and ``kind`` name the file in those lines (``the waivers``)."""
    text = read_text(path, what, kind)
    try:
        return yamlsafe.load(text)
    except yaml.YAMLError as error:
        raise InventoryError(_describe_yaml_error(path, text, error)) from None


def _read_inventory(path: Path) -> dict[str, Any]:
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InventoryError(f"{escaped(str(path))}: expected a mapping with a 'pairs' list at the top level")
    if not isinstance(raw.get("pairs"), list):
        raise InventoryError(f"{escaped(str(path))}: pairs: expected a list of pairs (each with name, "
                             "production and recovery)")
    return raw


def _describe_yaml_error(path: Path, text: str, error: yaml.YAMLError) -> str:
    """``FILE:LINE:COLUMN: not valid YAML: PROBLEM``; a construct the loader refuses says why by
    itself, at its line or at its key path."""
    where = escaped(str(path))
    if isinstance(error, yamlsafe.InventoryYamlError) and error.key is not None:
        return f"{where}: {error.key}: {error.problem}"
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        where += f":{error.problem_mark.line + 1}:{error.problem_mark.column + 1}"
    elif isinstance(error, ReaderError):  # a character YAML refuses: marked by offset only
        line, column = text.count("\n", 0, error.position) + 1, error.position - text.rfind("\n", 0, error.position)
        where += f":{line}:{column}"
    if isinstance(error, yamlsafe.InventoryYamlError):
        return f"{where}: {error.problem}"
    problem = (error.problem if isinstance(error, yaml.MarkedYAMLError) else None) or str(error).splitlines()[0]
    if problem.startswith("but ") and isinstance(error, yaml.MarkedYAMLError) and error.context:
        problem = f"{error.context}, {problem}"  # "expected a single document..., but found another"
    return f"{where}: not valid YAML: {cut(problem, _PROBLEM_LIMIT)}"


def _deep_merge(base: dict[str, Any], override: Any) -> Any:
    """``override`` on top of ``base``, mappings merged key by key (a pair refines the defaults)."""
    if not isinstance(override, dict) or not isinstance(base, dict):
        return override
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _deep_merge(base.get(key, {}), value) if key in base else value
    return merged


def describe_validation_error(path: Path, raw: dict[str, Any], error: ValidationError,
                              model: type[BaseModel] = Inventory) -> str:
    """One line: the file, the first bad key path (pairs named), what was expected; ``model`` is
    the file's top-level schema (an inventory, or another input file such as the waivers)."""
    errors = error.errors(include_url=False)
    first = errors[0]
    location = _key_path(raw, first["loc"])
    more = f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})" if len(errors) > 1 else ""
    expected = _expectation(first)
    if first["type"] == "extra_forbidden":
        allowed = _allowed_keys(first["loc"][:-1], model)
        if allowed:
            expected += f" (expected one of: {', '.join(allowed)})"
    return f"{escaped(str(path))}: {location}: {expected}{more}"


def _models_along(loc: tuple[Any, ...], top: type[BaseModel] = Inventory) -> list[type[BaseModel]]:
    """The models met walking the schema's annotations down ``loc``, ``top`` (the inventory) first."""
    models: list[type[BaseModel]] = [top]
    for key in loc:
        if isinstance(key, int):
            continue
        field = models[-1].model_fields.get(key)
        model = _model_in(field.annotation) if field is not None else None
        if model is None:
            break
        models.append(model)
    return models


def _allowed_keys(loc: tuple[Any, ...], model: type[BaseModel] = Inventory) -> list[str]:
    """The keys the model at ``loc`` accepts (none if ``loc`` leads outside the schema);
    ``model``: the file's top-level schema."""
    models = _models_along(loc, model)
    return list(models[-1].model_fields) if len(models) == 1 + sum(not isinstance(key, int) for key in loc) else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``X | None``, ``list[X]`` or ``dict[str, X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _secret(loc: tuple[Any, ...]) -> bool:
    """Whether the value at ``loc`` could be a secret: under a key named like one, or a SecretRef."""
    return any(secret_key(key) for key in loc if isinstance(key, str)) or SecretRef in _models_along(loc)


#: entries of pydantic's error locations that name a validator, not a key of the inventory
_VALIDATOR_STEPS = ("function-after[_from_string(), HostSpec]", "str")


def _key_path(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """``pairs[0](eu).production.ssh``: keys cut and escaped; nothing shown below a secret's key."""
    parts: list[str] = []
    node: Any = raw
    under_secret = False
    for key in loc:
        if under_secret and key not in SecretRef.model_fields:
            break  # a key typed inside a secret's mapping could be the secret itself
        if isinstance(key, int):
            name = node[key].get("name") if isinstance(node, list) and key < len(node) and isinstance(node[key], dict) else None
            parts.append(f"[{key}]" + (f"({cut(str(name), KEY_LIMIT)})" if name else ""))
        elif key in _VALIDATOR_STEPS:
            continue
        elif key == "host" and isinstance(node, str):
            continue  # a host written as a plain string: the error is about that string
        else:
            parts.append(("." if parts else "") + cut(str(key), KEY_LIMIT))
            under_secret = under_secret or secret_key(key)
        node = node[key] if isinstance(node, (dict, list)) and _has(node, key) else None
    return "".join(parts) or "(top level)"


def _has(node: dict[str, Any] | list[Any], key: Any) -> bool:
    return key in node if isinstance(node, dict) else isinstance(key, int) and key < len(node)


def _expectation(error: dict[str, Any]) -> str:
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("value_error", "assertion_error"):
        return cut(message.removeprefix("Value error, "), _PROBLEM_LIMIT)
    return f"{message[0].lower()}{message[1:]} {shown(error.get('input'), secret=_secret(error['loc']))}"

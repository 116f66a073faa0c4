"""Load and validate an inventory file; every mistake becomes one line naming file, key and need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from drverify.errors import InventoryError
from drverify.inventory.model import HostSpec, Inventory, Pair, SshOptions


def load_inventory(path: str | Path) -> Inventory:
    """Read ``path``; raise :class:`InventoryError` with a one-line reason if it is unusable."""
    path = Path(path)
    raw = _read_yaml(path)
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


def read_yaml(path: Path, what: str = "the inventory") -> Any:
    """A YAML file's content; :class:`InventoryError` naming the file (and line) otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InventoryError(f"{path}: cannot read {what}: {error.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InventoryError(f"{where}: not valid YAML: {problem}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise InventoryError(f"{path}: expected a mapping with a 'pairs' list at the top level")
    if not isinstance(raw.get("pairs"), list):
        raise InventoryError(f"{path}: pairs: expected a list of pairs (each with name, "
                             "production and recovery)")
    return raw


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
    return f"{path}: {location}: {expected}{more}"


def _allowed_keys(loc: tuple[Any, ...], model: Any = Inventory) -> list[str]:
    """The keys the model at ``loc`` accepts, found by walking the schema's annotations."""
    for key in loc:
        if isinstance(key, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        field = model.model_fields.get(key)
        if field is None:
            return []
        model = _model_in(field.annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``X | None``, ``list[X]`` or ``dict[str, X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _key_path(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int):
            name = node[key].get("name") if isinstance(node, list) and key < len(node) and isinstance(node[key], dict) else None
            parts.append(f"[{key}]" + (f"({name})" if name else ""))
        elif key in ("function-after[_from_string(), HostSpec]", "str"):
            continue
        elif key == "host" and isinstance(node, str):
            continue  # a host written as a plain string: the error is about that string
        else:
            parts.append(("." if parts else "") + str(key))
        node = node[key] if isinstance(node, (dict, list)) and _has(node, key) else None
    return "".join(parts) or "(top level)"


def _has(node: dict[str, Any] | list[Any], key: Any) -> bool:
    return key in node if isinstance(node, dict) else isinstance(key, int) and key < len(node)


#: keys whose values are never echoed in an error message, in case a secret was typed there
_SECRET_KEYS = ("password", "credentials", "secret")


def _expectation(error: dict[str, Any]) -> str:
    kind, message = error["type"], error["msg"]
    secret = any(word in str(key) for key in error["loc"] for word in _SECRET_KEYS)
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ")
    shown = "(value hidden)" if secret else f"(got {error.get('input')!r})"
    return f"{message[0].lower()}{message[1:]} {shown}"

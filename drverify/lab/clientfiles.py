"""The files `up` leaves in the state directory for the project: inventory and SSH client setup."""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from drverify.lab.hosts import PAIR_TRANSLATE, SERVICE_ACCOUNTS, SERVICE_GROUPS

# One pair per testinfra transport the project supports, both against the same two hosts.
PAIR_BACKENDS = (("lab-ssh", "ssh"), ("lab-paramiko", "paramiko"))
SSH_CONFIG_TEXT = "Host *\n  IdentitiesOnly yes\n"


def inventory_data(state_dir: Path, production: str, recovery: str,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The lab inventory as data (the project's inventory schema, version 1); ``extra`` holds
    what provisioners add to every pair (network and key checks, more translations). A string in
    ``extra`` starting ``{scheme}://`` names a further lab host (the load balancer): each pair
    reaches it with its own transport."""
    pairs = [
        {
            "name": name,
            "production": f"{scheme}://root@{production}",
            "recovery": f"{scheme}://root@{recovery}",
            "translate": dict(PAIR_TRANSLATE),
            "service_accounts": list(SERVICE_ACCOUNTS),
            "service_groups": list(SERVICE_GROUPS),
            "policies": {"disks": {"default": "at_least_used", "headroom_percent": 20}},
        }
        for name, scheme in PAIR_BACKENDS
    ]
    pairs = [_with_scheme(_merged(pair, copy.deepcopy(extra or {})), scheme)
             for pair, (_, scheme) in zip(pairs, PAIR_BACKENDS)]
    return {
        "version": 1,
        "defaults": {
            "ssh": {
                "identity_file": str(state_dir / "id_ed25519"),
                "known_hosts": str(state_dir / "known_hosts"),
                "config": str(state_dir / "ssh_config"),
            }
        },
        "pairs": pairs,
    }


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        both_dicts = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merged(merged[key], value) if both_dicts else value
    return merged


def _with_scheme(value: Any, scheme: str) -> Any:
    if isinstance(value, dict):
        return {key: _with_scheme(item, scheme) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_scheme(item, scheme) for item in value]
    if isinstance(value, str) and value.startswith("{scheme}://"):
        return scheme + value.removeprefix("{scheme}")
    return value


def write_text(path: Path, text: str, mode: int = 0o644) -> None:
    """Write a file atomically with the given mode (readers never see half a file)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    tmp.replace(path)


def write_inventory(path: Path, data: dict[str, Any]) -> None:
    """Dump the inventory as YAML in the order it was built."""
    write_text(path, yaml.safe_dump(data, sort_keys=False, default_flow_style=False))


def write_known_hosts(path: Path, lines: Sequence[str]) -> None:
    """known_hosts with the hosts' real keys, so clients can use StrictHostKeyChecking=yes."""
    write_text(path, "".join(line + "\n" for line in lines))


def write_ssh_config(path: Path) -> None:
    """A minimal ssh_config; transports add their own options (e.g. a ControlPath) elsewhere."""
    write_text(path, SSH_CONFIG_TEXT)

"""A generated inventory of many pairs, built from the example's snapshots with varied drift.

``python bench/scale_inventory.py OUT_DIR --pairs 500`` writes ``OUT_DIR/inventory.yaml`` and two
snapshots per pair under ``OUT_DIR/snapshots/``. Tests import :func:`build` (no network, no root).

Every pair is the example's mft-eu (its policies, network probes, keys, MFT service and load
balancer, all 18 areas), given as snapshots; what varies is the drift, chosen per pair by a
random generator seeded with ``--seed`` and the pair's number, so the same arguments always
write the same files:

- ``twin``: recovery is production's own snapshot (no translation): little or no drift;
- ``example``: the example's two snapshots as they are, the seeded drift of
  ``tests/unit/test_example.py``;
- ``extra``: the example's, plus recovery changed: extra local users, some INPUT rules gone, a
  mount shrunk;
- ``heavy``: ``extra`` at a larger scale (dozens of users, every partner rule gone): the
  checks whose tables make a report heavy.

Every tenth pair is checked failing back (``direction: failback``), as the example's second
pair is, so the failback-only areas are in the run too.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "inventories" / "example.yaml"
SNAPSHOTS = REPO / "inventories" / "example-snapshots"
#: the variants in the order a pair's number cycles through them
VARIANTS = ("twin", "example", "extra", "example", "heavy")
ROLES = ("production", "recovery")


#: what each pair gives itself; the rest of the example's pair becomes the inventory's defaults
OWN_KEYS = ("name", "production", "recovery", "translate", "direction")


def example_settings() -> tuple[dict[str, Any], dict[str, Any]]:
    """The example's defaults with its takeover pair's shared settings merged in, and that pair's
    translation (anchors resolved)."""
    example = yaml.safe_load(EXAMPLE.read_text())
    pair = example["pairs"][0]
    shared = {key: value for key, value in pair.items() if key not in OWN_KEYS}
    return {**example.get("defaults", {}), **shared}, pair["translate"]


def example_snapshot(role: str) -> dict[str, Any]:
    return json.loads((SNAPSHOTS / f"mft-eu.{role}.json").read_text())


def _add_users(facts: dict[str, Any], count: int, rng: random.Random) -> None:
    users = facts["areas"]["users"]["data"]["users"]
    for number in range(count):
        uid = 20_000 + rng.randrange(10_000)
        users[f"contractor{number:03d}"] = {"gid": 100, "home": f"/home/contractor{number:03d}",
                                            "home_exists": rng.random() < 0.8, "shell": "/bin/bash", "uid": uid}


def _drop_rules(facts: dict[str, Any], share: float, rng: random.Random) -> None:
    chain = facts["areas"]["firewall"]["data"]["tables"]["ip4 filter"]["chains"]["INPUT"]
    chain["rules"] = [rule for rule in chain["rules"] if "-s " not in rule or rng.random() >= share]


def _shrink_mount(facts: dict[str, Any], rng: random.Random) -> None:
    mounts = facts["areas"]["disks"]["data"]["mounts"]
    point = rng.choice(sorted(point for point, mount in mounts.items() if mount["size"]))
    mount = mounts[point]
    mount["size"] = int(mount["size"] * rng.uniform(0.3, 0.9))
    mount["avail"] = max(0, mount["size"] - mount["used"])


def _changed(count: tuple[int, int], share: float) -> Callable[[dict[str, Any], random.Random], None]:
    def change(recovery: dict[str, Any], rng: random.Random) -> None:
        _add_users(recovery, rng.randint(*count), rng)
        _drop_rules(recovery, share, rng)
        _shrink_mount(recovery, rng)
    return change


CHANGES = {"example": None, "extra": _changed((1, 10), 0.3), "heavy": _changed((30, 60), 1.0)}


def snapshots_for(variant: str, rng: random.Random) -> dict[str, dict[str, Any]]:
    """Production's and recovery's facts for one pair of ``variant``."""
    production = example_snapshot("production")
    if variant == "twin":
        return {"production": production, "recovery": {**copy.deepcopy(production), "role": "recovery"}}
    recovery = example_snapshot("recovery")
    change = CHANGES[variant]
    if change is not None:
        change(recovery, rng)
    return {"production": production, "recovery": recovery}


def pair_entry(name: str, variant: str, translate: dict[str, Any], failback: bool) -> dict[str, Any]:
    """One pair of the inventory: its snapshots, and the example's translation but for twins."""
    entry: dict[str, Any] = {"name": name}
    for role in ROLES:
        entry[role] = {"snapshot": f"snapshots/{name}.{role}.json"}
    if variant != "twin":
        entry["translate"] = dict(translate)  # a copy: no YAML alias per pair
    if failback:
        entry["direction"] = "failback"
    return entry


def build(out: Path, pairs: int = 500, seed: int = 11) -> Path:
    """Write the inventory of ``pairs`` pairs and its snapshots into ``out``; its path."""
    defaults, translate = example_settings()
    (out / "snapshots").mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(pairs):
        name = f"mft-{number:04d}"
        variant = VARIANTS[number % len(VARIANTS)]
        rng = random.Random(f"{seed}:{number}")
        for role, facts in snapshots_for(variant, rng).items():
            facts.update(pair=name, role=role)
            (out / "snapshots" / f"{name}.{role}.json").write_text(json.dumps(facts, sort_keys=True))
        entries.append(pair_entry(name, variant, translate, failback=number % 10 == 9))
    path = out / "inventory.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "defaults": defaults, "pairs": entries}, sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(build(args.out, args.pairs, args.seed))


if __name__ == "__main__":
    main()

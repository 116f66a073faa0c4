"""What does drverify's own process cost? Start-up, and the cost per pair, from snapshots only.

No lab, no root, no network: ``python bench/bench_startup.py``. Times, as whole processes (the
interpreter started and ended each time, reports written):

- ``import pytest`` against ``import drverify.plugin`` (the plugin loads in every pytest run);
- ``drverify --version`` and ``drverify check --help``;
- ``drverify check`` on the embedded example (both its pairs, every area; then ``-k firewall``);
- 1, 10 and 50 pairs built from the example's mft-eu pair (each its own name and its own copy of
  the two snapshots), core areas (disks, network, firewall, users) and all areas.

Each row: median wall time of ``--repeat`` runs, the median CPU of the process tree (user + system,
from ``os.wait4`` for each run, bench/processes.py), the largest peak RSS of one process,
and for the pair rows the CPU per pair. Prints a table (and writes it as JSON with --json PATH).
Nothing is asserted: speed is measured here, not in tests. Where the time goes: ``--stages N``
times N pairs of all areas stage by stage in this process (inventory, snapshots, each area's
judging, results), ``--profile N`` runs them as a whole check under cProfile.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from processes import timed_process

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inventories" / "example.yaml"
SNAPSHOTS = ROOT / "inventories" / "example-snapshots"
CORE = "test_disks or test_network or test_firewall or test_users"
#: the processes' environment: drverify from this checkout (or the one --checkout names)
ENV = dict(os.environ)


def use_checkout(root: Path) -> None:
    """Measure the drverify of ``root`` (another commit's checkout: the figures before a change)."""
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, (str(root), os.environ.get("PYTHONPATH"))))


def write_inventory(directory: Path, count: int) -> Path:
    """An inventory of ``count`` copies of the example's mft-eu pair, each with its own name and its
    own snapshot files (so nothing is shared between pairs that a real estate would not share)."""
    example = yaml.safe_load(EXAMPLE.read_text())
    template = next(pair for pair in example["pairs"] if pair["name"] == "mft-eu")
    pairs = []
    for number in range(1, count + 1):
        name = f"mft-eu-{number:03}"
        pair = {**template, "name": name}
        for role in ("production", "recovery"):
            snapshot = json.loads((SNAPSHOTS / f"mft-eu.{role}.json").read_text())
            snapshot["pair"] = name
            target = directory / f"{name}.{role}.json"
            target.write_text(json.dumps(snapshot))
            pair[role] = {"snapshot": str(target)}
        pairs.append(pair)
    inventory = directory / f"pairs-{count}.yaml"
    inventory.write_text(yaml.safe_dump({"version": 1, "defaults": example.get("defaults", {}), "pairs": pairs}))
    return inventory


def run(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """One whole process: wall seconds, CPU seconds of its tree, its largest peak RSS in KiB."""
    done = timed_process(command, cwd, ENV)
    if done.status not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit status {done.status}: {done.stderr[-500:]}")
    return done.wall, done.cpu, int(done.rss_mib * 1024)


def measure(name: str, command: list[str], cwd: Path, repeat: int, pairs: int = 0) -> dict[str, Any]:
    runs = [run(command, cwd) for _ in range(repeat)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    row = {"work": name, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
           "peak_rss_mib": round(max(r[2] for r in runs) / 1024, 1)}
    if pairs:
        row["cpu_per_pair_s"] = round(cpu / pairs, 4)
    print(_line(row), flush=True)
    return row


def _line(row: dict[str, Any]) -> str:
    per_pair = f"{row['cpu_per_pair_s']:>9.4f}" if "cpu_per_pair_s" in row else f"{'':>9}"
    return f"{row['work']:<38} {row['wall_s']:>7.3f} {row['cpu_s']:>7.3f} {row['peak_rss_mib']:>8.1f} {per_pair}"


def check_command(inventory: Path, selection: str | None) -> list[str]:
    command = [sys.executable, "-m", "drverify", "check", "--inventory", str(inventory), "-q",
               "-p", "no:cacheprovider"]
    return command + (["-k", selection] if selection else [])


def table(repeat: int, sizes: list[int], workdir: Path) -> list[dict[str, Any]]:
    python = sys.executable
    print(f"{'work':<38} {'wall s':>7} {'CPU s':>7} {'RSS MiB':>8} {'CPU/pair':>9}", flush=True)
    rows = [measure("import pytest", [python, "-c", "import pytest"], workdir, repeat),
            measure("import drverify.plugin", [python, "-c", "import drverify.plugin"], workdir, repeat),
            measure("drverify --version", [python, "-m", "drverify", "--version"], workdir, repeat),
            measure("drverify check --help", [python, "-m", "drverify", "check", "--help"], workdir, repeat),
            measure("drverify check (example)", check_command(EXAMPLE, None), workdir, repeat, 2),
            measure("drverify check -k firewall (example)", check_command(EXAMPLE, "firewall"), workdir, repeat)]
    for count in sizes:
        directory = workdir / f"pairs-{count}"
        directory.mkdir()
        inventory = write_inventory(directory, count)
        for label, selection in (("core", CORE), ("all", None)):
            rows.append(measure(f"{count} pair(s), {label} areas", check_command(inventory, selection),
                                directory, repeat, count))
    ratio = rows[1]["wall_s"] / rows[0]["wall_s"]
    print(f"import drverify.plugin / import pytest: {ratio:.2f}x (target at most 1.3x)")
    return rows


def stages(count: int, workdir: Path) -> None:
    """N pairs, all areas, stage by stage in this process without pytest: the inventory, the
    snapshots, each area's judging (facts checked against their schema on first read included),
    the results as the plugin encodes them; milliseconds per pair."""
    sys.path.insert(0, str(ROOT))
    from drverify.areas import applicable
    from drverify.drift import Severity
    from drverify.facts.collect import collect_each
    from drverify.inventory import load_inventory
    from drverify.session import AreaCheck

    per_pair: dict[str, float] = {}

    def timed(stage: str, started: float) -> float:
        now = time.perf_counter()
        per_pair[stage] = per_pair.get(stage, 0.0) + (now - started) * 1000 / count
        return now

    path = write_inventory(workdir, count)
    started = time.perf_counter()
    inventory = load_inventory(path)
    started = timed("inventory", started)
    facts = collect_each([(pair, applicable(pair)) for pair in inventory.pairs], workdir)
    started = timed("snapshots", started)
    for pair in inventory.pairs:
        for area in applicable(pair):
            sides = facts[(pair.name, "production")], facts[(pair.name, "recovery")]
            check = AreaCheck(pair, area, sides, Severity.MINOR, f"{pair.name}::{area.name}", pair.direction)
            check.compare()
            started = timed(f"judge {area.name}", started)
            json.dumps(check.result().to_json(), default=str)
            started = timed("results", started)
    for stage, milliseconds in sorted(per_pair.items(), key=lambda item: -item[1]):
        print(f"{stage:<28} {milliseconds:8.3f} ms/pair")
    print(f"{'in all':<28} {sum(per_pair.values()):8.3f} ms/pair ({count} pairs)")


def profile(count: int, workdir: Path) -> None:
    """N pairs, all areas, a whole ``drverify check`` in this process under cProfile: drverify's
    own functions by cumulative time (pytest's, pytest-html's and the report's are listed too)."""
    import cProfile
    import pstats

    import pytest

    inventory = write_inventory(workdir, count)
    os.chdir(workdir)
    sys.path.insert(0, str(ROOT))
    from drverify.cli import pytest_args

    profiler = cProfile.Profile()
    profiler.enable()
    pytest.main(pytest_args(["--inventory", str(inventory), "-q", "-p", "no:cacheprovider"]))
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(str(ROOT / "drverify"), 45)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pairs", default="1,10,50", help="pair counts, comma-separated (default 1,10,50)")
    parser.add_argument("--stages", type=int, metavar="N", help="time N pairs stage by stage in-process instead")
    parser.add_argument("--profile", type=int, metavar="N", help="profile N pairs in-process instead")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose drverify is timed "
                        "(default: this one; give another commit's for the figures before a change)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    use_checkout(args.checkout.resolve())
    with tempfile.TemporaryDirectory(prefix="drv-startup-") as temporary:
        if args.stages or args.profile:
            (stages if args.stages else profile)(args.stages or args.profile, Path(temporary))
            return 0
        rows = table(args.repeat, [int(size) for size in args.pairs.split(",") if size], Path(temporary))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

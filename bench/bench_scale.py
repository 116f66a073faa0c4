"""drverify side by side with the minimal reference, as whole processes, on the scale lab (issue 11).

Run as root from a checkout: ``python bench/bench_scale.py`` (``--pairs 1,10,50 --repeat 5``). It
builds the scale lab (``python -m drverify.lab up --pairs 50``: 100 SSH hosts), then for each
size takes the first N pairs of its inventory and runs, alternating, ``drverify check`` on the four
core areas (interpreter start to reports written) and ``bench/reference.py`` (one ssh call per
host, every host at once, compared in-process), ``--repeat`` times each; it prints the medians of
wall time, CPU (the process tree's user+sys), peak RSS, the CPU drverify spends beyond the
reference per pair (both run the same ssh clients, so this is drverify's own work) and the ratio. It then counts, from each
host's sshd log (LogLevel VERBOSE), the connections and remote commands one run of each made per
host. Last, on the default lab, one pair with every area, against bench/library_reference.py (the
same collection and comparison as a library, no pytest: the minimal reference has no equivalent of
the probe areas), so that ratio is what pytest, the plugin and the reports cost.
Nothing is asserted: speed is measured here, never in a test. The lab is taken down at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from processes import timed_process

from drverify.lab.default import default_lab
from drverify.lab.lab import Lab
from drverify.lab.scale import scale_lab

REPO = Path(__file__).resolve().parents[1]
CORE = "disks or network or firewall or users"
SSHD_LOG = "/run/sshd.log"


def timed(argv: list[str], cwd: Path) -> dict[str, float]:
    """Wall seconds, CPU seconds of the whole process tree, and peak RSS (MiB) of one run."""
    run = timed_process(argv, cwd)
    return {"wall": run.wall, "cpu": run.cpu, "rss": run.rss_mib}


def drverify_argv(inventory: Path, select: str | None) -> list[str]:
    """``drverify check`` as a user runs it: its reports land in ./reports of the bench's directory."""
    argv = [sys.executable, "-m", "drverify", "check", f"--inventory={inventory}"]
    return argv + (["-k", select] if select else [])


def reference_argv(inventory: Path, script: str = "reference.py") -> list[str]:
    return [sys.executable, str(REPO / "bench" / script), str(inventory)]


def first_pairs(inventory: Path, count: int, directory: Path, names: list[str] | None = None) -> Path:
    data = yaml.safe_load(inventory.read_text())
    data["pairs"] = [p for p in data["pairs"] if names is None or p["name"] in names][:count]
    path = directory / f"inventory-{count}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def median_runs(runs: dict[str, list[str]], repeat: int, cwd: Path) -> dict[str, dict[str, float]]:
    """Each command ``repeat`` times, alternating, so both meet the same machine state."""
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, argv in runs.items():
            samples[name].append(timed(argv, cwd))
    return {name: {key: statistics.median(s[key] for s in taken) for key in ("wall", "cpu", "rss")}
            for name, taken in samples.items()}


def sshd_counts(lab: Lab, argv: list[str], cwd: Path) -> tuple[float, float]:
    """Connections and remote commands per host for one run of the first pair, from its hosts' sshd logs."""
    hosts = ["production-001", "recovery-001"]
    for host in hosts:
        lab.exec(host, ["sh", "-c", f": > {SSHD_LOG}"])
    subprocess.run(argv, cwd=cwd, capture_output=True, timeout=600, check=False)
    logs = [lab.exec(host, ["cat", SSHD_LOG]).stdout for host in hosts]
    connections = sum(log.count("Accepted publickey") for log in logs)
    commands = sum(log.count("Starting session: command") for log in logs)
    return connections / len(hosts), commands / len(hosts)


def row(label: str, figures: dict[str, dict[str, float]], pairs: int) -> dict[str, object]:
    ours, ref = figures["drverify"], figures["reference"]
    return {"work": label, "pairs": pairs, "drverify_wall": ours["wall"], "drverify_cpu": ours["cpu"],
            "drverify_rss_mib": ours["rss"], "cpu_over_reference_per_pair": (ours["cpu"] - ref["cpu"]) / pairs,
            "reference_wall": ref["wall"],
            "reference_cpu": ref["cpu"], "ratio": ours["wall"] / ref["wall"]}


def bench_scale(sizes: list[int], repeat: int, work: Path) -> tuple[list[dict], dict]:
    lab = scale_lab(max(sizes))
    started = time.perf_counter()
    lab.up()
    up = time.perf_counter() - started
    try:
        rows = []
        for size in sizes:
            inventory = first_pairs(lab.inventory_path, size, work)
            figures = median_runs({"drverify": drverify_argv(inventory, CORE),
                                   "reference": reference_argv(inventory)}, repeat, work)
            rows.append(row(f"{size} pair{'s' * (size > 1)}, core areas", figures, size))
        one = first_pairs(lab.inventory_path, 1, work)
        counts = {"drverify": sshd_counts(lab, drverify_argv(one, CORE), work),
                  "reference": sshd_counts(lab, reference_argv(one), work)}
    finally:
        started = time.perf_counter()
        lab.down()
        down = time.perf_counter() - started
    return rows, {"scale_lab_up_s": up, "scale_lab_down_s": down, "pairs": max(sizes), "per_host": counts}


def bench_all_areas(repeat: int, work: Path) -> dict[str, object]:
    lab = default_lab()
    lab.up()
    try:
        one = first_pairs(lab.inventory_path, 1, work, names=["lab-ssh"])
        figures = median_runs({"drverify": drverify_argv(one, None),
                               "reference": reference_argv(one, "library_reference.py")}, repeat, work)
    finally:
        lab.down()
    return row("1 pair, all 18 areas (reference: drverify as a library, no pytest)", figures, 1)


def show(rows: list[dict], lab: dict) -> None:
    print("| work | drverify wall | drverify CPU | peak RSS | CPU over the reference, per pair | reference wall | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['work']} | {r['drverify_wall']:.2f} s | {r['drverify_cpu']:.2f} s | {r['drverify_rss_mib']:.0f} MiB "
              f"| {r['cpu_over_reference_per_pair']:.3f} s | {r['reference_wall']:.2f} s | {r['ratio']:.1f}x |")
    print(f"\nscale lab of {lab['pairs']} pairs: up {lab['scale_lab_up_s']:.1f} s, down {lab['scale_lab_down_s']:.1f} s")
    for name, (connections, commands) in lab["per_host"].items():
        print(f"{name}: {connections:.1f} ssh connections and {commands:.1f} remote commands per host (1 pair)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default="1,10,50", help="sizes, comma-separated (at most 60)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-all-areas", action="store_true", help="skip the default lab's all-areas row")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        parser.error("run as root: the scale lab builds network namespaces")
    sizes = sorted({int(size) for size in args.pairs.split(",")})
    with tempfile.TemporaryDirectory(prefix="drverify-bench-") as tmp:
        rows, lab = bench_scale(sizes, args.repeat, Path(tmp))
        if not args.no_all_areas:
            rows.append(bench_all_areas(args.repeat, Path(tmp)))
    show(rows, lab)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "lab": lab}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

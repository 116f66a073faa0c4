"""Command line: `python -m drverify.lab up|down|status [--state-dir DIR] [--pairs N]`.

`--pairs N` builds the scale lab (N production/recovery pairs, core areas; see
:mod:`drverify.lab.scale`) instead of the default lab."""

from __future__ import annotations

import argparse
import enum
import sys
import time
from collections.abc import Sequence

from drverify.lab.default import default_lab
from drverify.lab.errors import LabError
from drverify.lab.lab import DEFAULT_STATE_DIR, Lab
from drverify.lab.scale import MAX_PAIRS, scale_lab


class ExitStatus(enum.IntEnum):
    """Exit codes; `status` follows the LSB convention of 3 for "not running"."""

    OK = 0
    ERROR = 1
    USAGE = 2
    DOWN = 3
    PARTIAL = 4


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The CLI's arguments."""
    parser = argparse.ArgumentParser(prog="python -m drverify.lab", description=__doc__)
    parser.add_argument("action", choices=("up", "down", "status"))
    parser.add_argument("--state-dir", default=str(DEFAULT_STATE_DIR),
                        help=f"keys, namespace files and inventory.yaml (default {DEFAULT_STATE_DIR})")
    parser.add_argument("--pairs", type=int, metavar="N",
                        help=f"the scale lab: N pairs (1-{MAX_PAIRS}) with the core seeded drift, no servers")
    args = parser.parse_args(argv)
    if args.pairs is not None and not 1 <= args.pairs <= MAX_PAIRS:
        parser.error(f"--pairs: expected a number of pairs from 1 to {MAX_PAIRS}, got {args.pairs}")
    return args


def show_status(lab: Lab) -> ExitStatus:
    """Print what exists; OK when every node is there with running processes."""
    state = lab.status()
    for line in state.lines():
        print(line)
    if state.empty:
        return ExitStatus.DOWN
    complete = all(node.spec.netns in state.namespaces for node in lab.nodes.values())
    return ExitStatus.OK if complete and state.pids else ExitStatus.PARTIAL


def main(argv: Sequence[str] | None = None) -> int:
    """Run one action; errors are one line on stderr and exit status 1."""
    args = parse_args(argv)
    lab = default_lab(args.state_dir) if args.pairs is None else scale_lab(args.pairs, args.state_dir)
    started = time.monotonic()
    try:
        if args.action == "status":
            return show_status(lab)
        {"up": lab.up, "down": lab.down}[args.action]()
    except LabError as exc:
        print(f"drverify.lab {args.action}: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    print(f"lab {args.action} in {time.monotonic() - started:.2f}s (state dir {lab.state_dir})")
    if args.action == "up":
        print(f"inventory: {lab.inventory_path}")
    return ExitStatus.OK


if __name__ == "__main__":
    sys.exit(main())

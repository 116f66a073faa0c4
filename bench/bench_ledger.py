"""How fast are the failback areas on big transfer logs? Parsing and matching, no host needed.

Run from the repository root: ``python bench/bench_ledger.py [--mib 16]``. Writes a synthetic
xferlog of the given size for production (the lines mod_sftp writes, recorded in
tests/data/mft) and one of a tenth of it for recovery, whose transfers production knows but
one in a thousand, then times, as the areas do it: parsing the bounded log
(:func:`drverify.facts.mft.transferlog.read_log`), the ledger's facts and its comparison, and
the pending files' facts. Prints a table and writes it as JSON with --json PATH. No timing is
asserted anywhere: speed is measured here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drverify.areas import AREAS  # noqa: E402
from drverify.facts import pending_files, transfer_ledger  # noqa: E402
from drverify.facts.batch import Output  # noqa: E402
from drverify.inventory import Pair  # noqa: E402

LINE = "Tue Dec 01 00:{m:02d}:{s:02d} 2026 0 198.51.100.200 {size} /srv/mft/p{p}/inbound/f{n}_x.csv b _ {d} r p{p} sftp 0 * c\n"
PAIR = Pair(name="bench", production="local://", recovery="local://",
            mft={"product": "proftpd", "transfer_log": "/var/log/proftpd/xferlog", "transfer_log_max_mib": 4096})


def log(lines: int, skip_every: int = 0) -> str:
    body = "".join(LINE.format(m=n // 60 % 60, s=n % 60, size=1000 + n, p=n % 50, n=n, d="io"[n % 2])
                   for n in range(lines) if not (skip_every and n % skip_every == 7))
    return f"size {len(body)} limit {len(body) + 1} format xferlog\n{body}"


def outputs(text: str) -> dict[str, Output]:
    return {"clock": Output(0, "1796081422 +0100", ""), "log": Output(0, text, "")}


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=float, default=16)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    lines = int(options.mib * 1024 * 1024 / len(LINE.format(m=0, s=0, size=10000, p=10, n=100000, d="i")))
    production_text, recovery_text = log(lines, skip_every=1000), log(lines // 10)
    rows = {}
    rows["ledger facts, production"], production = timed(transfer_ledger.parse, outputs(production_text))
    rows["ledger facts, recovery"], recovery = timed(transfer_ledger.parse, outputs(recovery_text))
    rows["ledger comparison"], outcome = timed(AREAS["transfer_ledger"].judge, PAIR, production, recovery, {})
    rows["pending files facts, production-sized log"], _ = timed(pending_files.parse, outputs(production_text))
    print(f"production log: {len(production_text) / 1048576:.1f} MiB, {len(production['transfers'])} transfers; "
          f"recovery: {len(recovery['transfers'])}; unknown to production: {len(outcome.drift)}")
    for name, seconds in rows.items():
        print(f"  {name:45} {seconds:7.3f} s")
    if options.json:
        options.json.write_text(json.dumps({"lines": lines, "seconds": rows}, indent=2))


if __name__ == "__main__":
    main()

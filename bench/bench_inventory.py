"""How long does a hostile or huge inventory take to load or be refused, and with how much memory?

Run: ``python bench/bench_inventory.py``. Each case is loaded in a fresh process (so its peak
resident memory is its own): 2,000 pairs, pairs up to the 4 MiB cap, flat tiny values up to it, a 600-byte alias bomb, 20,000 nested brackets, a FIFO and ``/dev/zero``.
Prints seconds, peak MiB and the first words of the outcome. Nothing is asserted: speed is
measured here, not in tests.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from drverify.errors import InventoryError
from drverify.inventory import load_inventory
from drverify.inventory.source import MAX_BYTES

PAIR = """\
  - name: mft-{index}
    production: ssh://root@198.51.100.10
    recovery: {{host: ssh://root@203.0.113.10, sudo: true}}
    translate: {{198.51.100.10: 203.0.113.10, mft-prod: mft-dr}}
    policies: {{disks: {{default: equal, mounts: {{/srv/mft: at_least}}}}}}
"""
BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
                  for previous, name in zip("abcde", "bcdef"))
        + "pairs: [*f]\n")


def write_cases(directory: Path) -> dict[str, Path]:
    def pairs(count: int) -> str:
        return "pairs:\n" + "".join(PAIR.format(index=index) for index in range(count))

    texts = {"2,000 pairs (450 KiB)": pairs(2000),
             "pairs up to 4 MiB": pairs(MAX_BYTES // len(PAIR) - 100),
             "flat values, 4 MiB": "pairs: [" + "a," * (MAX_BYTES // 2 - 10) + "a]\n",
             "alias bomb, 600 bytes": BOMB,
             "20,000 nested brackets": "pairs: " + "[" * 20000 + "]" * 20000 + "\n"}
    paths = {}
    for index, (name, text) in enumerate(texts.items()):
        paths[name] = directory / f"case{index}.yaml"
        paths[name].write_text(text)
    os.mkfifo(directory / "fifo.yaml")
    return {**paths, "FIFO": directory / "fifo.yaml", "/dev/zero": Path("/dev/zero")}


def measure(path: Path, results: multiprocessing.Queue) -> None:
    started = time.perf_counter()
    try:
        outcome = f"loaded {len(load_inventory(path).pairs)} pairs"
    except InventoryError as error:
        outcome = str(error).replace(str(path), "FILE")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put((time.perf_counter() - started, peak, outcome))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'case':30} {'seconds':>8} {'peak MiB':>9}  outcome")
        for name, path in write_cases(Path(scratch)).items():
            results: multiprocessing.Queue = multiprocessing.Queue()
            process = multiprocessing.Process(target=measure, args=(path, results))
            process.start()
            seconds, peak, outcome = results.get(timeout=600)
            process.join()
            print(f"{name:30} {seconds:8.2f} {peak:9.0f}  {outcome[:90]}")


if __name__ == "__main__":
    main()

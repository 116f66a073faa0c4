"""Timing one whole process, as the speed targets are stated: interpreter start to exit.

One helper for every bench that runs ``drverify`` (or a reference) as a process: ``os.wait4``
gives the process's own resource usage, its waited-for children (ssh clients, the scripts it
ran) included, so no other process's usage is counted.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timed:
    """One run: wall and CPU seconds (user + system, the process tree), peak RSS, exit status."""

    wall: float
    cpu: float
    rss_mib: float
    status: int
    stderr: str


def timed_process(argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Timed:
    """Run ``argv`` to its end in ``cwd`` (stdout discarded, stderr kept for a failure message)."""
    started = time.perf_counter()
    with subprocess.Popen(list(argv), cwd=cwd, env=None if env is None else dict(env),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        stderr = process.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return Timed(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                 process.returncode, stderr)

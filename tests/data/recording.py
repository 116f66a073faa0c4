"""How the per-command recordings under tests/data/<area>/CASE/ are made (disks, users).

A case runs the area's real commands through the real batch script (:mod:`drverify.facts.batch`)
inside a throwaway mount namespace (``unshare --mount --propagation private``), after a setup
snippet; nothing outside the namespace changes. Each command's output is stored as
``CASE/COMMAND.out``, with ``COMMAND.err`` and ``COMMAND.rc`` only when stderr is not empty or the
exit status is not 0 (the layout ``tests/unit/support.recorded_outputs`` reads).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from drverify.facts.batch import Output, build_script, new_boundary, split_output


def record_case(target: Path, commands: dict[str, str], setup: str, as_nobody: bool, scratch: Path) -> None:
    """Run ``commands`` after ``setup`` (as nobody if asked) and store their outputs in ``target``."""
    boundary = new_boundary()
    script = build_script(commands, boundary)
    run = "setpriv --reuid=nobody --regid=nogroup --clear-groups sh" if as_nobody else "sh"
    inner = f'set -e\n{setup}\nset +e\n{run} <<"@@SCRIPT@@"\n{script}@@SCRIPT@@\n'
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", inner],
        capture_output=True, text=True, check=True, env={"SCRATCH": str(scratch), "PATH": "/usr/bin:/bin"},
    )
    store(target, split_output(result.stdout, boundary))


def store(target: Path, outputs: dict[str, Output]) -> None:
    """Replace ``target`` with one ``COMMAND.out`` per output (``.err``/``.rc`` when not empty/0)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name, output in outputs.items():
        (target / f"{name}.out").write_text(output.stdout)
        if output.stderr:
            (target / f"{name}.err").write_text(output.stderr)
        if output.rc:
            (target / f"{name}.rc").write_text(f"{output.rc}\n")

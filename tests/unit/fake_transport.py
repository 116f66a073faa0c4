"""An in-memory transport: answers drverify's batched script from recorded outputs, offline.

The answer is the framed stdout the real script (:func:`drverify.facts.batch.build_script`)
prints on a host, so the collector's real framing, splitting and parsing all run.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

from drverify.errors import FactsUnavailable
from drverify.facts.batch import NOT_FOUND, Output, split_output

_BOUNDARY = re.compile(r"@@drverify-[0-9a-f]+@@")
_FRAMES = re.compile(r"^cat (.*)$", re.MULTILINE)


def framed(script: str, outputs: Mapping[str, Output]) -> str:
    """What ``script`` prints on a host whose commands answer ``outputs`` (by batch name).

    A name without a recording answers as a missing command does (exit status 127).
    """
    boundary = _BOUNDARY.search(script).group(0)
    frames = shlex.split(_FRAMES.search(script).group(1))  # "$d"/NAME.head "$d"/NAME.out ...
    names = [frame.removeprefix("$d/").removesuffix(".head") for frame in frames if frame.endswith(".head")]
    missing = Output(NOT_FOUND, "", "sh: 1: not found\n")
    frames = []
    for name in names:
        output = outputs.get(name, missing)
        frames.append(f"\n{boundary} begin {name} {output.rc}\n{output.stdout}"
                      f"\n{boundary} stderr\n{output.stderr}")
    return "".join(frames) + f"\n{boundary} end\n"


class FakeTransport:
    """A host that answers from recordings; ``unreachable`` makes every round trip fail so.

    Callable like :func:`drverify.facts.transport.connect`, so ``collect_host(..., connect=fake)``.
    """

    address = "192.0.2.10"

    def __init__(self, outputs: Mapping[str, Output], unreachable: str | None = None) -> None:
        self.outputs = dict(outputs)
        self.unreachable = unreachable
        self.round_trips = 0
        self.scripts: list[str] = []
        self.opened: list[tuple[str, bool]] = []
        self.closed = False
        self.one_round_trip = False

    def __call__(self, spec: str, options: object, sudo: bool, workdir: Path) -> FakeTransport:
        self.opened.append((spec, sudo))
        return self

    def run(self, script: str, timeout: float = 120) -> Output:
        self.round_trips += 1
        if self.unreachable is not None:
            raise FactsUnavailable(self.unreachable)
        self.scripts.append(script)
        return Output(0, framed(script, self.outputs), "")

    def run_with_stdin(self, script: str, stdin: bytes, timeout: float = 60.0) -> Output:
        self.round_trips += 1
        raise FactsUnavailable(self.unreachable or "the fake transport has no recordings for stdin scripts")

    def forward(self, host: str, port: int, timeout: float = 5.0):
        return contextlib.nullcontext((host, port))

    def expect_one_round_trip(self) -> None:
        self.one_round_trip = True

    def close(self) -> None:
        self.closed = True


def for_areas(recordings: Mapping[str, Mapping[str, Output]]) -> dict[str, Output]:
    """Per-area recordings ({area: {command: output}}) under the collector's batch names."""
    return {f"{area}.{command}": output
            for area, outputs in recordings.items() for command, output in outputs.items()}


def script_recording(path: Path) -> dict[str, Output]:
    """A recorded whole script stdout (tests/data/network/*.txt...), cut by the real frame parser."""
    text = path.read_text()
    return split_output(text, text.split(" begin ", 1)[0].strip())

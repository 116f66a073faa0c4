"""``local://``: this very machine, through ``sh -c`` (what the plugin's own tests collect from)."""

from __future__ import annotations

import contextlib
import subprocess
from typing import ContextManager

from drverify.facts.batch import Output
from drverify.facts.transport.base import BaseTransport, decoded


class LocalTransport(BaseTransport):
    """Commands run here; "forwarding" is connecting directly, since the probes leave from here."""

    def _execute(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        done = subprocess.run(["sh", "-c", command], capture_output=True, timeout=timeout, check=False, **feed)
        return decoded(done.returncode, done.stdout, done.stderr)

    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        return contextlib.nullcontext((host, port))

    @property
    def address(self) -> str:
        return "127.0.0.1"

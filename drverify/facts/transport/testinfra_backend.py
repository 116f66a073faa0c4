"""Every other pytest-testinfra backend (ansible, docker, podman, kubectl, ...), through its public API.

Only :func:`testinfra.get_host` and ``host.run``: these backends run batched scripts, but cannot
pass a secret on stdin, carry network probes or name an address this machine reaches; the areas
that need those say which schemes can.
"""

from __future__ import annotations

from typing import ContextManager

import testinfra

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.transport.base import BaseTransport

#: the schemes whose transports can do everything (see drverify.facts.transport.TRANSPORTS)
CAPABLE = "ssh://, paramiko:// or local://"


class TestinfraTransport(BaseTransport):
    """Commands through testinfra's backend for the scheme; nothing else."""

    def _execute(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        result = testinfra.get_host(self.destination.spec).run(command)
        return Output(result.rc, result.stdout, result.stderr)

    def run_with_stdin(self, script: str, stdin: bytes, timeout: float = 60.0) -> Output:
        raise FactsUnavailable(f"{self.scheme}:// cannot pass a secret on stdin; use {CAPABLE}")

    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        raise FactsUnavailable(f"{self.scheme}:// cannot carry network probes; use {CAPABLE}")

    @property
    def address(self) -> str:
        raise FactsUnavailable(f"{self.scheme}:// gives no address this machine can probe; use {CAPABLE}")

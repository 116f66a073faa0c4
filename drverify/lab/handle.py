"""What a provisioner may use of the lab: the narrow interface servers and keys are added through.

Provisioners (:mod:`drverify.lab.services`, :mod:`drverify.lab.keys` and the servers they start)
type against this protocol rather than the :class:`~drverify.lab.lab.Lab` class, so the lab's
modules import in one direction only: the composition root (:mod:`drverify.lab.default`) knows
them all, and none of them knows it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from drverify.lab.files import FileSpec
from drverify.lab.hosts import HostSpec
from drverify.lab.netns import Result
from drverify.lab.nodes import Node


class LabHandle(Protocol):
    """The lab as its provisioners see it."""

    state_dir: Path
    host_specs: Mapping[str, HostSpec]
    nodes: Mapping[str, Node]
    hosts: Mapping[str, Node]
    #: inventory keys provisioners add to every lab pair (deep-merged: network, keys, translate)
    pair_extra: dict[str, Any]

    def exec(self, host: str | Node, argv: Sequence[str], *, stdin: bytes | str | None = None,
             check: bool = True, timeout: float = 60.0) -> Result: ...

    def put_files(self, host: str | Node, files: Sequence[FileSpec]) -> None: ...

    def spawn(self, host: str | Node, argv: Sequence[str], log_name: str) -> subprocess.Popen[bytes]: ...

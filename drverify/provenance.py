"""Where a run's result comes from: what an auditor asks of every report (who ran which version
of drverify on which inventory, selecting what, when).

Only what can be established without trusting anything new: the package version, the inventory
file's SHA-256 (the file as it was read, so a report can be matched with the inventory kept in
change management), the operator and the runner host as the operating system names them.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import platform
import socket
import stat
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from drverify import __version__

#: the libraries whose version can change a result (parsing, comparison, transport, reports)
DEPENDENCIES = ("pytest", "pytest-testinfra", "paramiko", "pydantic", "PyYAML", "Jinja2", "pytest-html",
                "dnspython", "ldap3", "pyOpenSSL", "python-gnupg", "requests")


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read (the run reports that elsewhere) or is
    not a regular file: opening a FIFO given as the inventory would otherwise block the run."""
    digest = hashlib.sha256()
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        return None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            for block in iter(lambda: stream.read(1 << 16), b""):
                digest.update(block)
        except OSError:
            return None
    return digest.hexdigest()


def operator() -> str:
    """``user@host`` of the person or CI runner that ran the checks."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def collect(inventory: Path | None, selection: dict[str, Any], started_at: datetime) -> dict[str, Any]:
    """The provenance of one run (``finished_at`` is added when it ends)."""
    return {
        "drverify": __version__,
        "python": platform.python_version(),
        "dependencies": {name: version for name in DEPENDENCIES if (version := _version(name))},
        "inventory": str(inventory) if inventory else None,
        "inventory_sha256": sha256_of(inventory) if inventory else None,
        "selection": {key: value for key, value in selection.items() if value not in (None, "", [], False)},
        "operator": operator(),
        "started_at": started_at.isoformat(),
    }


__all__ = ["collect", "operator", "sha256_of"]

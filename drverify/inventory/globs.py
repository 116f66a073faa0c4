"""Inventory globs of paths on the hosts (data trees, inbound directories), matched as the
shell would list them, so facts and drift agree on what a glob covers."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase


def covers(globs: Iterable[str], path: str) -> bool:
    """Whether ``path`` is one of ``globs`` or lies below one (``*`` also spans ``/`` here, a
    looser match than the shell's, so a file deep in a globbed tree still counts as inside it)."""
    return any(fnmatchcase(path, glob) or fnmatchcase(path, glob.rstrip("/") + "/*") for glob in globs)

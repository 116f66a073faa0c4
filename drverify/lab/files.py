"""Files to place inside a host, packed as one tar stream.

A host's /etc, /root and /run are only visible from inside its mount namespace, so files are
shipped in as a tar archive extracted by one `tar -x` there: one process for any number of
files, with exact modes and numeric owners, and no temporary copies on the root filesystem.
"""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class FileSpec:
    """One regular file (or, with `directory=True`, a directory) to create inside a host."""

    path: str
    data: bytes = b""
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    directory: bool = False

    @classmethod
    def text(cls, path: str, text: str, mode: int = 0o644, uid: int = 0, gid: int = 0) -> FileSpec:
        """A regular file from text (UTF-8)."""
        return cls(path, text.encode(), mode, uid, gid)

    @classmethod
    def dir(cls, path: str, mode: int = 0o755, uid: int = 0, gid: int = 0) -> FileSpec:
        """A directory; list it before the files it holds."""
        return cls(path, b"", mode, uid, gid, directory=True)


def tar_bytes(files: Iterable[FileSpec]) -> bytes:
    """An uncompressed tar with member names relative to / (extract with `tar -C /`)."""
    buffer = io.BytesIO()
    now = time.time()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for spec in files:
            archive.addfile(_member(spec, now), None if spec.directory else io.BytesIO(spec.data))
    return buffer.getvalue()


def _member(spec: FileSpec, mtime: float) -> tarfile.TarInfo:
    """The tar header for one FileSpec; absolute paths are made relative so tar keeps them."""
    path = PurePosixPath(spec.path)
    if not path.is_absolute():
        raise ValueError(f"host file path must be absolute: {spec.path}")
    info = tarfile.TarInfo(str(path.relative_to("/")))
    info.type = tarfile.DIRTYPE if spec.directory else tarfile.REGTYPE
    info.size = 0 if spec.directory else len(spec.data)
    info.mode, info.uid, info.gid, info.mtime = spec.mode, spec.uid, spec.gid, mtime
    return info


# Runs inside the host: numeric owners (the host's own /etc/passwd may lack the names) and
# exact modes; existing files are replaced (overlayfs copies the lower /etc file up as needed).
UNTAR_ARGV = ("tar", "-x", "-C", "/", "--numeric-owner", "--same-permissions", "-f", "-")

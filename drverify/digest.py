"""SHA-256 of the files a run used or wrote (inventory, waivers, baseline, the evidence pack):
what the evidence pins.

A path given by the user may name a FIFO or a device (the inventory loader refuses those with a
reason): it is opened without blocking and hashed only when it is a regular file, so hashing can
neither hang on a FIFO nor read ``/dev/zero`` forever.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path


def file_sha256(path: Path) -> str:
    """The regular file's SHA-256, read in blocks (a report may be large); OSError otherwise."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        digest = hashlib.sha256()
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256(path: Path | None) -> str | None:
    """The file's SHA-256, or None when it cannot be read or is not a regular file (the report
    then says so)."""
    if path is None:
        return None
    try:
        return file_sha256(path)
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return None

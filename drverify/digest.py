"""SHA-256 of the files a run used (inventory, waivers, baseline): what the evidence pins."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(path: Path | None) -> str | None:
    """The file's SHA-256, or None when it cannot be read (the report then says so)."""
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

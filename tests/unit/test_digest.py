"""The SHA-256 the evidence pins: of regular files only, never blocking on what a path names."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from drverify.digest import sha256


def test_a_regular_file_is_hashed(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_bytes(b"pairs: []\n" * 10_000)
    assert sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_fifo_a_device_a_directory_or_nothing_has_no_hash(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opened without blocking, refused: no writer ever comes
    assert [sha256(path) for path in (fifo, Path("/dev/zero"), tmp_path, tmp_path / "missing", None)] == [None] * 5

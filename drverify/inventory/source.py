"""An inventory file's text: a regular UTF-8 file of sane size, or one line saying what it is instead.

``open()`` on a FIFO blocks until a writer comes, and ``read()`` on ``/dev/zero`` never ends: the
file is opened without blocking, checked with ``fstat`` to be a regular file, and read up to
:data:`MAX_BYTES`. Bytes that are not UTF-8 (a Latin-1 export, a UTF-16 file from a Windows
editor, a binary given by mistake) are refused with the position and what to do, not a traceback.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from drverify.errors import InventoryError
from drverify.inventory.shown import KEY_LIMIT, cut, escaped

#: an inventory of hundreds of pairs is a few hundred kilobytes
MAX_BYTES = 4 * 1024 * 1024

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))

#: byte-order marks of the encodings YAML allows besides UTF-8 (UTF-32 first: it starts like UTF-16)
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def read_text(path: Path, what: str = "the inventory", kind: str = "an inventory") -> str:
    """The inventory's text; :class:`InventoryError` naming the file if it cannot be one.
    ``what`` and ``kind`` say which file it is for another input read the same way (waivers)."""
    return _decode(path, _read_bytes(path, what, kind))


def expand_user(path: Path) -> Path:
    """``~/x`` and ``~user/x`` as the shell would have expanded them; one line for an unknown user."""
    try:
        return path.expanduser()
    except RuntimeError:
        raise InventoryError(f"{escaped(str(path))}: cannot read the inventory: "
                             f"{cut(path.parts[0], KEY_LIMIT)} names no user of this machine") from None


def _read_bytes(path: Path, what: str, kind: str) -> bytes:
    where = escaped(str(path))
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise InventoryError(f"{where}: cannot read {what}: {error.strerror}") from None
    except ValueError:  # a NUL byte in the path
        raise InventoryError(f"{where}: cannot read {what}: a path cannot hold a NUL byte") from None
    try:
        mode = os.fstat(descriptor).st_mode
        for test, found in _KINDS:
            if test(mode):
                raise InventoryError(f"{where}: expected {kind} file (got {found})")
        data = _read_up_to(descriptor, MAX_BYTES + 1)
    except OSError as error:
        raise InventoryError(f"{where}: cannot read {what}: {error.strerror}") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_BYTES:
        raise InventoryError(f"{where}: expected {kind} of at most {MAX_BYTES // 1024 // 1024} MiB "
                             "(got a larger file)")
    return data


def _read_up_to(descriptor: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(descriptor, min(limit - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _decode(path: Path, data: bytes) -> str:
    where = escaped(str(path))
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise InventoryError(f"{where}: expected UTF-8 text (got {encoding} with a byte-order mark): "
                                 "save the file as UTF-8")
    if b"\0" in data:
        raise InventoryError(f"{where}: expected UTF-8 text (got {_nul_kind(data)}): save the file as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InventoryError(f"{where}:{line}:{column}: expected UTF-8 text (got byte "
                             f"0x{data[error.start]:02x}, as in Latin-1 or binary data): "
                             "save the file as UTF-8") from None


def _nul_kind(data: bytes) -> str:
    """UTF-16 without a byte-order mark: a NUL in every other byte of ASCII text, and only there."""
    even, odd = (half.count(0) / max(len(half), 1) for half in (data[0::2], data[1::2]))
    return "UTF-16 text" if max(even, odd) > 0.5 and min(even, odd) < 0.05 else "binary data"

"""How inventory values appear in an error message: short, on one line, and secrets never.

The inventory author is trusted, but an error message goes to a terminal, to drift.json and to CI
logs: a value is cut to :data:`LIMIT` characters, control characters are escaped (no terminal
escape sequence, no second line), and a value that could be a secret is described, never echoed —
one under a key named like a secret, anything that looks like key material, and any mapping or
list (a mapping given where a DN was expected may well hold a password).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: the most characters of one value a message shows
LIMIT = 120
#: the most characters of one key or pair name in a key path
KEY_LIMIT = 60

#: key names that may hold a secret, matched anywhere in the key (``pkcs12_password``, ``api_token``)
_SECRET_PARTS = ("password", "passwd", "passphrase", "secret", "token", "credential", "private", "apikey")
#: ``key`` and ``pass`` as a key's whole name or its last word (``ssh_key``; not ``keys``, ``key_path``
#: or ``strict_host_key_checking``)
_SECRET_WORD = re.compile(r"(^|[^a-z0-9])(key|pass)$")
_KEY_MATERIAL = ("PRIVATE KEY", "-----BEGIN", "PuTTY-User-Key-File")

HIDDEN = "(value hidden)"


def escaped(text: str) -> str:
    """``text`` on one line with every control or invisible character escaped (``\\x1b``, ``\\n``)."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def cut(text: str, limit: int = LIMIT) -> str:
    """``text`` escaped and cut to at most ``limit`` characters, an ellipsis marking the cut."""
    head = escaped(text[: limit + 1])
    return head if len(head) <= limit else head[: limit - 1] + "…"


def secret_key(key: object) -> bool:
    """Whether a value under this key could be a secret (a password, a token, key material)."""
    name = str(key).lower()
    return any(part in name for part in _SECRET_PARTS) or _SECRET_WORD.search(name) is not None


def key_material(value: object) -> bool:
    """Whether a string looks like a private key pasted where a path or name was expected."""
    return isinstance(value, str) and any(marker in value for marker in _KEY_MATERIAL)


def shown(value: object, secret: bool = False) -> str:
    """``(got ...)`` for a message: a scalar cut and escaped; a secret, key material, a mapping or
    a list only described."""
    if secret or key_material(value):
        return HIDDEN
    if isinstance(value, Mapping):
        return "(got a mapping)"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "(got a list)"
    if isinstance(value, (str, bytes)):
        return f"(got {cut(repr(value[: LIMIT + 1]))})"
    return f"(got {cut(repr(value))})"


def quoted(text: str, limit: int = LIMIT) -> str:
    """A value quoted inside a sentence: ``'mft-prod'``, cut and escaped."""
    return cut(repr(text[: limit + 1]), limit)

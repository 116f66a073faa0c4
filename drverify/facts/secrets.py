"""Credentials for network probes, read on the machine running pytest just before use.

The inventory only says *where* a secret is (:class:`~drverify.inventory.base.SecretRef`: an
environment variable or a file); this is the one place that reads the value. Callers use it for
one connection and never put it in facts, messages or logs; :func:`scrub` removes it from any
error text a library produced, in case a library echoes what it was given.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from drverify.errors import FactError
from drverify.inventory.base import SecretRef


def reveal(ref: SecretRef, what: str) -> str:
    """The secret's text (a file's trailing newline dropped); FactError naming where it was looked for."""
    if ref.env is not None:
        value = os.environ.get(ref.env)
        if not value:
            raise FactError(f"{what}: environment variable {ref.env} is not set")
        return value
    try:
        value = ref.file.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise FactError(f"{what}: cannot read {ref.file}: {error.strerror or error}") from None
    if not value:
        raise FactError(f"{what}: {ref.file} is empty")
    return value


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with every secret (its password part too, and URL-quoted forms) replaced by ``***``."""
    for secret in secrets:
        for part in _parts(secret):
            text = text.replace(part, "***")
    return text


def _parts(secret: str | None) -> list[str]:
    if not secret:
        return []
    parts = [secret, *secret.split(":", 1)[1:]]
    parts += [quote(part, safe="") for part in parts]
    return sorted({part for part in parts if len(part) >= 4}, key=len, reverse=True)

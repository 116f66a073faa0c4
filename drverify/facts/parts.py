"""An area's facts read part by part, so one unreadable command costs only its own part.

An area that runs several commands (network's addresses, routes and listeners; users' passwd and
group) keeps what it could read and records, for each part it could not, the reason in
``facts["errors"]`` (``{"routes": "ip-route4: command not found"}``); the drift module reports
that part unverified and compares the rest. Only when no part at all could be read is the whole
area unusable (:class:`~drverify.errors.FactError`), with the first part's reason: the same
cause (not root, say) usually stops every command, and one line says it.

A part is never half-read: its reader either returns it whole or raises :class:`FactError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drverify.errors import FactError

T = TypeVar("T")

#: the key of the facts that holds ``{part: reason}`` for the parts that could not be read
ERRORS = "errors"


class Parts:
    """Collects the parts of an area's facts and the reasons of those that could not be read."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.read_any = False

    def read(self, part: str, reader: Callable[..., T], *args: Any) -> T | None:
        """``reader(*args)``, or None after recording why ``part`` could not be read."""
        try:
            value = reader(*args)
        except FactError as error:
            self.errors[part] = str(error)
            return None
        self.read_any = True
        return value

    def facts(self, facts: dict[str, Any]) -> dict[str, Any]:
        """``facts`` with the errors beside them; :class:`FactError` when nothing could be read."""
        if not self.read_any:
            raise FactError(next(iter(self.errors.values()), "no part of the facts could be read"))
        return {**facts, ERRORS: dict(self.errors)} if self.errors else facts

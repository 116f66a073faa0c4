"""Functions the area registry names by their module, imported the first time they are called.

Each area's facts module brings its library (dnspython, ldap3, requests, python-gnupg,
cryptography and pyOpenSSL...) and its drift module its comparison code. Importing every area
up front made every run pay for all of them, even ``-k firewall`` from snapshots, and so did
every pytest run on a machine where drverify is installed (the plugin loads in each). The
registry (:mod:`drverify.areas`) therefore names each area's functions as :class:`Deferred`
records, and :func:`resolve` — the one place a name is looked up by a string — imports the
module when the area first runs.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Deferred:
    """A module-level function named by its module and name; calling it imports the module once.

    It stands wherever the registry expects the function itself (a comparator, a probe, a
    parser), so the collector and the judge call it without knowing it was deferred.
    """

    module: str
    name: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return resolve(self.module, self.name)(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.module}.{self.name}"


@functools.cache
def resolve(module: str, name: str) -> Any:
    """The named function of the named module, imported on first use (then remembered)."""
    return getattr(importlib.import_module(module), name)


__all__ = ["Deferred", "resolve"]

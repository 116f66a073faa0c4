"""``--shard K/N``: one of N runs that split an inventory's pairs between CI runners.

The pairs are dealt round-robin over the inventory's pair names sorted: shard K takes the names
at positions K-1, K-1+N, K-1+2N... So the shards of one inventory are disjoint, cover every pair,
differ in size by one pair at most, and the same inventory always gives the same split, whatever
order the inventory lists its pairs in and on whatever machine it runs (no hash seed involved).
A pair's checks all run in one shard: each host is read by one runner only. ``drverify merge``
puts the shards' reports back together (:mod:`drverify.merge`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from drverify.errors import InventoryError

if TYPE_CHECKING:
    from drverify.inventory import Pair

_FORM = re.compile(r"([0-9]{1,6})/([0-9]{1,6})")

@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def names(self, names: Iterable[str]) -> set[str]:
        """This shard's share of ``names`` (see the module docstring)."""
        return set(sorted(set(names))[self.index - 1::self.count])

    def select(self, pairs: Sequence[Pair]) -> list[Pair]:
        """The pairs of this shard, in the inventory's order."""
        mine = self.names(pair.name for pair in pairs)
        return [pair for pair in pairs if pair.name in mine]


def parse(text: str) -> Shard:
    """``K/N`` with 1 <= K <= N, else :class:`ValueError` saying what was expected."""
    found = _FORM.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"expected K/N (this runner's shard K of N, e.g. 1/4), got {text[:20]!r}")
    index, count = int(found[1]), int(found[2])
    if not 1 <= index <= count:
        raise ValueError(f"expected K/N with 1 <= K <= N, got {text[:20]!r}")
    return Shard(index, count)


def _option(text: str) -> Shard:
    try:
        return parse(text)
    except ValueError as error:
        raise pytest.UsageError(f"--shard: {error}") from None


def addoption(group: Any) -> None:
    group.addoption("--shard", metavar="K/N", type=_option,
                    help="check only shard K of N: the inventory's pairs sorted by name and dealt "
                    "round-robin (pairs 1, N+1, 2N+1... go to shard 1); combine the shards' reports with "
                    "'drverify merge'")


def of(config: pytest.Config) -> Shard | None:
    """The run's ``--shard``, or None (every pair)."""
    return config.getoption("shard", None)


def pairs_of(config: pytest.Config, pairs: Sequence[Pair]) -> list[Pair]:
    """The pairs this run checks: its shard's, or all of them. A shard that would get no pair
    (more shards than pairs) is refused like a broken inventory: its runner would check nothing."""
    shard = of(config)
    if shard is None:
        return list(pairs)
    if shard.count > len(pairs):
        raise InventoryError(f"--shard {shard}: the inventory has {len(pairs)} pair(s), so at most "
                                f"{len(pairs)} shards can each check one")
    return shard.select(pairs)


__all__ = ["Shard", "addoption", "of", "pairs_of", "parse"]

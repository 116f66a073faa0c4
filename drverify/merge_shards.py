"""What ``drverify merge`` checks of CI shards (``--shard K/N`` runs), and their snapshots.

Shards are merged only as a complete set: every run a shard of the same N, each K exactly once.
One shard given twice (a re-run next to the first attempt) or one left out (a runner that failed
before writing its report) would make the merged report claim it checked what it did not, or
choose between two answers: both are refused, naming the files and the shards. Runs that are not
shards (split by ``-k``, say) are merged as before; a mix of both is refused.

Each shard directory's ``snapshots/`` (``--snapshot-out``) is gathered into the merged directory's;
two shards giving one host's snapshot with different contents are refused, never overwritten.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from drverify.errors import DrverifyError
from drverify.shard import Shard, parse


class Run(Protocol):
    """A run to merge (:class:`drverify.merge.Run`): where its drift.json is, what it selected."""

    @property
    def source(self) -> Path: ...

    @property
    def selection(self) -> dict[str, Any]: ...


class MergeError(DrverifyError):
    """The runs cannot be merged; the message names the files and why."""


def _shard_of(run: Run) -> Shard | None:
    text = run.selection.get("shard")
    if not text:
        return None
    try:
        return parse(str(text))
    except ValueError as error:
        raise MergeError(f"{run.source}: its shard: {error}") from None


def check_shards(runs: Sequence[Run]) -> int | None:
    """N when the runs are the N shards of one split, None when none is a shard; else
    :class:`MergeError` naming the files and the shards at fault."""
    shards = [(run, _shard_of(run)) for run in runs]
    given = [(run, shard) for run, shard in shards if shard is not None]
    if not given:
        return None
    seen = _each_once(shards, *given[0])
    count = given[0][1].count
    missing = [str(Shard(index, count)) for index in range(1, count + 1) if Shard(index, count) not in seen]
    if missing:
        raise MergeError(f"shard {', '.join(missing)} missing: give all {count} shards' reports "
                         "(a merge of some would leave their pairs out)")
    return count


def _each_once(shards: Sequence[tuple[Run, Shard | None]], first_run: Run, first: Shard) -> dict[Shard, Run]:
    """Every run a shard of ``first``'s split, none given twice: which run is which shard."""
    seen: dict[Shard, Run] = {}
    for run, shard in shards:
        if shard is None:
            raise MergeError(f"{run.source} is not a shard, {first_run.source} is shard {first}: "
                             "refusing to merge a whole run with shards")
        if shard.count != first.count:
            raise MergeError(f"{run.source} is shard {shard} and {first_run.source} shard {first}: "
                             "shards of different splits, refusing to merge them")
        if shard in seen:
            raise MergeError(f"{run.source} and {seen[shard].source} are both shard {shard}: "
                             "refusing to choose between them")
        seen[shard] = run
    return seen


def snapshot_files(paths: Sequence[Path]) -> dict[str, Path]:
    """Every ``snapshots/*.json`` of the given run directories, by file name; the same name with
    other contents in two of them is refused."""
    found: dict[str, Path] = {}
    for directory in paths:
        folder = directory / "snapshots"
        if not directory.is_dir() or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            if not path.is_file():  # a FIFO or a dangling link is no snapshot (and must not hang)
                continue
            earlier = found.setdefault(path.name, path)
            if earlier != path and earlier.read_bytes() != path.read_bytes():
                raise MergeError(f"{path} and {earlier} are different snapshots of one host: "
                                    "refusing to choose between them")
    return found


def copy_snapshots(files: dict[str, Path], out: Path) -> Path | None:
    """The snapshots copied into ``out/snapshots``; that directory, or None when there were none."""
    if not files:
        return None
    target = out / "snapshots"
    target.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        shutil.copyfile(path, target / name)
    return target


__all__ = ["MergeError", "check_shards", "copy_snapshots", "snapshot_files"]

"""``drverify merge``: the drift.json of several runs (CI shards, or runs split by pair) combined
into one drift.json, one HTML report and one JUnit file, as if one run had checked everything.

Refused, with one line naming the files: a file that is not a drverify report, runs of different
inventories (by the SHA-256 each run recorded), thresholds or ``--fail-on-new``, two runs
reporting the same pair and area (a merge must not choose between them), and shards that are not
one complete set (:mod:`drverify.merge_shards`, which also gathers their snapshots). The merged verdict is recomputed from the
records; a run whose own verdict was ``error`` makes it ``error``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drverify.drift.records import Severity
from drverify.merge_shards import MergeError, check_shards, copy_snapshots, snapshot_files
from drverify.report import json_report, junit
from drverify.report.page import render_page
from drverify.report.results import AreaResult
from drverify.report.verdict import RunSummary, Verdict, judge


@dataclass(frozen=True)
class Run:
    source: Path
    document: dict[str, Any]

    @property
    def meta(self) -> dict[str, Any]:
        return self.document.get("meta") or {}

    @property
    def inventory(self) -> str:
        inventory = (self.meta.get("provenance") or {}).get("inventory") or {}
        return inventory.get("sha256") or f"path {self.meta.get('inventory')}"

    @property
    def selection(self) -> dict[str, Any]:
        return (self.meta.get("provenance") or {}).get("selection") or {}


def _report_in(path: Path) -> Path:
    """``path`` itself, or the drift.json in it (or in its reports/, where ``drverify check`` writes it)."""
    if not path.is_dir():
        return path
    return next((c for c in (path / "drift.json", path / "reports" / "drift.json") if c.is_file()), path / "drift.json")


def read_run(path: Path) -> Run:
    """A run's drift.json (``path`` may be the file or a directory holding it)."""
    source = _report_in(path)
    try:
        document = json_report.load(source)
    except ValueError as error:
        raise MergeError(f"{source}: {error}") from None
    return Run(source, document)


def results_of(document: dict[str, Any]) -> list[AreaResult]:
    """The results of a drift.json, each with its drift records back in place."""
    records: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in document.get("drift", []):
        records.setdefault((record["pair"], record["area"]), []).append(record)
    return [AreaResult.from_json({**entry, "drift": records.get((entry["pair"], entry["area"]), [])})
            for entry in document.get("results", [])]


def _same(runs: Sequence[Run], what: str, value) -> None:
    first = runs[0]
    for run in runs[1:]:
        if value(run) != value(first):
            raise MergeError(f"{run.source} and {first.source} are runs of different {what} "
                             f"({value(run)} and {value(first)}): refusing to merge them")


def _union(runs: Sequence[Run]) -> list[AreaResult]:
    seen: dict[tuple[str, str], Path] = {}
    results = []
    for run in runs:
        for result in results_of(run.document):
            key = (result.pair, result.area)
            if key in seen:
                raise MergeError(f"{run.source} and {seen[key]} both report {result.pair} · {result.area}: "
                                 "refusing to choose between them")
            seen[key] = run.source
            results.append(result)
    return results


def _when(text: str | None) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.now(UTC)


def _merged_provenance(provenance: dict[str, Any] | None, shards: int) -> dict[str, Any] | None:
    """The first shard's provenance, saying that all ``shards`` were merged (each shard's own is
    in ``meta["shards"]``)."""
    if not provenance:
        return provenance
    selection = {**(provenance.get("selection") or {}), "shard": f"all {shards} shards, merged"}
    return {**provenance, "selection": selection}


def _merged_meta(runs: Sequence[Run], shards: int | None) -> dict[str, Any]:
    """The first run's metadata, with every run's pairs and areas, and each run's provenance."""
    meta = dict(runs[0].meta)
    meta["pairs"] = list(dict.fromkeys(pair for run in runs for pair in run.meta.get("pairs", [])))
    if shards:  # dealt round-robin over the sorted names: sorted, they read as one run's
        meta["pairs"].sort()
        meta["provenance"] = _merged_provenance(meta.get("provenance"), shards)
    meta["areas"] = list(dict.fromkeys(area for run in runs for area in run.meta.get("areas", [])))
    meta["shards"] = [{"source": str(run.source), "verdict": run.document.get("verdict"),
                       "generated_at": run.document.get("generated_at"),
                       "provenance": run.meta.get("provenance")} for run in runs]
    return meta


def merge(paths: Sequence[Path]) -> RunSummary:
    """The merged run (nothing written yet)."""
    if not paths:
        raise MergeError("drverify merge: give the drift.json files (or their directories) to merge")
    runs = [read_run(path) for path in paths]
    _same(runs, "inventories", lambda run: run.inventory)
    _same(runs, "thresholds (--fail-on)", lambda run: run.meta.get("fail_on"))
    _same(runs, "--fail-on-new settings", lambda run: bool(run.selection.get("fail_on_new")))
    shards = check_shards(runs)
    results = _union(runs)
    fail_on = Severity.parse(runs[0].meta.get("fail_on") or "minor")
    failures = [f"{run.source}: that run's verdict was error: {run.meta.get('error') or 'see its report'}"
                for run in runs if run.document.get("verdict") == Verdict.ERROR.value]
    meta = _merged_meta(runs, shards)
    started = min(_when(run.meta.get("started_at")) for run in runs)
    finished = max(_when(run.document.get("generated_at")) for run in runs)
    gate = all(run.selection.get("gate") for run in runs)
    fail_on_new = bool(runs[0].selection.get("fail_on_new"))
    return RunSummary(judge(results, fail_on, failures, fail_on_new),
                      any(run.document.get("checked", True) for run in runs), results, fail_on, started, finished,
                      failures=failures, gate=gate, meta=meta, fail_on_new=fail_on_new)


def write(summary: RunSummary, out: Path, runs: Sequence[Path] = ()) -> RunSummary:
    """drift.json, drift-report.html and junit.xml of the merged run into ``out``, and the
    snapshots of the ``runs`` directories (their ``snapshots/``) into ``out/snapshots``."""
    snapshots = snapshot_files(runs)  # refused before anything is written
    out.mkdir(parents=True, exist_ok=True)
    summary.written["json"] = json_report.write(out / "drift.json", summary.results, summary.meta,
                                                summary.verdict.value, summary.checked)
    summary.written["html"] = json_report.write_text(out / "drift-report.html", render_page(summary))
    summary.written["junit"] = junit.build(out / "junit.xml", summary)
    copied = copy_snapshots(snapshots, out)
    if copied is not None:
        summary.written["snapshots"] = copied
    return summary


__all__ = ["MergeError", "merge", "read_run", "results_of", "write"]

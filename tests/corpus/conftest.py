"""The snapshot corpus runs the real checks once over every hostile case (one pair each).

One inventory holds every case as a pair of the embedded example, its hostile side pointing at
the case's file; one real pytest run of the repository's checks/ (a subprocess: the run may not
hang, and its exit status, terminal output and reports are what a user gets) judges them all,
and each case's test then reads its outcome from drift.json, the terminal output and the HTML
report as headless Chromium renders it.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import yaml
from snapshot_cases import REPO, ROLES, Case, all_cases, example_documents, example_inventory, pair_for

#: the whole run, every case in it; generous: it takes a few seconds
RUN_TIMEOUT = 300


@dataclass
class Batch:
    """What one run over every case left: exit status, terminal output, reports."""

    cases: dict[str, Case]
    files: dict[str, Path]  #: case -> its hostile snapshot file
    inventory: Path
    returncode: int
    output: str  #: stdout and stderr
    drift_json: str
    html: Path

    @cached_property
    def report(self) -> dict[str, Any]:
        return json.loads(self.drift_json)

    @cached_property
    def results(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(result["pair"], result["area"]): result for result in self.report["results"]}

    @cached_property
    def drift(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        records: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for record in self.report["drift"]:
            records.setdefault((record["pair"], record["area"]), []).append(record)
        return records


def _write_snapshots(directory: Path, cases: list[Case]) -> dict[str, dict[str, Path]]:
    """Each case's two snapshot paths (the hostile side its own file, the other the clean one)."""
    documents = example_documents()
    clean = {}
    for role in ROLES:
        clean[role] = directory / f"clean.{role}.json"
        clean[role].write_text(json.dumps(documents[role]))
    sides = {}
    for case in cases:
        hostile = directory / f"{case.name}.{case.role}.json"
        case.write(hostile, documents[case.role])
        sides[case.name] = {role: hostile if role == case.role else clean[role] for role in ROLES}
    return sides


class WithoutAliases(yaml.SafeDumper):
    """Every pair written out in full: the loader refuses an inventory of a thousand aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _inventory(directory: Path, cases: list[Case], sides: dict[str, dict[str, Path]]) -> Path:
    """The example's pair once per case, both sides snapshots (absolute paths)."""
    example = example_inventory()
    pairs = [{**pair_for(case, example["pairs"][0]), "name": case.name,
              **{role: {"snapshot": str(path)} for role, path in sides[case.name].items()}}
             for case in cases]
    path = directory / "inventory.yaml"
    path.write_text(yaml.dump({"version": 1, "defaults": example["defaults"], "pairs": pairs}, Dumper=WithoutAliases))
    return path


def _project(directory: Path) -> None:
    """A copy of checks/ and a conftest loading the plugin, as a user's checkout has."""
    shutil.copytree(REPO / "checks", directory / "checks", ignore=shutil.ignore_patterns("__pycache__"))
    (directory / "conftest.py").write_text('pytest_plugins = ["drverify.plugin"]\n')
    (directory / "pytest.ini").write_text("[pytest]\n")


def _shared_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for the whole session, shared by pytest-xdist's workers, so the run and
    Chromium happen once, not once per worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    with (directory / "corpus.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(directory: Path, cases: list[Case], sides: dict[str, dict[str, Path]]) -> dict[str, Any]:
    """The real checks over every case, with the reports a user gets."""
    inventory = _inventory(directory, cases, sides)
    _project(directory)
    argv = [sys.executable, "-m", "pytest", "checks", f"--inventory={inventory}",
            f"--drift-json={directory / 'drift.json'}", f"--html={directory / 'report.html'}",
            "--self-contained-html", "-p", "no:cacheprovider", "-q", "--color=no",
            # the plugin replaces a setup error's traceback with its reason; a native traceback is
            # as telling for anything else, and far cheaper to format for hundreds of errors
            "--tb=native"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(argv, cwd=directory, env=env, capture_output=True, timeout=RUN_TIMEOUT, check=False)
    output = done.stdout.decode("utf-8", "backslashreplace") + done.stderr.decode("utf-8", "backslashreplace")
    return {"returncode": done.returncode, "output": output}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    shared = _shared_directory(tmp_path_factory)
    directory = shared / "corpus"
    cases = all_cases(example_documents())
    files = {case.name: directory / f"{case.name}.{case.role}.json" for case in cases}
    with _exclusive(shared):
        done = directory / "done.json"
        if not done.exists():
            directory.mkdir(exist_ok=True)
            sides = _write_snapshots(directory, cases)
            done.write_text(json.dumps(_run(directory, cases, sides)))
        outcome = json.loads(done.read_text())
    drift_json = directory / "drift.json"
    text = drift_json.read_text(encoding="utf-8") if drift_json.exists() else ""
    return Batch({case.name: case for case in cases}, files, directory / "inventory.yaml",
                 outcome["returncode"], outcome["output"], text, directory / "report.html")


@pytest.fixture
def checks(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir holding a copy of checks/ and a conftest that loads the plugin (for the
    few cases that need a run of their own)."""
    _project(pytester.path)
    return pytester


def _chromium_helper() -> Any:
    """tests/plugin/test_html_report.py's ``dump_dom`` and ``CHROMIUM``: one way to drive it."""
    path = REPO / "tests" / "plugin" / "test_html_report.py"
    spec = importlib.util.spec_from_file_location("drverify_html_report_helper", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dom(corpus: Batch, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The corpus report's DOM after pytest-html's scripts ran in headless Chromium."""
    helper = _chromium_helper()
    if helper.CHROMIUM is None:
        if os.geteuid() == 0:
            pytest.fail("chromium is missing: ./run.sh test installs it (Debian package chromium)")
        pytest.skip("headless Chromium is not installed (run the tests as root to install it)")
    shared = _shared_directory(tmp_path_factory)
    with _exclusive(shared):
        dumped = shared / "corpus" / "dom.html"
        if not dumped.exists():
            dumped.write_text(helper.dump_dom(corpus.html, shared / "corpus" / "profile"), encoding="utf-8")
        return dumped.read_text(encoding="utf-8")

"""The evidence pack (``--evidence DIR``): everything a change ticket or an auditor needs from one
run, in one directory and one archive.

``DIR`` receives the HTML report, drift.json, JUnit, ``summary.md`` (verdict, matrix, blocking
items, what was not verified, waivers, provenance), the inventory exactly as read (it holds references to
secrets, never their values), ``MANIFEST.sha256`` (``sha256sum -c MANIFEST.sha256`` verifies
every file) and ``drverify-evidence.tar.gz`` holding all of them. When ``GITHUB_STEP_SUMMARY``
is set (GitHub Actions), the Markdown summary is appended to the job's summary too.

A run that checked nothing writes no pack: the previous one, if any, stays as it was.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

from drverify.digest import file_sha256
from drverify.report import markdown
from drverify.report.json_report import write_text
from drverify.report.verdict import RunSummary

HTML, JSON, JUNIT = "drift-report.html", "drift.json", "junit.xml"
SUMMARY, MANIFEST, ARCHIVE = "summary.md", "MANIFEST.sha256", "drverify-evidence.tar.gz"


def prepare(config: Any, directory: Path) -> None:
    """Before pytest-html and junitxml start: write their files into the pack unless the user
    named them, and make the HTML self-contained (the pack must open on its own)."""
    option = config.option
    if not option.htmlpath:
        option.htmlpath = str(directory / HTML)
    option.self_contained_html = True
    if not option.xmlpath:
        option.xmlpath = str(directory / JUNIT)


def _place(source: Path | None, directory: Path, name: str) -> str | None:
    """Copy a report into the pack (unless it was written there); its name in the pack."""
    target = directory / name
    if source is None or not source.is_file():
        target.unlink(missing_ok=True)  # never leave an earlier run's file beside this run's
        return None
    if source.resolve() != target.resolve():
        shutil.copyfile(source, target)
    return name


def write(directory: Path, summary: RunSummary, inventory: Path | None) -> Path:
    """Write the pack into ``directory``; returns the archive's path."""
    directory.mkdir(parents=True, exist_ok=True)
    written = summary.written
    names = [_place(written.get("html"), directory, HTML), _place(written.get("json"), directory, JSON),
             _place(written.get("junit"), directory, JUNIT)]
    text = markdown.render(summary)
    write_text(directory / SUMMARY, text)
    names.append(SUMMARY)
    if inventory is not None and inventory.is_file():
        names.append(_place(inventory, directory, f"inventory-{inventory.name}"))
    files = [name for name in names if name]
    write_text(directory / MANIFEST, "".join(f"{file_sha256(directory / name)}  {name}\n" for name in files))
    archive = directory / ARCHIVE
    temporary = directory / f".{ARCHIVE}.{os.getpid()}.tmp"
    with tarfile.open(temporary, "w:gz") as tar:
        for name in [*files, MANIFEST]:
            tar.add(directory / name, arcname=f"drverify-evidence/{name}")
    os.replace(temporary, archive)
    _step_summary(text)
    return directory


def _step_summary(text: str) -> None:
    """GitHub Actions shows what a step appends to this file on the run's page."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(text + "\n")


__all__ = ["prepare", "write"]

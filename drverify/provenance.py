"""Provenance: what makes a report evidence rather than a claim.

An auditor (ISO 27001:2022 A.5.30: ICT readiness planned, implemented, maintained and *tested*)
asks of any drift report: which drverify and libraries, which inventory exactly (path and
SHA-256), what was selected (``-k``, ``-m``, ``--fail-on``, ``--gate``, ``--shard``, the
direction), who ran it and where, when and for how long, for which ticket or drill, and which waivers were in force. One function,
:func:`provenance`, answers that for every artifact: the HTML's evidence header and
pytest-metadata's Environment table, drift.json's ``meta["provenance"]`` (which the JUnit
properties, the evidence pack's Markdown summary and ``drverify merge`` read): :func:`flat` gives
the one-line-per-fact form the tables need.
"""

from __future__ import annotations

import getpass
import platform
import re
import socket
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

from drverify import __version__
from drverify.digest import sha256
from drverify.report.display import flat, titled

if TYPE_CHECKING:  # the report modules read flat() without loading the plugin's session
    import pytest

    from drverify.session import DriftRun

#: libraries drverify runs on, reported with their versions when installed (besides its own
#: declared requirements, when drverify is installed as a distribution)
RUNNERS = ("pytest", "pytest-html", "pytest-metadata", "pytest-xdist")


def addoption(group: Any) -> None:
    """``--ticket`` and ``--drill``: the change or drill a run is evidence for."""
    group.addoption("--ticket", metavar="ID", help="change ticket this run is evidence for (shown in every report)")
    group.addoption("--drill", metavar="ID", help="DR drill this run belongs to (shown in every report)")


def dependencies() -> dict[str, str]:
    """Installed versions of what drverify depends on, by distribution name."""
    try:
        declared = [re.split(r"[ <>=!~;\[(]", line, maxsplit=1)[0] for line in metadata.requires("drverify") or ()
                    if "extra ==" not in line]
    except metadata.PackageNotFoundError:
        declared = []
    found = {}
    for name in dict.fromkeys([*RUNNERS, *declared]):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def operator() -> str:
    """``user@host`` of whoever runs drverify, as the runner knows them."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (a container's arbitrary uid)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def selection(config: pytest.Config, run: DriftRun) -> dict[str, Any]:
    """What this run was asked to check, and a one-line summary of it."""
    keyword, markers = config.option.keyword or None, config.option.markexpr or None
    direction = config.getoption("direction", None)
    shard = config.getoption("shard", None)
    pairs = {pair.name: pair.direction for pair in run.inventory.pairs} if run.inventory else {}
    chosen = {
        "keyword": keyword,
        "markers": markers,
        "fail_on": run.fail_on.label,
        "fail_on_new": bool(config.getoption("fail_on_new", False)),
        "gate": bool(config.getoption("gate", False)),
        "shard": str(shard) if shard else None,
        "direction": direction or pairs,
        "args": [str(arg) for arg in config.args],
        "command_line": [str(arg) for arg in config.invocation_params.args],
    }
    words = [f"-k {keyword!r}" if keyword else "", f"-m {markers!r}" if markers else "",
             "--gate" if chosen["gate"] else "", f"--shard {shard}" if shard else "",
             f"--fail-on {run.fail_on.label}", "--fail-on-new" if chosen["fail_on_new"] else "",
             f"direction {direction}" if direction else "",
             "paths " + " ".join(chosen["args"]) if chosen["args"] else ""]
    chosen["summary"] = ", ".join(word for word in words if word) or "everything"
    return chosen


def provenance(config: pytest.Config, run: DriftRun) -> dict[str, Any]:
    """Everything a report needs to say about how it was made (see the module docstring)."""
    finished = run.finished_at
    return {
        "drverify": __version__,
        "python": platform.python_version(),
        "dependencies": dependencies(),
        "inventory": {"path": str(run.inventory_path), "sha256": sha256(run.inventory_file)},
        "selection": selection(config, run),
        "operator": operator(),
        "runner": socket.gethostname(),
        "ticket": config.getoption("ticket", None),
        "drill": config.getoption("drill", None),
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds") if finished else None,
        "duration_seconds": round((finished - run.started_at).total_seconds(), 1) if finished else None,
        **run.review.provenance(),
    }


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def record_metadata(config: pytest.Config, found: dict[str, Any]) -> None:
    """Put the provenance in pytest-metadata's Environment table (pytest-html shows it on top)."""
    try:
        from pytest_metadata.plugin import metadata_key
    except ImportError:  # pytest-metadata comes with pytest-html; without it there is no table
        return
    table = config.stash.get(metadata_key, None)
    if table is not None:
        table.update(titled(found))


__all__ = ["addoption", "dependencies", "flat", "now", "operator", "provenance", "record_metadata", "selection",
           "titled"]

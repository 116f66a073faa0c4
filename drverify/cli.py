"""The ``drverify`` command: the drift checks, the readiness gate, snapshots and merges, with
exit statuses a scheduler can act on (:class:`~drverify.report.verdict.ExitStatus`).

``drverify check`` and ``drverify gate`` run pytest on the checks shipped inside the package
(``drverify/checks``, the repository's ``checks/``), from wherever they are run: paths on the
command line are relative to the current directory, reports go to ``reports/`` there unless
named, and pytest's cache (``--lf``) lives there too. Every other argument is pytest's or the
plugin's (``--inventory``, ``-k``, ``-m``, ``--fail-on``, ``-n 4``...), before or after ``--``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import drverify
from drverify.errors import DrverifyError
from drverify.report.terminal import printable
from drverify.report.verdict import ExitStatus

if TYPE_CHECKING:
    import pytest

    from drverify.report.verdict import RunSummary

# pytest (and through it everything a run needs) is imported by the commands that run it:
# ``drverify --version``, ``snapshot`` and ``merge`` do not pay for it.

#: reports written by ``check`` and ``gate`` unless the command line names them
DEFAULTS = (("--drift-html", "reports/drift-report.html"), ("--html", "reports/checks.html"),
            ("--junitxml", "reports/junit.xml"), ("--drift-json", "reports/drift.json"))


def checks_dir() -> Path:
    """The checks shipped with the package (in a checkout, a link to the repository's checks/)."""
    return (Path(drverify.__file__).parent / "checks").resolve()


def _given(args: Sequence[str], option: str) -> bool:
    return any(arg == option or arg.startswith(option + "=") for arg in args)


def pytest_args(extra: Sequence[str], gate: bool = False, debug: bool = False) -> list[str]:
    """pytest's command line for ``check``/``gate``: the package's checks, test ids that read
    ``checks/test_firewall.py::test_firewall[mft-eu]`` wherever the package is installed,
    reports and cache in the current directory."""
    extra = list(extra)
    checks = checks_dir()
    # The checks run no code of the user's that could raise in a finalizer or a thread, and
    # pytest's watch for such exceptions ends every run with two full garbage collections
    # (about 1.5 s for 500 pairs): not for drverify's own command.
    args = [str(checks), "-p", "drverify.plugin", "-p", "no:unraisableexception", "-p", "no:threadexception"]
    if not _given(extra, "--rootdir"):
        args.append(f"--rootdir={checks.parent}")
    config = checks.parent / "pyproject.toml"  # a checkout: its pytest settings, found for sure
    if config.is_file() and not (_given(extra, "-c") or _given(extra, "--config-file")):
        args += ["-c", str(config)]
    if not any(arg.startswith("cache_dir=") for arg in extra):
        args += ["-o", f"cache_dir={Path.cwd() / '.pytest_cache'}"]
    for option, default in DEFAULTS:
        if not _given(extra, option) and not (option == "--junitxml" and _given(extra, "--junit-xml")):
            args.append(f"{option}={default}")
    if "--self-contained-html" not in extra:
        args.append("--self-contained-html")  # one file to attach to a ticket
    if gate:
        args.append("--gate")
    if debug:
        args.append("--drverify-debug")
    return args + extra


class _Conclusion:
    """A pytest plugin of the command's own: picks up the run's summary at the very end."""

    summary: RunSummary | None = None

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if not config.pluginmanager.has_plugin("drverify-reporter"):
            return  # no run was set up (``--help``): no summary
        from drverify.reporter import SUMMARY

        self.summary = config.stash.get(SUMMARY, None)


def run_pytest(args: list[str]) -> tuple[int, RunSummary | None]:
    import pytest

    conclusion = _Conclusion()
    code = pytest.main(args, plugins=[conclusion])
    return int(code), conclusion.summary


def exit_status(code: int, summary: RunSummary | None) -> ExitStatus:
    """The command's status: the verdict when one was reached, else what pytest's code means."""
    import pytest

    if code == pytest.ExitCode.USAGE_ERROR:
        return ExitStatus.USAGE
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.INTERRUPTED):
        return ExitStatus.INTERNAL
    if summary is not None:
        return summary.exit_status()
    # pytest's exit codes when no verdict was reached (``--help``, ``--markers``, a crash)
    reached = {pytest.ExitCode.OK: ExitStatus.OK, pytest.ExitCode.USAGE_ERROR: ExitStatus.USAGE,
               pytest.ExitCode.NO_TESTS_COLLECTED: ExitStatus.USAGE}
    return reached.get(code, ExitStatus.INTERNAL)


def check(extra: Sequence[str], debug: bool) -> ExitStatus:
    code, summary = run_pytest(pytest_args(extra, debug=debug))
    return exit_status(code, summary)


def gate(extra: Sequence[str], debug: bool) -> ExitStatus:
    """The checks that can block a takeover, and one screen about them (pytest's own output only
    with --debug: usage errors still reach stderr)."""
    started = time.monotonic()
    output = io.StringIO()
    with contextlib.redirect_stdout(sys.stdout if debug else output):
        code, summary = run_pytest(pytest_args([*extra, "-q", "--no-header"], gate=True, debug=debug))
    status = exit_status(code, summary)
    if summary is None and status is not ExitStatus.USAGE:
        sys.stdout.write(output.getvalue())  # --help and the like: pytest's own answer
        return status
    from drverify.report import gate as gate_screen

    sys.stdout.write(gate_screen.render(summary, time.monotonic() - started))
    return status


def snapshot(inventory: str, out: str, pairs: Sequence[str]) -> ExitStatus:
    from drverify import snapshot as snapshots
    from drverify.inventory import load_inventory

    lines, status = snapshots.take(load_inventory(inventory), Path(out), pairs)
    print("\n".join(lines))
    return status


def merge(paths: Sequence[str], out: str) -> ExitStatus:
    from drverify import merge as merging

    runs = [Path(path) for path in paths]
    summary = merging.write(merging.merge(runs), Path(out), runs)
    print(f"merged {len(paths)} runs: {len(summary.results)} checks, verdict {summary.verdict.value}")
    for kind, path in summary.written.items():
        print(f"  {kind}: {path}")
    return summary.exit_status()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="drverify", description="Prove that a disaster-recovery host can take "
                                  "over from its production twin: compare them and report drift.",
                                  epilog="Exit statuses: 0 no drift at or above the threshold and nothing "
                                  "unverified; 1 drift at or above the threshold; 2 nothing failing but "
                                  "something unverified; 3 inventory or usage error; 4 internal error.")
    top.add_argument("--version", action="version", version=f"drverify {drverify.__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in (("check", "run the drift checks (any pytest or plugin option; --help lists them)"),
                       ("gate", "readiness gate before a drill: critical drift only, one screen")):
        sub = commands.add_parser(name, help=text, add_help=False, allow_abbrev=False)
        sub.add_argument("--debug", action="store_true", help="tracebacks of drverify's own errors")
    snap = commands.add_parser("snapshot", help="write snapshots of the inventory's live hosts (no checks, no reports)")
    snap.add_argument("--inventory", required=True, metavar="PATH")
    snap.add_argument("--out", required=True, metavar="DIR", help="directory of PAIR.ROLE.json snapshots")
    snap.add_argument("--pair", action="append", default=[], metavar="NAME", help="only this pair (repeatable)")
    merged = commands.add_parser("merge", help="combine the drift.json of several runs or shards")
    merged.add_argument("runs", nargs="+", metavar="RUN", help="a drift.json, or a directory holding one")
    merged.add_argument("--out", required=True, metavar="DIR")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    extra = [arg for arg in extra if arg != "--"] if args.command in ("check", "gate") else extra
    try:
        if args.command in ("check", "gate"):
            return (check if args.command == "check" else gate)(extra, args.debug)
        if extra:
            raise DrverifyError(f"unrecognised arguments: {' '.join(extra)}")
        if args.command == "snapshot":
            return snapshot(args.inventory, args.out, args.pair)
        return merge(args.runs, args.out)
    except DrverifyError as error:
        print(f"drverify {args.command}: {printable(error)}", file=sys.stderr)
        return ExitStatus.USAGE
    except Exception as error:  # noqa: BLE001 - a bug: one line, the status says internal
        print(f"drverify {args.command}: internal error: {type(error).__name__}: {printable(error)}",
              file=sys.stderr)
        return ExitStatus.INTERNAL


__all__ = ["checks_dir", "main", "pytest_args"]

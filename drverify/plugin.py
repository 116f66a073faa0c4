"""The pytest plugin: thin glue between pytest and the drverify layers.

- one test per pair × area (``checks/test_<area>.py`` use the ``area`` fixture; pairs come from
  the inventory as parameters, so ids read ``test_firewall[mft-eu]``);
- markers per area and per severity the area can report (``-k firewall``, ``-m can_critical``;
  ``-m critical`` is kept as an alias);
- facts collected once per host per process (under xdist: once per worker at most);
- a check *fails* on drift at or above ``--fail-on`` and *errors* when a fact is unreadable;
- reports: an evidence header, a pairs × areas matrix and every check's drift table in
  pytest-html's summary (server-side; the check's own row gets a Drift column and a one-line
  pointer, :mod:`drverify.html_rows`), ``reports/drift.json`` for machines, JUnit rewritten for CI
  widgets (:mod:`drverify.report.junit`); each check's result travels on its test report
  (:data:`RESULT`), also from xdist workers, stamped with its outcome and timing;
- waivers and a baseline (:mod:`drverify.review`) annotate each check's records where it runs;
- nothing inside a check can take the run down: an exception is that check's unverified reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from drverify import shard
from drverify.areas import AREAS
from drverify.drift import Severity
from drverify.errors import FactsUnavailable, InventoryError
from drverify.options import add_options
from drverify.report.results import AreaResult
from drverify.report.terminal import printable

if TYPE_CHECKING:
    from drverify.session import AreaCheck, DriftRun

# The plugin loads in every pytest run once drverify is installed: what only a run of drverify's
# checks needs (the inventory and its schema, facts, reports) is imported by the hook that needs it.

RUN = pytest.StashKey["DriftRun"]()
CHECK = pytest.StashKey["AreaCheck"]()
#: when a check's setup began (its facts are loaded there): the check's start time
STARTED = pytest.StashKey[float]()
#: ldap3 2.9.1 (its latest release) imports names pyasn1 has deprecated: nothing a user can act on,
#: so not in their warnings summary wherever drverify runs (with or without the repository's ini)
IGNORED_WARNINGS = ("ignore:tagMap is deprecated:DeprecationWarning",
                    "ignore:typeMap is deprecated:DeprecationWarning")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Markers, the run's state, the reporter; first, so that ``--evidence`` can name the HTML
    and JUnit files before pytest-html and junitxml open theirs."""
    config.addinivalue_line("markers", "area(name): the drift area a check compares")
    for name, area in AREAS.items():
        config.addinivalue_line("markers", f"{name}: drverify checks of the {name} area ({area.title})")
    for severity in Severity:
        config.addinivalue_line(
            "markers", f"can_{severity.label}: drverify checks that can report {severity.label} drift")
        config.addinivalue_line("markers", f"{severity.label}: alias of can_{severity.label}")
    for ignored in IGNORED_WARNINGS:
        config.addinivalue_line("filterwarnings", ignored)
    if config.option.help:
        return  # pytest --help runs no session: nothing of a run is needed
    from drverify.session import DriftRun

    inventory = config.getoption("inventory") or config.getini("drverify_inventory") or ""
    gate = config.getoption("gate")
    config.stash[RUN] = DriftRun(
        inventory_path=Path(inventory) if inventory else Path(),
        inventory_file=_from_rootdir(config, Path(inventory)) if inventory else None,
        fail_on=Severity.CRITICAL if gate else config.getoption("fail_on"),
        direction_override=config.getoption("direction"),
        snapshot_out=config.getoption("snapshot_out"),
    )
    if not hasattr(config, "workerinput"):
        from drverify import evidence
        from drverify.html_rows import ResultsTableRows
        from drverify.reporter import DriftReporter

        if config.getoption("evidence") is not None:
            evidence.prepare(config, config.getoption("evidence"))
        config.pluginmanager.register(DriftReporter(config, config.stash[RUN]), "drverify-reporter")
        config.pluginmanager.register(ResultsTableRows(config.stash[RUN]), "drverify-html-rows")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``-n N`` with xdist's default distribution: one pair's checks stay on one worker, so each
    host is contacted once (an explicit ``--dist`` other than ``load`` is left to xdist)."""
    if config.getoption("dist") != "load" or not _runs_checks(config):
        return None
    from drverify.pair_scheduling import PairScheduling
    return PairScheduling(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Load an inventory the run checks before anything else, so the header names it and an
    xdist controller (which collects nothing) still knows its pairs."""
    if _runs_checks(session.config):
        _load(session.config)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """A broken inventory stops the run as a usage error, after the session started, so the
    reporter still says in the HTML why nothing was checked."""
    error = session.config.stash[RUN].inventory_error
    if error is not None:
        raise pytest.UsageError(error)


def pytest_unconfigure(config: pytest.Config) -> None:
    if RUN in config.stash:
        config.stash[RUN].close()


def _runs_checks(config: pytest.Config) -> bool:
    """Whether this run includes drift checks: an explicit inventory, or a path under checks/."""
    if config.getoption("inventory"):
        return True
    checks = config.rootpath / "checks"
    return any(Path(arg.split("::")[0]).resolve().is_relative_to(checks) for arg in config.args)


def _load(config: pytest.Config) -> DriftRun:
    run = config.stash[RUN]
    if run.inventory is None and run.inventory_error is None:
        from drverify.drill import load_drill_log
        from drverify.inventory import load_inventory
        from drverify.review import Review

        try:
            if run.inventory_path == Path():
                raise InventoryError("no inventory: give --inventory PATH or set drverify_inventory")
            inventory = load_inventory(run.inventory_file or _from_rootdir(config, run.inventory_path))
            shard.pairs_of(config, inventory.pairs)  # a shard with no pair is refused here
            run.inventory = inventory
            if config.getoption("drill_log"):
                run.drill = load_drill_log(config.getoption("drill_log"))
            run.review = Review.load(config, run.started_at)
        except InventoryError as error:
            run.inventory_error = str(error)
    return run


def _from_rootdir(config: pytest.Config, path: Path) -> Path:
    """A relative ini value is relative to the rootdir; a relative option, to where pytest runs."""
    if config.getoption("inventory") or path.is_absolute():
        return path
    return config.rootpath / path


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "area" not in metafunc.fixturenames:
        return
    run = _load(metafunc.config)
    marker = metafunc.definition.get_closest_marker("area")
    area = AREAS.get(marker.args[0]) if marker else None
    pairs = shard.pairs_of(metafunc.config, run.inventory.pairs) if run.inventory else []
    names = [pair.name for pair in pairs if area is None or area.checked(pair, run.direction(pair))]
    metafunc.parametrize("pair_name", names, ids=names, indirect=True)


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object):
    """A check of an area no pair configures is not made at all (not "deselected": nobody
    chose to leave it out, there is nothing to check); the others become :class:`DriftCheck`
    items, whose failure is their message."""
    made = yield
    if isinstance(made, list):
        from drverify.check_item import DriftCheck

        return [DriftCheck.remade(collector, item) if _is_check(item) else item
                for item in made if not (isinstance(item, pytest.Item) and _unconfigured(item))]
    return made


def _is_check(item: object) -> bool:
    """A check of one area for one pair (the ``area`` fixture parametrized by pair)."""
    return (isinstance(item, pytest.Function) and item.get_closest_marker("area") is not None
            and isinstance(getattr(item, "callspec", None) and item.callspec.params.get("pair_name"), str))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.stash[RUN].inventory_error is not None:
        raise pytest.UsageError(config.stash[RUN].inventory_error)
    for item in items:
        marker = item.get_closest_marker("area")
        if marker is None:
            continue
        area = AREAS[marker.args[0]]
        item.add_marker(area.name)
        for severity in area.severities:
            item.add_marker(f"can_{severity.label}")
            item.add_marker(severity.label)
    if config.getoption("gate"):
        _keep_gate_checks(config, items)


def _keep_gate_checks(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--gate``: only the checks that can report critical drift (the others cannot block)."""
    kept, other = [], []
    for item in items:
        blocks = item.get_closest_marker("area") is None or item.get_closest_marker("can_critical") is not None
        (kept if blocks else other).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = kept


def _unconfigured(item: pytest.Item) -> bool:
    """A check of an area no pair configures (pytest made it from an empty parameter set)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return item.get_closest_marker("area") is not None and not isinstance(params.get("pair_name"), str)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The pairs to collect at once, concurrently, when the first check needs facts. Not on an
    xdist worker: it runs only the pairs it is sent (each pair on one worker), so it collects
    each pair when its first check runs, and no host is contacted by two workers."""
    run = session.config.stash[RUN]
    if hasattr(session.config, "workerinput"):
        return
    run.selected_pairs = {
        item.callspec.params["pair_name"]
        for item in session.items
        if item.get_closest_marker("area") and hasattr(item, "callspec")
    }


@pytest.fixture
def pair_name(request: pytest.FixtureRequest) -> str:
    """The pair a check compares: one check per pair (see :func:`pytest_generate_tests`)."""
    return request.param


@pytest.fixture
def area(request: pytest.FixtureRequest, pair_name: str) -> AreaCheck:
    """This pair's outcome for the test's area, judged in setup.

    A side that could not be read at all errors here; so does a check with unverified items and
    no drift at or above ``--fail-on`` (unknown is never a pass). Drift that fails the check is
    left to the test body, whose message lists the unverified items too.
    """
    run = request.config.stash[RUN]
    marker = request.node.get_closest_marker("area")
    if marker is None or marker.args[0] not in AREAS:
        raise pytest.UsageError(f"{request.node.nodeid}: a check needs @pytest.mark.area(NAME) "
                                f"with one of {', '.join(AREAS)}")
    from drverify.session import AreaCheck, describe_unverified

    pair = run.inventory.pair(pair_name)
    check = AreaCheck(pair, AREAS[marker.args[0]], run.pair_facts(pair_name), run.fail_on,
                      request.node.nodeid, run.direction(pair), request.config.getoption("max_records"), run.review)
    request.node.stash[CHECK] = check
    try:
        check.compare()
    except FactsUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - a comparator bug costs this check, never the run
        raise CheckCrashed(check.crashed(error)) from error
    if check.unverified and not check.failing():
        raise FactsUnavailable(describe_unverified(check.unverified))
    return check


class CheckCrashed(FactsUnavailable):
    """drverify itself failed on one check: the check is unverified with this reason, and the
    run's verdict is ``error`` (a bug to report, not a fact about the hosts)."""


def assert_no_drift(check: AreaCheck) -> None:
    """The body of every check: fail on drift at or above ``--fail-on``."""
    from drverify.session import describe_failure

    if check.outcome is None:
        check.compare()
    failing = check.failing()
    if failing:
        pytest.fail(describe_failure(failing, check.fail_on, check.unverified, check.max_records), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    check = item.stash.get(CHECK, None)
    if check is not None:
        started = item.stash.setdefault(STARTED, call.start)
        _attach(report, call, check, item.config.getoption("drverify_debug"), started)
    return report


def _attach(report: pytest.TestReport, call: pytest.CallInfo[None], check: AreaCheck, debug: bool,
            started: float) -> None:
    """Put the check's result on its report, with what pytest made of the check and when it ran:
    the reporter reads it there, in this process or on the xdist controller (a report's own
    attributes travel with it to the controller; its user properties would end up in JUnit)."""
    from drverify.reporter import FAILURE, RESULT

    error = call.excinfo.value if call.excinfo is not None else None
    try:
        if error is not None and not isinstance(error, (FactsUnavailable, pytest.fail.Exception)):
            error = CheckCrashed(check.crashed(error))  # the test body itself raised
        result = _result_of(report, error, check, debug)
    except Exception as failure:  # noqa: BLE001 - reporting a check must not take the run down
        error = CheckCrashed(check.crashed(failure))
        report.longrepr = f"unverified: {printable(error)}"
        result = AreaResult(check.pair.name, check.area.name, "unverified", str(error), nodeid=check.nodeid)
    if isinstance(error, CheckCrashed):
        report.__dict__[FAILURE] = str(error)
    if result is None:
        return
    result = result.stamped("error" if report.when == "setup" else report.outcome, started, call.stop)
    report.__dict__[RESULT] = json.dumps(result.to_json(), default=str)


def _result_of(report: pytest.TestReport, error: BaseException | None, check: AreaCheck,
               debug: bool) -> AreaResult | None:
    """The check's result for the reports; anything that stopped it unexpectedly is *unverified*
    (with the error), so no check can vanish from the matrix or the JSON."""
    if isinstance(error, FactsUnavailable):
        crashed = isinstance(error, CheckCrashed)
        if not (crashed and debug):
            report.longrepr = f"unverified: {printable(error)}"
        if check.outcome is not None and not crashed:
            return check.result()
        return check.result(unverified=str(error))
    if report.when == "call" and check.drift is not None:
        return check.result()
    return None


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    run = config.stash[RUN]
    if run.inventory is None:
        return None
    return [f"drverify: inventory {run.inventory_path}, {len(run.inventory.pairs)} pair(s), "
            f"fail on {run.fail_on.label} and above"]

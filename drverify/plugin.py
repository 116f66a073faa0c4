"""The pytest plugin: thin glue between pytest and the drverify layers.

- one test per pair × area (``checks/test_<area>.py`` use the ``area`` fixture; pairs come from
  the inventory as parameters, so ids read ``test_firewall[mft-eu]``);
- markers per area and per severity the area can report (``-k firewall``, ``-m critical``);
- facts collected once per host per process (under xdist: once per worker at most);
- a check *fails* on drift at or above ``--fail-on`` and *errors* when a fact is unreadable;
- reports: an evidence header, a pairs × areas matrix and every check's drift table in
  pytest-html's summary (server-side), ``reports/drift.json`` for machines (JUnit gets the same
  result as a user property); waivers and a baseline (:mod:`drverify.review`) annotate records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drverify import history, provenance, waivers
from drverify.areas import AREAS
from drverify.drift import Severity
from drverify.errors import FactsUnavailable, InventoryError
from drverify.html_rows import ResultsTableRows
from drverify.inventory import load_inventory
from drverify.reporter import PROPERTY, DriftReporter
from drverify.review import Review
from drverify.session import AreaCheck, DriftRun, describe_failure, describe_unverified

RUN = pytest.StashKey[DriftRun]()
CHECK = pytest.StashKey[AreaCheck]()
#: when a check's setup began (its facts are loaded there): the check's start time
STARTED = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("drverify", "disaster-recovery drift checks")
    group.addoption("--inventory", metavar="PATH", help="inventory of production/recovery pairs "
                    "(default: the drverify_inventory ini value)")
    group.addoption("--fail-on", metavar="SEVERITY", default="minor", type=_severity,
                    help="fail a check on drift at or above this severity: minor, major, critical "
                    "(default: minor)")
    group.addoption("--snapshot-out", metavar="DIR", type=Path,
                    help="write each live host's facts as JSON snapshots into DIR")
    group.addoption("--drift-json", metavar="PATH", help="machine-readable results "
                    "(default: the drverify_json ini value)")
    provenance.addoption(group)
    waivers.addoption(group)
    history.addoption(group)
    parser.addini("drverify_inventory", "default inventory for drverify checks")
    parser.addini("drverify_json", "default path of drverify's JSON report")


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "area(name): the drift area a check compares")
    for name, area in AREAS.items():
        config.addinivalue_line("markers", f"{name}: drverify checks of the {name} area ({area.title})")
    for severity in Severity:
        config.addinivalue_line(
            "markers", f"{severity.label}: drverify checks that can report {severity.label} drift")
    inventory = config.getoption("inventory") or config.getini("drverify_inventory") or ""
    config.stash[RUN] = DriftRun(
        inventory_path=Path(inventory) if inventory else Path(),
        inventory_file=_from_rootdir(config, Path(inventory)) if inventory else None,
        fail_on=config.getoption("fail_on"),
        snapshot_out=config.getoption("snapshot_out"),
    )
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(DriftReporter(config, config.stash[RUN]), "drverify-reporter")
        config.pluginmanager.register(ResultsTableRows(config), "drverify-html-rows")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """An xdist controller collects nothing: load an inventory given on the command line here,
    so a broken one is still a usage error and the report still names its pairs."""
    config = session.config
    if config.pluginmanager.hasplugin("dsession") and _runs_checks(config):
        if _load(config).inventory_error is not None:
            raise pytest.UsageError(config.stash[RUN].inventory_error)


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
        try:
            if run.inventory_path == Path():
                raise InventoryError("no inventory: give --inventory PATH or set drverify_inventory")
            run.inventory = load_inventory(run.inventory_file or _from_rootdir(config, run.inventory_path))
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
    pairs = run.inventory.pairs if run.inventory else []
    names = [pair.name for pair in pairs if area is None or area.applies(pair)]
    metafunc.parametrize("pair_name", names, ids=names)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.stash[RUN].inventory_error is not None:
        raise pytest.UsageError(config.stash[RUN].inventory_error)
    unconfigured = [item for item in items if _unconfigured(item)]
    if unconfigured:
        config.hook.pytest_deselected(items=unconfigured)
        items[:] = [item for item in items if not _unconfigured(item)]
    for item in items:
        marker = item.get_closest_marker("area")
        if marker is None:
            continue
        area = AREAS[marker.args[0]]
        item.add_marker(area.name)
        for severity in area.severities:
            item.add_marker(severity.label)


def _unconfigured(item: pytest.Item) -> bool:
    """A check of an area no pair configures (pytest made it from an empty parameter set)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return item.get_closest_marker("area") is not None and not isinstance(params.get("pair_name"), str)


def pytest_collection_finish(session: pytest.Session) -> None:
    run = session.config.stash[RUN]
    run.selected_pairs = {
        item.callspec.params["pair_name"]
        for item in session.items
        if item.get_closest_marker("area") and hasattr(item, "callspec")
    }


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
    check = AreaCheck(run.inventory.pair(pair_name), AREAS[marker.args[0]], run.pair_facts(pair_name),
                      run.fail_on, request.node.nodeid, run.review)
    request.node.stash[CHECK] = check
    check.compare()
    if check.unverified and not check.failing():
        raise FactsUnavailable(describe_unverified(check.unverified))
    return check


def assert_no_drift(check: AreaCheck) -> None:
    """The body of every check: fail on drift at or above ``--fail-on``."""
    if check.outcome is None:
        check.compare()
    failing = check.failing()
    if failing:
        pytest.fail(describe_failure(failing, check.fail_on, check.unverified), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    check = item.stash.get(CHECK, None)
    if check is None:
        return
    started = item.stash.setdefault(STARTED, call.start)
    result = _result_of(report, call, check)
    if result is None:
        return
    result = result.stamped("error" if report.when == "setup" else report.outcome, started, call.stop)
    prop = (PROPERTY, json.dumps(result.to_json()))
    report.user_properties.append(prop)
    item.user_properties.append(prop)  # JUnit XML writes the properties of the item


def _result_of(report: pytest.TestReport, call: pytest.CallInfo[None], check: AreaCheck):
    """The check's result for the reports; anything that stopped it unexpectedly is *unverified*
    (with the error), so no check can vanish from the matrix or the JSON."""
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, FactsUnavailable):
        report.longrepr = f"unverified: {error}"
        return check.result() if check.outcome is not None else check.result(unverified=str(error))
    if error is not None and not isinstance(error, pytest.fail.Exception):
        return check.result(unverified=f"internal error: {type(error).__name__}: {error}")
    if report.when == "call" and check.drift is not None:
        return check.result()
    return None


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    run = config.stash[RUN]
    if run.inventory is None:
        return None
    return [f"drverify: inventory {run.inventory_path}, {len(run.inventory.pairs)} pair(s), "
            f"fail on {run.fail_on.label} and above"]

"""The way back: ``--direction failback`` (or a pair's ``direction``) checks the same areas with
recovery as the reference, says so in every report, and reads each difference the right way round."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from drverify.areas import applicable
from drverify.facts.collect import collect_host
from drverify.inventory.model import Pair

PLAIN = Pair.model_validate({"name": "plain", "production": "local://", "recovery": "local://"})


@pytest.fixture(scope="module")
def sides(tmp_path_factory) -> tuple[Path, Path]:
    """This machine's real facts as production's snapshot, and as recovery's after an outage
    during which a partner account was created on recovery."""
    directory = tmp_path_factory.mktemp("snapshots")
    facts = collect_host(PLAIN, "production", applicable(PLAIN), directory).to_json()
    paths = []
    for role in ("production", "recovery"):
        data = json.loads(json.dumps({**facts, "role": role}))
        if role == "recovery":
            data["areas"]["users"]["data"]["users"]["acme"] = {
                "uid": 3001, "gid": 3001, "home": "/srv/mft/home/acme", "shell": "/usr/sbin/nologin",
                "home_exists": True}
        paths.append(directory / f"{role}.json")
        paths[-1].write_text(json.dumps(data))
    return paths[0], paths[1]


def inventory(directory: Path, sides: tuple[Path, Path], **pair: object) -> Path:
    path = directory / "inventory.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "pairs": [{
        "name": "eu", "production": {"snapshot": str(sides[0])}, "recovery": {"snapshot": str(sides[1])},
        **pair}]}))
    return path


def run(checks: pytest.Pytester, path: Path, *args: str) -> tuple[pytest.RunResult, dict]:
    result = checks.runpytest("checks", f"--inventory={path}", f"--drift-json={checks.path / 'drift.json'}", *args)
    return result, json.loads((checks.path / "drift.json").read_text())


@pytest.mark.parametrize("how", ["option", "inventory"])
def test_failing_back_reads_what_recovery_gained_as_missing_on_production(checks, sides, how):
    path = inventory(checks.path, sides, **({"direction": "failback"} if how == "inventory" else {}))
    result, report = run(checks, path, *(["--direction=failback"] if how == "option" else []))
    result.assert_outcomes(passed=3, failed=1)
    [record] = report["drift"]
    assert (record["area"], record["item"], record["severity"]) == ("users", "user acme", "major")
    assert record["production"] is None and record["recovery"]["uid"] == 3001
    assert record["message"].index("recovery") < record["message"].index("production")
    assert {r["direction"] for r in report["results"]} == {"failback"}
    result.stdout.fnmatch_lines(["eu (failback: recovery is the reference): *users 1 drift (major)*"])


def test_the_same_outage_for_a_takeover_is_minor_extra_user(checks, sides):
    result, report = run(checks, inventory(checks.path, sides))
    [record] = report["drift"]
    assert (record["item"], record["severity"]) == ("user acme", "minor")
    assert {r["direction"] for r in report["results"]} == {"takeover"}

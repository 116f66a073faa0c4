"""The HTML report as a person sees it: the real pytest-html file, rendered by headless Chromium.

pytest-html 4 builds its result rows with JavaScript, so only a browser shows what a reader
gets: the drift matrix, each drift table with both values side by side, and hostile strings from
a host (an iptables comment is free text anyone with root on the host can write) shown as text,
never run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from drverify.areas import AREAS
from drverify.facts.collect import collect_host
from drverify.inventory.model import Pair

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
PLAIN = Pair.model_validate({"name": "local", "production": "local://", "recovery": "local://"})


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM after the page's scripts ran (closed network: no background connections)."""
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def report(checks: pytest.Pytester, tmp_path: Path) -> Path:
    """A report of one pair whose recovery has a hostile firewall comment and an extra user."""
    if CHROMIUM is None:
        if os.geteuid() == 0:
            pytest.fail("chromium is missing: ./run.sh test installs it (Debian package chromium)")
        pytest.skip("headless Chromium is not installed (run the tests as root to install it)")
    areas = [AREAS["firewall"], AREAS["users"]]
    production = collect_host(PLAIN, "production", areas, tmp_path).to_json()
    recovery = json.loads(json.dumps(production))
    rules = recovery["areas"]["firewall"]["data"]
    rules.setdefault("tables", {})["ip4 filter"] = {"chains": {"INPUT": {"policy": "ACCEPT", "rules": [
        f'-p tcp -m tcp --dport 2222 -m comment --comment "{HOSTILE}" -j ACCEPT']}}}
    recovery["areas"]["users"]["data"]["users"]["tempadmin"] = {
        "uid": 2999, "gid": 2999, "home": "/home/tempadmin", "shell": HOSTILE, "home_exists": True}
    for role, facts in (("production", production), ("recovery", recovery)):
        (tmp_path / f"{role}.json").write_text(json.dumps({**facts, "role": role}))
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"pairs": [{
        "name": "mft-eu", "production": {"snapshot": str(tmp_path / "production.json")},
        "recovery": {"snapshot": str(tmp_path / "recovery.json")}}]}))
    html = tmp_path / "report.html"
    checks.runpytest("checks", f"--inventory={inventory}", f"--html={html}", "--self-contained-html",
                     "-k", "firewall or users")
    return html


def test_report_shows_matrix_and_side_by_side_drift_and_never_runs_host_strings(report, tmp_path):
    dom = dump_dom(report, tmp_path / "profile")
    assert "<title>pwned</title>" not in dom and "document.title" not in dom.split("<body")[0]
    assert "Drift matrix" in dom
    assert "mft-eu" in dom and "firewall" in dom and "users" in dom
    assert "critical" in dom or "major" in dom
    assert "tempadmin" in dom
    # drift tables rendered as elements (the JSON blob pytest-html ships holds them escaped)
    assert '<td class="drv-value drv-production">' in dom and '<td class="drv-value drv-recovery">' in dom
    # the hostile comment is visible as text (escaped in the DOM), and no such element exists
    assert "&lt;img src=x onerror=" in dom
    assert "<img src=\"x\"" not in dom and "<img src=x" not in dom


@pytest.mark.parametrize("javascript", [True, False])
def test_host_strings_stay_text_in_the_drift_section_with_or_without_javascript(report, tmp_path,
                                                                                          javascript):
    from browser import Browser

    browser = Browser(tmp_path / "profile")
    try:
        browser.open(report.as_uri(), 1400, javascript=javascript)
        assert browser.evaluate("document.querySelectorAll('[onerror], [onmouseover]').length") == 0
        assert browser.evaluate("document.title") != "pwned"
        assert browser.evaluate("document.querySelectorAll('.drv-hint').length") > 0
        cells = browser.evaluate("Array.from(document.querySelectorAll('td.drv-value')).map(c => c.innerText)")
        assert any(HOSTILE in cell for cell in cells)
    finally:
        browser.close()

"""Installed as a package, away from the checkout: the pytest11 entry point loads the plugin for
any pytest run, the checks ship inside the package, and ``drverify check`` gives the same test ids.

The installation is made from this checkout's own pyproject.toml: setuptools writes the package
metadata (entry points included) next to a copy of the package, and that directory alone is put
on the path, as site-packages would be.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from cli_support import EXAMPLE, REPO, clean_env, drverify


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    source, site = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("site")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "drverify", source / "drverify", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    metadata = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "egg_info",
                               "--egg-base", str(site)], cwd=source, capture_output=True, text=True, check=False)
    assert metadata.returncode == 0, metadata.stderr
    shutil.copytree(REPO / "drverify", site / "drverify", ignore=shutil.ignore_patterns("__pycache__"))  # links resolved
    return site


def test_the_package_declares_the_command_and_the_plugin(site):
    [info] = site.glob("*.egg-info")
    entry_points = (info / "entry_points.txt").read_text()
    assert "drverify = drverify.cli:main" in entry_points
    assert "[pytest11]\ndrverify.plugin = drverify.plugin" in entry_points
    assert sorted(p.name for p in (site / "drverify" / "checks").glob("test_*.py")) == sorted(
        p.name for p in (REPO / "checks").glob("test_*.py"))


def test_bare_pytest_anywhere_loads_the_plugin(site, tmp_path):
    env = clean_env(PYTHONPATH=str(site))
    result = subprocess.run([sys.executable, "-m", "pytest", "--help"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    assert "--inventory=PATH" in result.stdout and "--runpytest" not in result.stdout
    result = subprocess.run([sys.executable, "-m", "pytest", str(site / "drverify" / "checks"), "-p", "no:cacheprovider",
                             f"--inventory={EXAMPLE}", "--drift-json=drift.json", "-k", "users"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
    assert json.loads((tmp_path / "drift.json").read_text())["verdict"] == "drift"


def test_the_command_runs_the_installed_checks_with_the_usual_ids(site, tmp_path):
    result = drverify(tmp_path, "check", "--inventory", str(EXAMPLE), env=clean_env(PYTHONPATH=str(site)))
    assert result.returncode == 1, result.stdout + result.stderr
    drift = json.loads((tmp_path / "reports" / "drift.json").read_text())
    assert "checks/test_firewall.py::test_firewall[mft-eu]" in {r["nodeid"] for r in drift["results"]}
    assert not (site / "drverify" / ".pytest_cache").exists() and (tmp_path / ".pytest_cache").is_dir()

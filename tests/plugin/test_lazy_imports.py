"""A run pays only for what runs: the plugin loads in every pytest run once drverify is installed,
so importing it loads no area's library and nothing a run of drverify's checks alone needs; a run
of one area from snapshots loads no SSH client and no other area's library (pytest-testinfra's own
plugin, which loads testinfra in every pytest run, left out); ssh:// loads no paramiko; a live host
read without keeping a snapshot builds no snapshot schema. Each in a fresh interpreter (this one
has imported everything already)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: the libraries of the areas, the transports, the inventory and the reports
LIBRARIES = ("paramiko", "testinfra", "cryptography", "OpenSSL", "ldap3", "dns", "gnupg", "requests",
             "jinja2", "pydantic", "yaml")


def loaded(code: str, cwd: Path = REPO, modules: tuple[str, ...] = LIBRARIES) -> list[str]:
    """Which of ``modules`` a fresh interpreter holds after running ``code``."""
    report = f"import json, sys; print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_plugin_loads_no_library_of_a_run():
    assert loaded("import drverify.plugin") == []


def test_one_area_from_snapshots_loads_only_the_inventory_and_report_libraries(tmp_path):
    run = ("import pytest\nfrom drverify.cli import pytest_args\n"
           f"pytest.main(pytest_args(['--inventory', {str(REPO / 'inventories' / 'example.yaml')!r}, "
           "'-k', 'firewall', '-q', '-p', 'no:cacheprovider', '-p', 'no:pytest11.testinfra']))")
    assert loaded(run, tmp_path) == ["jinja2", "pydantic", "yaml"]
    assert (tmp_path / "reports" / "drift.json").is_file()


def test_an_ssh_host_loads_neither_paramiko_nor_testinfra(tmp_path):
    run = ("from pathlib import Path\nfrom drverify.facts.transport import connect\n"
           "from drverify.inventory import SshOptions\n"
           f"connect('ssh://drverify@mft-dr-01', SshOptions(), True, Path({str(tmp_path)!r}))")
    assert loaded(run) == ["pydantic", "yaml"]


def test_a_live_host_read_without_keeping_a_snapshot_builds_no_snapshot_schema(tmp_path):
    run = ("from pathlib import Path\nfrom drverify.areas import AREAS\nfrom drverify.facts.collect import collect_host\n"
           "from drverify.inventory import Pair\n"
           "pair = Pair(name='here', production='local://', recovery='local://')\n"
           f"facts = collect_host(pair, 'production', [AREAS['users']], Path({str(tmp_path)!r}))\n"
           "assert facts.data('users')['users']")
    assert loaded(run, modules=("drverify.facts.schemas", "paramiko")) == []

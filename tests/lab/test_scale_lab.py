"""The scale lab (``python -m drverify.lab up --pairs N``): N distinct pairs of real hosts, each
pair with the same core seeded drift, found by drverify pair by pair; it goes down cleanly and
the default lab comes back for the tests after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from runner import run_area_checks

from drverify.lab import Lab
from drverify.lab.scale import scale_lab

REPO = Path(__file__).resolve().parents[2]
CORE = ("disks", "network", "firewall", "users")


@pytest.mark.lab_lifecycle
def test_three_scale_pairs_each_show_the_core_seeded_drift(lab: Lab, tmp_path: Path) -> None:
    scale = scale_lab(3, lab.state_dir)
    try:
        built = subprocess.run([sys.executable, "-m", "drverify.lab", "up", "--pairs", "3",
                                "--state-dir", str(lab.state_dir)], cwd=REPO, capture_output=True, text=True,
                               timeout=120, check=False)
        assert built.returncode == 0, built.stderr
        hostnames = {scale.exec(host, ["hostname"]).stdout.strip() for host in scale.hosts}
        assert hostnames == {f"mft-{side}-{i:03d}" for side in ("prod", "dr") for i in (1, 2, 3)}
        _, report = run_area_checks(scale.inventory_path, tmp_path, areas=CORE)
        seen = {}
        for record in report["drift"]:
            index = int(record["pair"].removeprefix("scale-")) - 1
            item = record["item"].replace(f"198.51.100.{190 + index}", "RECOVERY-SERVICE-ADDRESS")
            seen.setdefault(record["pair"], set()).add((record["area"], item, record["severity"]))
        assert sorted(seen) == ["scale-001", "scale-002", "scale-003"]
        assert seen["scale-001"] == seen["scale-002"] == seen["scale-003"]
        assert ("users", "user mftsvc uid/gid", "critical") in seen["scale-001"] and len(seen["scale-001"]) == 11
        assert not [r for r in report["results"] if r["unverified"]]
        assert _connections_with_xdist(scale, tmp_path) == dict.fromkeys(scale.hosts, 1)
        scale.down()
        assert scale.status().empty, scale.status().lines()
    finally:
        lab.up()


def _connections_with_xdist(scale: Lab, tmp_path: Path) -> dict[str, int]:
    """sshd connections per host while ``-n 2`` runs the core checks: each pair on one worker."""
    for host in scale.hosts:
        scale.exec(host, ["sh", "-c", ": > /run/sshd.log"])
    (tmp_path / "xdist").mkdir()
    run, _ = run_area_checks(scale.inventory_path, tmp_path / "xdist", "-n", "2", areas=CORE)
    assert "2 workers" in run.stdout, run.stdout[-2000:]
    return {host: scale.exec(host, ["cat", "/run/sshd.log"]).stdout.count("Accepted publickey") for host in scale.hosts}

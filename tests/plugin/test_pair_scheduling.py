"""Under ``-n 2`` every check of one pair runs on one worker (each host contacted once); the lab
test counts the connections in the hosts' sshd logs."""

from __future__ import annotations

import re
from pathlib import Path

from cli_support import clean_env, drverify

from drverify.pair_scheduling import pair_of

EXAMPLE = Path(__file__).resolve().parents[2] / "inventories" / "example.yaml"


def test_the_pair_is_the_scope_of_a_check_and_anything_else_its_own():
    assert pair_of("checks/test_users.py::test_users[mft-eu-failback]") == "mft-eu-failback"
    assert pair_of("tests/test_x.py::test_y") == "tests/test_x.py::test_y"


def test_each_pair_s_checks_run_on_one_worker(tmp_path):
    result = drverify(tmp_path, "check", f"--inventory={EXAMPLE}", "-n", "2", "-v", env=clean_env())
    workers: dict[str, set[str]] = {}
    for worker, pair in re.findall(r"^\[(gw\d)\] .*::test_\w+\[([\w.@-]+)\]", result.stdout, flags=re.M):
        workers.setdefault(pair, set()).add(worker)
    assert sorted(workers) == ["mft-eu", "mft-eu-failback"], result.stdout[-2000:]
    assert all(len(used) == 1 for used in workers.values()), workers

"""Fixtures for tests against the real lab: hosts as Linux namespaces, reached over real SSH."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Sequence

import pytest

from drverify.lab import Lab, Result
from drverify.lab.default import default_lab
from drverify.lab.sharing import SharedLab

HostExec = Callable[[str, Sequence[str]], Result]
SshRun = Callable[[str, str], subprocess.CompletedProcess[str]]
LIFECYCLE = "lab_lifecycle"
LAB_FIXTURES = {"shared_lab", "lab", "host_exec", "ssh"}


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker for tests that rebuild or remove the shared lab."""
    config.addinivalue_line("markers", f"{LIFECYCLE}: rebuilds or removes the shared lab; runs last")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run lifecycle tests after every other test, so no test meets a freshly rebuilt lab
    (new host keys, dropped connections) that it did not expect."""
    items.sort(key=lambda item: item.get_closest_marker(LIFECYCLE) is not None)


@pytest.fixture(scope="session")
def shared_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedLab]:
    """The lab, built once for the whole run (once across pytest-xdist workers) and torn down
    by the last user. Skipped only without root; as root a build failure raises LabError,
    which pytest reports as a setup error, never as a skip."""
    if os.geteuid() != 0:
        pytest.skip("the lab builds network namespaces, bridges and mounts: run the tests as root")
    base = tmp_path_factory.getbasetemp()
    # xdist workers' temp dirs share a per-run parent; a lone process owns its own dir.
    shared = SharedLab(default_lab(), base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
    shared.join()
    yield shared
    shared.leave()


@pytest.fixture(scope="session")
def lab(shared_lab: SharedLab) -> Lab:
    """The Lab object: `.state_dir`, `.inventory_path`, `.hosts`, `.exec()`, `.up()`, `.down()`."""
    return shared_lab.lab


@pytest.fixture(autouse=True)
def _lab_lock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Hold the lab shared for tests that use it, exclusively for lifecycle tests.

    Tests that need no lab (pure functions of drverify.lab) neither build nor lock it.
    """
    if not LAB_FIXTURES & set(request.fixturenames):
        yield
        return
    shared: SharedLab = request.getfixturevalue("shared_lab")
    lifecycle = request.node.get_closest_marker(LIFECYCLE) is not None
    with shared.exclusive() if lifecycle else shared.shared():
        yield


@pytest.fixture
def host_exec(lab: Lab) -> HostExec:
    """Run argv inside a lab host by name (`production`, `recovery`), no SSH; raises on failure."""
    def run(host: str, argv: Sequence[str]) -> Result:
        return lab.exec(host, argv)
    return run


@pytest.fixture
def ssh(lab: Lab) -> SshRun:
    """Run a command on a lab host over OpenSSH, strictly checking its host key."""
    def run(host: str, command: str) -> subprocess.CompletedProcess[str]:
        argv = [
            "ssh", "-F", str(lab.ssh_config_path), "-i", str(lab.identity_file),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={lab.known_hosts_path}", "-o", "ConnectTimeout=5",
            f"root@{lab.hosts[host].address}", command,
        ]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    return run

"""Thin wrappers over ip, mount, unshare and nsenter: the only place the lab runs programs.

Every call goes through `run()` with an argv list (never a shell), so quoting cannot go wrong
and every failure becomes a one-line `LabError` naming the command.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drverify.lab.errors import LabError

NETNS_DIR = Path("/run/netns")
_OCTAL = re.compile(r"\\([0-7]{3})")

# Programs run inside hosts get a fixed environment: the caller's PATH may point into a
# private /root (pyenv) that the host cannot see (LAB-NOTES pitfall 6).
HOST_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
}


@dataclass(frozen=True)
class Result:
    """What a finished command returned, decoded as text for easy parsing."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run(
    argv: Sequence[str],
    *,
    stdin: bytes | None = None,
    check: bool = True,
    timeout: float = 60.0,
    env: dict[str, str] | None = None,
) -> Result:
    """Run argv to completion; raise LabError (one line) if it fails and `check` is set."""
    try:
        proc = subprocess.run(
            list(argv), input=stdin, capture_output=True, timeout=timeout, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LabError(f"{shlex.join(argv)}: {exc}") from exc
    result = Result(
        tuple(argv),
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
    if check and proc.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no error output"])[-1]
        raise LabError(f"{shlex.join(argv)} failed (exit {proc.returncode}): {reason}")
    return result


def ip_batch(commands: Iterable[str], netns: str | None = None) -> None:
    """Apply many `ip` commands in one process (`ip -batch -`): one fork instead of dozens."""
    prefix = ["ip", "-n", netns] if netns else ["ip"]
    run([*prefix, "-batch", "-"], stdin="\n".join(commands).encode() + b"\n")


def netns_list() -> list[str]:
    """Names of all named network namespaces (those under /run/netns)."""
    out = run(["ip", "-j", "netns", "list"]).stdout.strip()
    return [entry["name"] for entry in json.loads(out)] if out else []


def netns_pids(name: str) -> list[int]:
    """Pids of every process whose network namespace is `name` (empty if it is gone)."""
    out = run(["ip", "netns", "pids", name], check=False).stdout
    return [int(pid) for pid in out.split()]


def link_names() -> list[str]:
    """Names of the network interfaces in the root namespace."""
    return [link["ifname"] for link in json.loads(run(["ip", "-j", "link", "show"]).stdout)]


def mount_targets(mountinfo: str) -> list[str]:
    """Mount points listed in a /proc/PID/mountinfo text, in mount order (octal escapes decoded)."""
    targets = []
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        if len(fields) > 4:
            targets.append(_OCTAL.sub(lambda m: chr(int(m.group(1), 8)), fields[4]))
    return targets


def under(targets: Iterable[str], roots: Iterable[str]) -> list[str]:
    """The targets equal to or below any of `roots` (path-wise, not string-prefix-wise)."""
    bases = [root.rstrip("/") or "/" for root in roots]
    return [t for t in targets if any(t == b or t.startswith(b + "/") for b in bases)]


def topmost(targets: Iterable[str]) -> list[str]:
    """Drop targets that sit below another listed target: a lazy unmount of the parent takes them."""
    unique = sorted(set(targets))
    return [t for t in unique if not any(t.startswith(p.rstrip("/") + "/") for p in unique if p != t)]


def make_private_dir(path: Path) -> None:
    """Bind `path` on itself and make it private: `unshare --mount=FILE` refuses shared parents."""
    run(["mount", "--bind", str(path), str(path)])
    run(["mount", "--make-private", str(path)])


#: bounded retries of a refused namespace-file bind (see persist_namespaces)
PERSIST_ATTEMPTS = 200


def persist_namespaces(mnt_file: Path, uts_file: Path, hostname: str) -> None:
    """Create a mount+UTS namespace pair kept alive by bind mounts on two files, set its hostname.

    When the caller itself runs in a young mount namespace (a chroot or container made with
    `unshare`), the kernel can refuse the bind with EINVAL: it refuses to bind a namespace that
    looks older than the caller's, and new namespaces' ids are not strictly increasing across
    CPUs. Every refused attempt moves the id counter on, so a bounded retry gets through (seen:
    a dozen attempts); in the initial namespace the first attempt succeeds.
    """
    argv = ["unshare", f"--mount={mnt_file}", f"--uts={uts_file}", "--propagation", "private",
            "hostname", hostname]
    for _ in range(PERSIST_ATTEMPTS):
        result = run(argv, check=False)
        if result.returncode == 0:
            return
        if "Invalid argument" not in result.stderr:
            break
        run(["umount", str(uts_file)], check=False)  # bound before the mount file was refused
    run(argv)  # raises LabError with unshare's own reason


def nsenter_prefix(netns: str, mnt_file: Path, uts_file: Path) -> list[str]:
    """argv prefix that runs a program inside a host's network, mount and UTS namespaces."""
    return ["nsenter", f"--net={NETNS_DIR / netns}", f"--mount={mnt_file}", f"--uts={uts_file}", "--"]


def kill_and_wait(pids: Iterable[int], timeout: float = 2.0) -> None:
    """SIGKILL the pids and wait until they are gone (or zombies), so their namespaces can die."""
    pending = set(pids)
    for pid in pending:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        pending = {pid for pid in pending if _alive(pid)}
        if pending:
            time.sleep(0.01)
    if pending:
        raise LabError(f"processes still alive after SIGKILL: {sorted(pending)}")


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for its parent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")

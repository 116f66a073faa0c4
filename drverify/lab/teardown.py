"""Finding and removing everything the lab creates, by name prefix, so nothing is ever left behind.

Teardown does not trust the state directory to describe what exists (an earlier run may have
crashed half way): it looks for namespaces named `drv-*`, root interfaces named `drv*`, mounts
under the state directory and nsfs mounts of `drv-*` namespace files, and removes them all
(LAB-NOTES pitfall 15). Only a state directory holding the lab's marker file is deleted.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drverify.lab import firewall, netns
from drverify.lab.nodes import LINK_PREFIXES, NETNS_PREFIX

MARKER = ".drverify-lab"
ETC_NETNS = Path("/etc/netns")


@dataclass(frozen=True)
class LabStatus:
    """A snapshot of what of the lab exists; `empty` means `down` left nothing behind."""

    namespaces: tuple[str, ...]
    links: tuple[str, ...]
    mounts: tuple[str, ...]
    pids: tuple[int, ...]
    forward_rules: tuple[str, ...]
    etc_netns: tuple[str, ...]
    state_files: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """True when no namespace, interface, mount, process, rule or file of the lab exists."""
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def lines(self) -> list[str]:
        """Human-readable lines, one per kind of object found."""
        if self.empty:
            return ["lab is down: nothing left"]
        return [f"{name}: {' '.join(str(item) for item in getattr(self, name))}"
                for name in self.__dataclass_fields__ if getattr(self, name)]


def lab_mounts(state_dir: Path) -> list[str]:
    """Root-namespace mount points of the lab, in mount order (unmount in reverse).

    Besides everything under `state_dir`, this finds nsfs mounts of `drv-*` files and the ns
    directory of any other state directory (one holding the marker): there is one lab per
    machine, whichever state directory built it.
    """
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        target = netns.mount_targets(line)[0]
        fstype = line.split(" - ", 1)[1].split(" ", 1)[0] if " - " in line else ""
        ns_file = fstype == "nsfs" and Path(target).name.startswith(NETNS_PREFIX)
        if ns_file or _is_ns_dir(Path(target)) or netns.under([target], [str(state_dir)]):
            found.append(target)
    return found


def _is_ns_dir(path: Path) -> bool:
    """True for the private `ns` directory of a lab state directory."""
    return path.name == "ns" and (path.parent / MARKER).exists()


def lab_namespaces() -> list[str]:
    """Named network namespaces that belong to the lab."""
    return [name for name in netns.netns_list() if name.startswith(NETNS_PREFIX)]


def lab_links() -> list[str]:
    """Root-namespace interfaces that belong to the lab (bridges and outer veth ends)."""
    return [name for name in netns.link_names() if name.startswith(LINK_PREFIXES)]


def down(state_dir: Path, bridges: Sequence[str]) -> None:
    """Kill the lab's processes, then unmount, delete namespaces, links, rules and files."""
    names = lab_namespaces()
    netns.kill_and_wait([pid for name in names for pid in netns.netns_pids(name)])
    for name in names:  # before the unmounts below: `ip netns delete` unmounts its own file
        netns.run(["ip", "netns", "delete", name], check=False)
    mounts = lab_mounts(state_dir)
    if mounts:
        netns.run(["umount", "--lazy", *reversed(mounts)], check=False)
    links = lab_links()
    if links:  # -force: a veth may vanish with its peer's namespace while we work
        commands = "".join(f"link delete {name}\n" for name in links)
        netns.run(["ip", "-force", "-batch", "-"], stdin=commands.encode(), check=False)
    firewall.remove_bridge_rules(bridges)
    for path in ETC_NETNS.glob(f"{NETNS_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    state_dirs = {state_dir, *(Path(t).parent for t in mounts if _is_ns_dir(Path(t)))}
    if not lab_mounts(state_dir):  # never delete through a mount point
        for path in state_dirs:
            if (path / MARKER).exists():
                shutil.rmtree(path, ignore_errors=True)


def status(state_dir: Path, bridges: Sequence[str]) -> LabStatus:
    """What of the lab exists now; never raises for missing pieces."""
    names = lab_namespaces()
    files = sorted(str(p.relative_to(state_dir)) for p in state_dir.rglob("*")) if state_dir.is_dir() else []
    return LabStatus(
        namespaces=tuple(names),
        links=tuple(lab_links()),
        mounts=tuple(lab_mounts(state_dir)),
        pids=tuple(pid for name in names for pid in netns.netns_pids(name)),
        forward_rules=tuple(b for b in bridges if firewall.forward_rule_present(b)),
        etc_netns=tuple(str(p) for p in ETC_NETNS.glob(f"{NETNS_PREFIX}*")),
        state_files=tuple(files),
    )

"""Turning a bare node into an SSH host: its files, disks, data, firewall and sshd instances."""

from __future__ import annotations

from pathlib import Path

from drverify.lab import sshd
from drverify.lab.accounts import AccountFiles, render_accounts
from drverify.lab.files import UNTAR_ARGV, FileSpec, tar_bytes
from drverify.lab.firewall import restore_text
from drverify.lab.hosts import CHECK_SUDOERS, CHECK_USER, HostSpec
from drverify.lab.nodes import Node

ACCOUNT_FILES = ("passwd", "group", "shadow", "gshadow")


def hosts_text(address: str, hostname: str) -> str:
    """/etc/hosts naming only the host itself, so production's maps onto recovery's by translation."""
    return (
        "127.0.0.1\tlocalhost\n"
        f"{address}\t{hostname}\n\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
    )


def resolv_text(nameservers: tuple[str, ...]) -> str:
    """/etc/resolv.conf; short timeouts so a lab without a DNS server fails lookups fast."""
    lines = ["# drverify lab", *(f"nameserver {ns}" for ns in nameservers), "options timeout:1 attempts:1"]
    return "\n".join(lines) + "\n"


def account_file_specs(spec: HostSpec, base: AccountFiles) -> list[FileSpec]:
    """The host's passwd/group/shadow/gshadow, with the root system's modes and owners."""
    rendered = render_accounts(base, spec.seed.users, spec.seed.groups)
    specs = []
    for name in ACCOUNT_FILES:
        secret = name in ("shadow", "gshadow")
        mode, gid = _mode_and_gid(Path("/etc", name), 0o640 if secret else 0o644)
        specs.append(FileSpec.text(f"/etc/{name}", getattr(rendered, name), mode, 0, gid))
    return specs


def _mode_and_gid(path: Path, default_mode: int) -> tuple[int, int]:
    """Permission bits and group of a root-system file (shadow is root:shadow 0640 on Debian)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return default_mode, 0
    return st.st_mode & 0o7777, st.st_gid


def host_file_specs(node: Node, spec: HostSpec, base: AccountFiles, key_dir: Path,
                    client_public_key: str) -> list[FileSpec]:
    """Every file `up` places in the host: /etc, root's authorized_keys, homes, sshd configs."""
    seed = spec.seed
    files = [
        *account_file_specs(spec, base),
        FileSpec.text("/etc/hostname", spec.node.hostname + "\n"),
        FileSpec.text("/etc/hosts", hosts_text(node.address, spec.node.hostname)),
        FileSpec.text("/etc/resolv.conf", resolv_text(seed.nameservers)),
        FileSpec.dir("/root/.ssh", 0o700),
        FileSpec.text("/root/.ssh/authorized_keys", client_public_key, 0o600),
        FileSpec.dir("/run/sshd", 0o755),
    ]
    for kind in sshd.HOST_KEY_TYPES:
        private = sshd.host_key_path(key_dir, kind)
        files.append(FileSpec(f"/etc/ssh/{private.name}", private.read_bytes(), 0o600))
        public = sshd.public_key_path(private)
        files.append(FileSpec(f"/etc/ssh/{public.name}", public.read_bytes(), 0o644))
    for listener in seed.listeners:
        files.append(FileSpec.dir(str(Path(listener.config_path).parent), 0o755))
        files.append(FileSpec.text(listener.config_path, sshd.config_text(listener)))
    files += [FileSpec.dir(f"{t.path}/data", 0o755) for t in seed.tmpfs if t.fill_mib]
    files += [FileSpec.dir(user.home, 0o750, user.uid, user.gid) for user in seed.users]
    for user in (u for u in seed.users if u.ssh_key):
        files += [FileSpec.dir(f"{user.home}/.ssh", 0o700, user.uid, user.gid),
                  FileSpec.text(f"{user.home}/.ssh/authorized_keys", client_public_key, 0o600,
                                user.uid, user.gid)]
    files += [FileSpec.dir("/etc/sudoers.d", 0o755),
              FileSpec.text(f"/etc/sudoers.d/{CHECK_USER.name}", CHECK_SUDOERS, 0o440)]
    return files


def stale_host_keys(etc_ssh: Path = Path("/etc/ssh")) -> list[str]:
    """Root-system host keys of types the lab does not generate: hidden in hosts, never shared."""
    ours = {f"ssh_host_{kind}_key" for kind in sshd.HOST_KEY_TYPES}
    return sorted(str(p) for p in etc_ssh.glob("ssh_host_*key*")
                  if p.name.removesuffix(".pub") not in ours)


def mount_disks(node: Node, spec: HostSpec) -> None:
    """Mount the host's sized tmpfs disks under its private /srv."""
    for disk in spec.seed.tmpfs:
        node.run(["mkdir", "-p", disk.path])
        node.run(["mount", "-t", "tmpfs", "-o", f"size={disk.size},mode=0755", "tmpfs", disk.path])


def seed_host(node: Node, spec: HostSpec, files: list[FileSpec]) -> None:
    """Disks, files, data, firewall, then daemons: the order a real host would come up in."""
    mount_disks(node, spec)
    node.run(UNTAR_ARGV, stdin=tar_bytes(files))
    stale = stale_host_keys()
    if stale:
        node.run(["rm", "-f", *stale])  # overlayfs records whiteouts: gone in this host only
    for disk in spec.seed.tmpfs:
        if disk.fill_mib:
            node.run(["dd", "if=/dev/zero", f"of={disk.fill_file}", "bs=1M",
                      f"count={disk.fill_mib}", "status=none"])
    node.run(["iptables-restore"], stdin=restore_text(spec.seed.firewall).encode())
    for listener in spec.seed.listeners:
        node.run(listener.argv())


def wait_until_ready(node: Node, spec: HostSpec) -> None:
    """Block until every sshd instance of the host answers from the root namespace."""
    for listener in spec.seed.listeners:
        sshd.wait_for_banner(node.address, listener.port)

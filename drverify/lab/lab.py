"""The `Lab`: builds, inspects and tears down the whole set of nodes as one unit."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from drverify.lab import (
    clientfiles,
    firewall,
    netns,
    seeding,
    sshd,
    teardown,
)
from drverify.lab.accounts import read_root_accounts
from drverify.lab.errors import LabError
from drverify.lab.files import UNTAR_ARGV, FileSpec, tar_bytes
from drverify.lab.hosts import DEFAULT_BRIDGES, DEFAULT_HOSTS, HostSpec
from drverify.lab.nodes import (
    BridgeSpec,
    Node,
    NodeSpec,
    base_filesystem,
    bridge_commands,
    inner_commands,
    veth_commands,
)
from drverify.lab.teardown import LabStatus

DEFAULT_STATE_DIR = Path("/run/drverify-lab")
Provisioner = Callable[["Lab"], None]


class Lab:
    """Production and recovery hosts (and any extra nodes) as namespaces on a lab bridge.

    `up()` always starts from nothing (it runs `down()` first); `down()` never fails when
    nothing exists. Extra nodes (e.g. a services namespace) and provisioners (callables run
    with the lab once its nodes are up) let later modules add servers without changing this;
    the project's full lab is composed in :func:`drverify.lab.default.default_lab`.
    """

    def __init__(
        self,
        state_dir: Path | str = DEFAULT_STATE_DIR,
        hosts: Sequence[HostSpec] = DEFAULT_HOSTS,
        nodes: Sequence[NodeSpec] = (),
        bridges: Sequence[BridgeSpec] = DEFAULT_BRIDGES,
        provisioners: Sequence[Provisioner] = (),
    ) -> None:
        self.state_dir = Path(state_dir).absolute()
        self.bridges = tuple(bridges)
        self.host_specs = {spec.node.name: spec for spec in hosts}
        specs = [spec.node for spec in hosts] + list(nodes)
        self.nodes = {spec.name: Node(spec, self.state_dir) for spec in specs}
        self.hosts = {name: self.nodes[name] for name in self.host_specs}
        self.provisioners = tuple(provisioners)
        #: inventory keys provisioners add to every lab pair (deep-merged: network, keys, translate)
        self.pair_extra: dict[str, Any] = {}

    @property
    def inventory_path(self) -> Path:
        """The generated inventory (YAML) the project's tests load."""
        return self.state_dir / "inventory.yaml"

    @property
    def identity_file(self) -> Path:
        """The lab client's private key, authorized for root on every host."""
        return self.state_dir / "id_ed25519"

    @property
    def known_hosts_path(self) -> Path:
        """known_hosts holding every host's real host keys."""
        return self.state_dir / "known_hosts"

    @property
    def ssh_config_path(self) -> Path:
        """The ssh_config the inventory points clients at."""
        return self.state_dir / "ssh_config"

    def up(self) -> None:
        """Build everything from scratch; on failure tear down what was built and raise LabError."""
        self.down()
        try:
            self._build()
        except BaseException:
            self.down()
            raise

    def down(self) -> None:
        """Kill, unmount and delete everything of the lab; a no-op when nothing exists."""
        teardown.down(self.state_dir, [bridge.name for bridge in self.bridges])

    def status(self) -> LabStatus:
        """What of the lab exists right now (namespaces, links, mounts, processes, files)."""
        return teardown.status(self.state_dir, [bridge.name for bridge in self.bridges])

    def node(self, name: str | Node) -> Node:
        """A node by name (hosts included); LabError naming the known ones if it is not there."""
        if isinstance(name, Node):
            return name
        if name not in self.nodes:
            raise LabError(f"unknown lab node {name!r}; known: {', '.join(self.nodes)}")
        return self.nodes[name]

    def exec(self, host: str | Node, argv: Sequence[str], *, stdin: bytes | str | None = None,
             check: bool = True, timeout: float = 60.0) -> netns.Result:
        """Run argv inside a node's network, mount and UTS namespaces (as root, no SSH)."""
        data = stdin.encode() if isinstance(stdin, str) else stdin
        return self.node(host).run(argv, stdin=data, check=check, timeout=timeout)

    def put_files(self, host: str | Node, files: Sequence[FileSpec]) -> None:
        """Create files and directories inside a node (e.g. TLS keys into its private /etc)."""
        self.node(host).run(UNTAR_ARGV, stdin=tar_bytes(files))

    def spawn(self, host: str | Node, argv: Sequence[str], log_name: str) -> subprocess.Popen[bytes]:
        """Start a foreground daemon inside a node, output to `<state>/logs/<log_name>`; down kills it."""
        log_dir = self.state_dir / "logs"
        log_dir.mkdir(exist_ok=True)
        with open(log_dir / log_name, "ab") as log:
            return subprocess.Popen(self.node(host).argv(argv), stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True, env=netns.HOST_ENV)

    def _build(self) -> None:
        """The build, in the order that keeps every node's mount table alike (see the steps)."""
        for node in self.nodes.values():
            node.spec.validate()
        self._prepare_state_dir()
        keygens = self._start_keygens()
        # 1. Every mount namespace is created before any namespace file of another kind is
        #    mounted, and each node then drops the inherited ns-file mounts (base_filesystem).
        for node in self.nodes.values():
            netns.persist_namespaces(node.mnt_file, node.uts_file, node.spec.hostname)
        self._wire()
        for node in self.nodes.values():
            base_filesystem(node)
        sshd.finish_keygen(keygens)
        self._seed_hosts()
        for provision in self.provisioners:
            provision(self)
        self._write_client_files()

    def _prepare_state_dir(self) -> None:
        """State dir (0700, with the marker `down` trusts) and the private dir for ns files."""
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.state_dir.chmod(0o700)
        (self.state_dir / teardown.MARKER).touch()
        ns_dir = self.state_dir / "ns"
        ns_dir.mkdir(exist_ok=True)
        netns.make_private_dir(ns_dir)
        for node in self.nodes.values():
            node.mnt_file.touch()
            node.uts_file.touch()

    def _start_keygens(self) -> list[subprocess.Popen[bytes]]:
        """Start the client key and every host's host keys generating, all in parallel."""
        procs = [sshd.start_keygen(self.identity_file, "ed25519", "drverify-lab-client")]
        for name, spec in self.host_specs.items():
            key_dir = self._key_dir(name)
            key_dir.mkdir(parents=True, exist_ok=True)
            for kind in sshd.HOST_KEY_TYPES:
                procs.append(sshd.start_keygen(sshd.host_key_path(key_dir, kind), kind,
                                               f"root@{spec.node.hostname}"))
        return procs

    def _key_dir(self, host: str) -> Path:
        """Where a host's host keys are kept on the root filesystem (for known_hosts)."""
        return self.state_dir / "hosts" / host

    def _wire(self) -> None:
        """Network namespaces, bridges, veths and addresses; the root FORWARD rule if needed."""
        for node in self.nodes.values():
            netns.run(["ip", "netns", "add", node.spec.netns])
        root_lines = bridge_commands(self.bridges)
        for node in self.nodes.values():
            root_lines += veth_commands(node.spec)
        netns.ip_batch(root_lines)
        for node in self.nodes.values():
            netns.ip_batch(inner_commands(node.spec), netns=node.spec.netns)
        firewall.allow_bridges([bridge.name for bridge in self.bridges])

    def _seed_hosts(self) -> None:
        """Seed every SSH host, then wait until all their sshd instances answer."""
        base = read_root_accounts()
        client_key = sshd.public_key_path(self.identity_file).read_text()
        for name, spec in self.host_specs.items():
            node = self.hosts[name]
            files = seeding.host_file_specs(node, spec, base, self._key_dir(name), client_key)
            seeding.seed_host(node, spec, files)
        for name, spec in self.host_specs.items():
            seeding.wait_until_ready(self.hosts[name], spec)

    def _write_client_files(self) -> None:
        """known_hosts, ssh_config and inventory.yaml for the project's tests."""
        lines = []
        for name, spec in self.host_specs.items():
            for listener in spec.seed.listeners:
                host_spec = sshd.known_hosts_spec(self.hosts[name].address, listener.port)
                lines += sshd.known_hosts_lines(host_spec, self._key_dir(name))
        clientfiles.write_known_hosts(self.known_hosts_path, lines)
        clientfiles.write_ssh_config(self.ssh_config_path)
        if {"production", "recovery"} <= self.hosts.keys():
            data = clientfiles.inventory_data(self.state_dir, self.hosts["production"].address,
                                              self.hosts["recovery"].address, self.pair_extra)
            clientfiles.write_inventory(self.inventory_path, data)

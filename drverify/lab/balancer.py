"""The load balancer in front of the SFTP service: HAProxy 2.6 on a third lab host, ``mft-lb``.

``mft-lb`` (198.51.100.6) is an SSH host like the other two (its own namespace, /etc, /run and
sshd, seeded by the same machinery, its host keys in the lab's known_hosts): drverify reads the
balancer's Runtime API through its SSH connection, as it would a real one. HAProxy runs there in
TCP mode: the frontend 198.51.100.6:2122 forwards to the backend ``mft_sftp``, whose active
server ``mft-prod`` is production's ProFTPD and whose backup server ``mft-dr`` is recovery's.
Its stats socket is Debian's default, ``/run/haproxy/admin.sock`` (in the host's private /run).

Seeded drift: ``mft-dr`` is declared ``disabled``, so the balancer keeps it in maintenance and
would never fail over to it (load_balancer, major).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from drverify.lab.errors import LabError
from drverify.lab.files import FileSpec
from drverify.lab.firewall import FilterRuleset
from drverify.lab.hosts import LAB_BRIDGE, LAB_NAMESERVER, HostSeed, HostSpec
from drverify.lab.mftservice import PORT
from drverify.lab.nodes import Link, NodeSpec
from drverify.lab.services import wait_for_port

if TYPE_CHECKING:
    from drverify.lab.handle import LabHandle

ADDRESS = "198.51.100.6"
BACKEND = "mft_sftp"
MEMBERS = {"production": "mft-prod", "recovery": "mft-dr"}
CONFIG = "/etc/haproxy/haproxy.cfg"
SOCKET = "/run/haproxy/admin.sock"
PID_FILE = "/run/haproxy/haproxy.pid"
ARGV = ("haproxy", "-D", "-p", PID_FILE, "-f", CONFIG)
READY_SECONDS = 5.0

BALANCER = HostSpec(
    node=NodeSpec("balancer", "drv-lb", "mft-lb", (Link(LAB_BRIDGE.name, (f"{ADDRESS}/24",)),)),
    seed=HostSeed(
        users=(), groups=(), tmpfs=(),
        firewall=FilterRuleset(("-i lo -j ACCEPT", "-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                                "-p tcp --dport 22 -j ACCEPT", f"-p tcp --dport {PORT} -j ACCEPT")),
        nameservers=(LAB_NAMESERVER,),
    ),
)


def haproxy_cfg(production: str, recovery: str) -> str:
    """TCP mode; production active, recovery a backup, health-checked (recovery: seeded disabled)."""
    return f"""\
global
    stats socket {SOCKET} mode 660 level admin
    pidfile {PID_FILE}

defaults
    mode tcp
    timeout connect 2s
    timeout client 5m
    timeout server 5m

frontend mft_sftp_in
    bind {ADDRESS}:{PORT}
    default_backend {BACKEND}

backend {BACKEND}
    server {MEMBERS["production"]} {production}:{PORT} check inter 2s
    server {MEMBERS["recovery"]} {recovery}:{PORT} check inter 2s backup disabled
"""


def provision(lab: LabHandle) -> None:
    """Start HAProxy on the balancer host; add the ``load_balancer`` keys to every lab pair."""
    if not {"production", "recovery", BALANCER.node.name} <= lab.hosts.keys():
        return
    config = haproxy_cfg(lab.hosts["production"].address, lab.hosts["recovery"].address)
    lab.put_files(BALANCER.node.name, [FileSpec.dir("/run/haproxy", 0o755), FileSpec.text(CONFIG, config)])
    start(lab)
    lab.pair_extra["load_balancer"] = inventory_keys()


def inventory_keys() -> dict[str, Any]:
    """The ``load_balancer`` section: the balancer reached like the pair's hosts (``{scheme}``
    is each lab pair's own transport)."""
    return {"host": f"{{scheme}}://root@{ADDRESS}", "backend": BACKEND,
            "production_member": MEMBERS["production"], "recovery_member": MEMBERS["recovery"],
            "expect": "backup", "timeout": 3}


def start(lab: LabHandle) -> None:
    """Start HAProxy (it daemonizes) and wait until its frontend and stats socket answer."""
    lab.exec(BALANCER.node.name, list(ARGV))
    deadline = time.monotonic() + READY_SECONDS
    wait_for_port(ADDRESS, PORT, deadline)
    while lab.exec(BALANCER.node.name, ["test", "-S", SOCKET], check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise LabError(f"HAProxy's stats socket {SOCKET} did not appear")
        time.sleep(0.01)


def stop(lab: LabHandle) -> None:
    """Stop HAProxy as an outage would (its socket file stays behind, refusing connections)."""
    lab.exec(BALANCER.node.name, ["sh", "-c", f'kill "$(cat {PID_FILE})"'])
    deadline = time.monotonic() + READY_SECONDS
    while lab.exec(BALANCER.node.name, ["sh", "-c", f'kill -0 "$(cat {PID_FILE})"'], check=False).returncode == 0:
        if time.monotonic() > deadline:
            raise LabError("HAProxy did not stop")
        time.sleep(0.02)

"""The lab's way out: two tinyproxy instances, an IP-echo "internet", and two partner servers.

- production's proxy listens on 198.51.100.4:3128 and leaves from 203.0.113.11 (tinyproxy's
  ``Bind``); recovery's on 198.51.100.5:3128 leaves from 203.0.113.21 -- seeded: partners only
  allow 203.0.113.11. Both require Basic credentials, random per ``up``, kept in a 0600 file;
- the echo endpoint (http://203.0.113.80/) answers with the caller's address: as JSON
  (``{"ip": "203.0.113.11", "via": "drverify-lab"}``) to production's proxy, as plain text to
  recovery's, so that every run reads both shapes real echo services use;
- partner-sftp (198.51.100.8:22) allows production's address only (seeded: its own firewall
  refuses recovery, so recovery's ruleset gains no extra rule); partner-https
  (198.51.100.9:443) is open to both.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drverify.lab.files import FileSpec

if TYPE_CHECKING:
    from subprocess import Popen

    from drverify.lab.handle import LabHandle

#: echo.py is copied into each node that runs it: the repository may live under /root, which is
#: private (and empty) inside lab nodes
ECHO_SOURCE = Path(__file__).with_name("echo.py")
ECHO_DIR = "/run/drverify-echo"
ECHO_ADDRESS = "203.0.113.80"
PROXY_USER = "mftproxy"
RUN_DIR = "/run/tinyproxy"


@dataclass(frozen=True)
class Proxy:
    name: str
    listen: str
    egress: str
    port: int = 3128


PROXIES = (Proxy("prod", "198.51.100.4", "203.0.113.11"), Proxy("dr", "198.51.100.5", "203.0.113.21"))
PARTNER_SFTP = ("198.51.100.8", 22)
PARTNER_HTTPS = ("198.51.100.9", 443)
#: the partner's own allowlist: only production's address may open its SFTP port
PARTNER_FIREWALL = f"""\
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -d {PARTNER_SFTP[0]}/32 -p tcp --dport {PARTNER_SFTP[1]} -s 198.51.100.10/32 -j ACCEPT
-A INPUT -d {PARTNER_SFTP[0]}/32 -p tcp --dport {PARTNER_SFTP[1]} -j REJECT --reject-with tcp-reset
COMMIT
"""


def tinyproxy_conf(proxy: Proxy, password: str) -> str:
    """Listen on the lab bridge, leave from the proxy's own egress address, Basic auth."""
    return "\n".join([
        "User tinyproxy", "Group tinyproxy",
        f"Listen {proxy.listen}", f"Port {proxy.port}", f"Bind {proxy.egress}",
        "Timeout 10", "MaxClients 20", "LogLevel Info", "Allow 198.51.100.0/24",
        "ConnectPort 443", "DisableViaHeader Yes", f"BasicAuth {PROXY_USER} {password}",
    ]) + "\n"


def proxy_argv(proxy: Proxy) -> list[str]:
    return ["tinyproxy", "-d", "-c", f"{RUN_DIR}/{proxy.name}.conf"]


def start_proxies(lab: LabHandle, node: str, secret_dir: Path) -> tuple[list[Popen[bytes]], Path]:
    """Both tinyproxy instances, in the foreground; (processes, credentials file)."""
    password = secrets.token_urlsafe(18)
    credentials = secret_dir / "proxy.credentials"
    credentials.write_text(f"{PROXY_USER}:{password}")
    credentials.chmod(0o600)
    files = [FileSpec.dir(RUN_DIR, 0o755)]
    files += [FileSpec.text(f"{RUN_DIR}/{p.name}.conf", tinyproxy_conf(p, password), 0o600) for p in PROXIES]
    lab.put_files(node, files)
    procs = [lab.spawn(node, proxy_argv(p), f"tinyproxy-{p.name}.log") for p in PROXIES]
    return procs, credentials


def start_partners(lab: LabHandle, node: str) -> Popen[bytes]:
    """The partners' servers (one echo process), behind the partner's allowlist."""
    lab.exec(node, ["iptables-restore"], stdin=PARTNER_FIREWALL)
    listeners = [f"{host}:{port}" for host, port in (PARTNER_SFTP, PARTNER_HTTPS)]
    return lab.spawn(node, ["/usr/bin/python3", _install_echo(lab, node), *listeners], "partners.log")


def start_echo(lab: LabHandle, node: str) -> Popen[bytes]:
    """The internet's "what is my IP" endpoint: JSON for production's proxy, plain text for recovery's."""
    return lab.spawn(node, ["/usr/bin/python3", _install_echo(lab, node), f"--json-for={PROXIES[0].egress}",
                            f"{ECHO_ADDRESS}:80"], "echo.log")


def _install_echo(lab: LabHandle, node: str) -> str:
    """Copy echo.py into the node; the path to run it from there."""
    path = f"{ECHO_DIR}/echo.py"
    lab.put_files(node, [FileSpec.dir(ECHO_DIR, 0o755), FileSpec.text(path, ECHO_SOURCE.read_text())])
    return path

"""Record the network area's real command outputs inside throwaway network namespaces (root only).

Usage, from the repository root: ``python tests/data/network/record.py``. Builds a production-like
and a recovery-like namespace (documentation addresses only), runs the area's commands through the
real batch script, writes the framed output to ``<case>.txt`` here, and deletes what it made.
Nothing touches the root namespace's network.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from drverify.facts import network  # noqa: E402
from drverify.facts.batch import build_script, new_boundary  # noqa: E402

SITES = {
    "production": {"ns": "drvrec-net-prod", "dev": "eth0", "v4": ["198.51.100.10/24", "198.51.100.12/24"],
                   "v6": "2001:db8:1::10", "mft_ports": [22, 2222]},
    "recovery": {"ns": "drvrec-net-rec", "dev": "ens3", "v4": ["198.51.100.20/24"],
                 "v6": "2001:db8:1::20", "mft_ports": [22]},
}
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def sh(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def build(site: dict) -> None:
    ns, dev = site["ns"], site["dev"]
    sh("ip", "netns", "add", ns)
    sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0")
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", "peer-" + dev)
    for link in (dev, "peer-" + dev):
        sh("ip", "-n", ns, "link", "set", link, "up")
    for address in site["v4"]:
        sh("ip", "-n", ns, "addr", "add", address, "dev", dev)
    sh("ip", "-n", ns, "addr", "add", site["v6"] + "/64", "dev", dev, "nodad")
    sh("ip", "-n", ns, "route", "add", "203.0.113.0/25", "via", "198.51.100.1")
    sh("ip", "-n", ns, "route", "add", "blackhole", "203.0.113.192/26")
    sh("ip", "-n", ns, "route", "add", "203.0.113.128/26", "table", "100",
       "nexthop", "via", "198.51.100.1", "nexthop", "via", "198.51.100.2")
    sh("ip", "-n", ns, "-6", "route", "add", "2001:db8:2::/48", "via", "2001:db8:1::1")
    sh("ip", "-n", ns, "-6", "route", "add", "default", "via", "fe80::1", "dev", dev)


def link_local(ns: str, dev: str) -> str:
    links = json.loads(sh("ip", "-n", ns, "-j", "addr", "show", "dev", dev).stdout)
    return next(a["local"] for a in links[0]["addr_info"] if a["local"].startswith("fe80:"))


def start(ns: str, argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(["ip", "netns", "exec", ns, *argv], stdout=subprocess.PIPE, text=True)


def start_services(site: dict, keydir: str) -> list[subprocess.Popen]:
    ns, dev = site["ns"], site["dev"]
    key = f"{keydir}/host_ed25519"
    procs = []
    for port in site["mft_ports"]:
        sshd = (f"mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec /usr/sbin/sshd -D -f /dev/null"
                f" -h {key} -p {port} -o PidFile=none")
        procs.append(start(ns, ["unshare", "-m", "sh", "-c", sshd]))
    helper = ["/usr/bin/python3", str(HERE / "listen.py")]
    for name, specs in (
        ("mft-agent", ["tcp46|::|8443|", f"tcp6|{site['v6']}|9443|",
                       f"tcp6|{link_local(ns, dev)}|9000|{dev}", "tcp|127.0.0.1|5432|"]),
        ("dns cache", ["udp|127.0.0.1|53|"]),
        ("dhclient", [f"udp|0.0.0.0|68|{dev}", "udp|0.0.0.0|0|"]),
    ):
        proc = start(ns, [*helper, name, *specs])
        proc.stdout.readline()
        procs.append(proc)
    return procs


def collect(ns: str, prefix: list[str], path: Path) -> None:
    boundary = new_boundary()
    script = build_script(network.commands(None, "production"), boundary)  # type: ignore[arg-type]
    out = subprocess.run(["ip", "netns", "exec", ns, *prefix, "sh", "-s"], input=script,
                         text=True, capture_output=True, check=True).stdout
    path.write_text(out)
    print("wrote", path)


def main() -> None:
    procs: list[subprocess.Popen] = []
    try:
        with tempfile.TemporaryDirectory() as keydir:
            sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{keydir}/host_ed25519")
            for site in SITES.values():
                build(site)
                procs += start_services(site, keydir)
            time.sleep(1)
            for case, site in SITES.items():
                collect(site["ns"], [], HERE / f"{case}.txt")
            collect(SITES["production"]["ns"], NOBODY, HERE / "nobody.txt")
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        for site in SITES.values():
            subprocess.run(["ip", "netns", "del", site["ns"]], check=False)


main()

"""Record the firewall area's real command outputs inside throwaway network namespaces (root only).

Usage, from the repository root: ``python tests/data/firewall/record.py``. Each case is a fresh
namespace loaded with iptables, ip6tables and nft rules (documentation addresses only); the area's
commands run through the real batch script and the framed output is written to ``<case>.txt``
here. The namespaces are deleted afterwards: the root namespace's firewall is never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from drverify.facts import firewall  # noqa: E402
from drverify.facts.batch import build_script, new_boundary  # noqa: E402

INPUT_RULES = [
    "-i lo -j ACCEPT",
    "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "-p tcp -m tcp --dport 22 -j ACCEPT",
    "-s 203.0.113.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT",
    "-s 198.51.100.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT",
]
MFT_TABLE = """
table inet mft {
    set partners { type ipv4_addr; flags interval; elements = { 203.0.113.0/24, 198.51.100.7 } }
    chain input {
        type filter hook input priority 10; policy accept;
        ip saddr @partners tcp dport 2222 counter accept comment "partners"
    }
}
"""
VARIETY_NFT = """
table ip mft {
    map ports { type inet_service : verdict; elements = { 2222 : accept, 8080 : drop } }
    set admins { type ipv4_addr . inet_service; elements = { 198.51.100.5 . 22 } }
    set ranges { type ipv4_addr; flags interval; elements = { 198.51.100.100-198.51.100.120 } }
    set seen { type ipv4_addr; size 1024; flags dynamic,timeout; timeout 1m; }
    chain input {
        type filter hook input priority 5; policy accept;
        ip saddr . tcp dport @admins counter accept
        update @seen { ip saddr } counter
        tcp dport vmap @ports
        ip saddr @ranges drop
    }
}
table ip6 filter {
    set partners6 { type ipv6_addr; elements = { 2001:db8:2::1 } }
    chain INPUT {
        type filter hook input priority 0; policy accept;
        ip6 saddr @partners6 counter accept
    }
}
"""
VARIETY_IPTABLES = [
    "iptables -P FORWARD DROP",
    "iptables -N MFT-PARTNERS",
    "iptables -A INPUT -i lo -j ACCEPT",
    "iptables -A INPUT -p tcp --dport 2222 -j MFT-PARTNERS",
    "iptables -A MFT-PARTNERS -s 203.0.113.0/24 -m comment --comment 'partner \"acme\" ltd' -j ACCEPT",
    "iptables -A MFT-PARTNERS -j REJECT --reject-with tcp-reset -p tcp",
    "iptables -t nat -A PREROUTING -p tcp --dport 22 -j DNAT --to-destination 198.51.100.10:2222",
]
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def sh(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(args, check=True, text=True, capture_output=True, input=stdin).stdout


def lab_rules(ns: str, rules: list[str]) -> None:
    """The lab's INPUT chain, the same IPv6 rule on both sites and the nft-native ``inet mft``."""
    run = ["ip", "netns", "exec", ns]
    sh(*run, "iptables", "-P", "INPUT", "DROP")
    for rule in rules:
        sh(*run, "sh", "-c", f"iptables -A INPUT {rule}")
    sh(*run, "ip6tables", "-P", "INPUT", "DROP")
    sh(*run, "ip6tables", "-A", "INPUT", "-s", "2001:db8:2::/48", "-p", "tcp", "--dport", "2222",
       "-j", "ACCEPT")
    sh(*run, "nft", "-f", "-", stdin=MFT_TABLE)


def variety(ns: str) -> None:
    """A custom chain, a quoted comment, nat, nft maps, concatenations, ranges, a dynamic set."""
    for command in VARIETY_IPTABLES:
        sh("ip", "netns", "exec", ns, "sh", "-c", command)
    sh("ip", "netns", "exec", ns, "nft", "-f", "-", stdin=VARIETY_NFT)


def traffic(ns: str) -> None:
    """A few packets over lo, so that counters are not all zero."""
    knock = ("import socket\nfor p in (22, 2222, 8080):\n"
             "    s = socket.socket(); s.settimeout(0.3); s.connect_ex(('127.0.0.1', p))")
    sh("ip", "netns", "exec", ns, "/usr/bin/python3", "-c", knock)


def only(tools: list[str], bindir: str) -> list[str]:
    """An ``env`` prefix whose PATH offers just these firewall tools (the others: exit 127)."""
    for tool in tools:
        os.symlink(f"/usr/sbin/{tool}", f"{bindir}/{tool}")
    return ["env", f"PATH={bindir}:/usr/bin:/bin"]


def collect(ns: str, prefix: list[str], path: Path, commands: dict[str, str] | None = None) -> None:
    boundary = new_boundary()
    commands = commands or firewall.commands(None, "production")  # type: ignore[arg-type]
    out = subprocess.run(["ip", "netns", "exec", ns, *prefix, "sh", "-s"], check=True, text=True,
                         capture_output=True, input=build_script(commands, boundary)).stdout
    path.write_text(out)
    print("wrote", path)


def record(case: str, setup, prefix: list[str] | None = None,
           commands: dict[str, str] | None = None) -> None:
    ns = f"drvrec-fw-{case}"[:15]
    sh("ip", "netns", "add", ns)
    try:
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        setup(ns)
        traffic(ns)
        collect(ns, prefix or [], HERE / f"{case}.txt", commands)
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)


def main() -> None:
    recovery_rules = [rule for rule in INPUT_RULES if "203.0.113" not in rule]
    recovery_rules.append("-p tcp -m tcp --dport 8080 -j ACCEPT")
    record("production", lambda ns: lab_rules(ns, INPUT_RULES))
    record("recovery", lambda ns: lab_rules(ns, recovery_rules))
    record("variety", variety)
    record("counters", variety, commands={"iptables-save": "iptables-save -c"})
    record("empty", lambda ns: None)
    record("nobody", lambda ns: lab_rules(ns, INPUT_RULES), NOBODY)
    with tempfile.TemporaryDirectory() as nft_only, tempfile.TemporaryDirectory() as xt_only:
        record("nft-only", lambda ns: lab_rules(ns, INPUT_RULES), only(["nft"], nft_only))
        record("iptables-only", lambda ns: lab_rules(ns, INPUT_RULES),
               only(["iptables-save", "ip6tables-save"], xt_only))


main()

"""The minimal reference drverify is measured against (issue 11): for every pair of an
inventory, one ``ssh`` call per host running all the core collection commands in one shell
script, every host at once, then an in-process comparison of the four core areas (disks,
network, firewall, users) with the pair's translation. No pytest, no plugin, no report beyond one
line per difference. It finds what drverify's core areas find on the scale lab, told simply.

Run: ``python bench/reference.py INVENTORY`` (ssh:// hosts, the inventory's ``defaults.ssh``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

SCRIPT = r"""
echo '@@findmnt'; findmnt -J -b -o TARGET,SIZE,USED
echo '@@ip'; ip -j addr show
echo '@@ss'; ss -Htln
echo '@@iptables'; iptables-save
echo '@@passwd'; getent passwd
echo '@@group'; getent group
"""


def collect(address: str, ssh: dict[str, str]) -> dict[str, str]:
    argv = ["ssh", "-F", ssh["config"], "-i", ssh["identity_file"], "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={ssh['known_hosts']}",
            "--", address, "sh", "-s"]
    out = subprocess.run(argv, input=SCRIPT, capture_output=True, text=True, timeout=60, check=True).stdout
    parts = re.split(r"^@@(\w+)\n", out, flags=re.M)[1:]
    return dict(zip(parts[::2], parts[1::2]))


def facts(raw: dict[str, str]) -> dict[str, object]:
    mounts = {m["target"]: m for m in _walk(json.loads(raw["findmnt"])["filesystems"])}
    addresses = {a["local"] for link in json.loads(raw["ip"]) for a in link.get("addr_info", [])
                 if link["ifname"] != "lo"}
    listeners = {line.split()[3].rsplit(":", 1)[1] for line in raw["ss"].splitlines() if line.strip()}
    rules = {line for line in raw["iptables"].splitlines() if line.startswith("-A ")}
    users = {f[0]: (f[2], f[3]) for f in (line.split(":") for line in raw["passwd"].splitlines())}
    groups = {f[0]: (f[2], frozenset(filter(None, f[3].split(",")))) for f in
              (line.split(":") for line in raw["group"].splitlines())}
    return {"mounts": mounts, "addresses": addresses, "listeners": listeners, "rules": rules,
            "users": users, "groups": groups}


def _walk(filesystems: list[dict]) -> list[dict]:
    found = []
    for fs in filesystems:
        found.append(fs)
        found += _walk(fs.get("children", []))
    return found


def compare(production: dict, recovery: dict, translate: dict[str, str]) -> list[str]:
    def tr(text: str) -> str:
        for old, new in translate.items():
            text = text.replace(old, new)
        return text
    drift = []
    for target, mount in production["mounts"].items():
        if not target.startswith("/srv"):
            continue
        other = recovery["mounts"].get(target)
        if other is None:
            drift.append(f"disks {target}: missing on recovery")
        elif int(other["size"]) < int(mount["used"]) * 1.2:
            drift.append(f"disks {target}: {other['size']} < {mount['used']} used + 20%")
    drift += [f"network address {a}: missing" for a in sorted({tr(a) for a in production["addresses"]} - recovery["addresses"])]
    drift += [f"network listener {p}" for p in sorted(production["listeners"] ^ recovery["listeners"])]
    drift += [f"firewall {r}" for r in sorted({tr(r) for r in production["rules"]} ^ recovery["rules"])]
    for name, ids in production["users"].items():
        if recovery["users"].get(name, ids) != ids:
            drift.append(f"users {name} uid/gid")
    drift += [f"users user {n}" for n in sorted(recovery["users"].keys() - production["users"].keys())]
    for name, (_gid, members) in production["groups"].items():
        if name in recovery["groups"] and recovery["groups"][name][1] != members:
            drift.append(f"users group {name} members")
    drift += [f"users group {n}" for n in sorted(recovery["groups"].keys() - production["groups"].keys())]
    return drift


def main(inventory: str) -> int:
    data = yaml.safe_load(Path(inventory).read_text())
    ssh = data["defaults"]["ssh"]
    hosts = [(pair["name"], role, pair[role].removeprefix("ssh://")) for pair in data["pairs"]
             for role in ("production", "recovery")]
    with ThreadPoolExecutor(max_workers=len(hosts)) as pool:
        raw = list(pool.map(lambda host: collect(host[2], ssh), hosts))
    seen = {(name, role): facts(out) for (name, role, _), out in zip(hosts, raw)}
    total = 0
    for pair in data["pairs"]:
        drift = compare(seen[pair["name"], "production"], seen[pair["name"], "recovery"], pair.get("translate", {}))
        total += len(drift)
        print(*(f"{pair['name']}: {line}" for line in drift), sep="\n")
    print(f"reference: {total} differences in {len(data['pairs'])} pairs")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Record the example's MFT raw outputs (root, Debian 12 with proftpd-core, haproxy and socat).

    PYTHONPATH=. python inventories/example-snapshots/record_mft.py

Writes ``raw/<role>/mft_config.txt``, ``raw/<role>/mft_software.txt`` and
``raw/<role>/load_balancer.json``; then run ``build.py``. Every command is the area's own
(``mft_config.commands``, ``mft_software.commands`` for the example inventory), run through the
real batch script in a throwaway mount namespace per host (``unshare --mount``; tmpfs over
/etc/proftpd and /srv) set up as that host would be on its snapshot's date:

- production (2026-11-19): the ProFTPD tree with acme and globex (``ftpasswd``), exported
  nightly with ``tar`` on 11-17; on 11-18 globex's password was changed, initech added and
  MaxInstances raised, then exported on 11-18 and 11-19;
- recovery (2026-11-26): the 11-16 and 11-17 exports were shipped (nothing since); the 11-17
  one was restored, its DefaultAddress changed to recovery's VIP, and a ``drtest`` user added
  for the last drill; its copy of the crypto module's package is truncated.

Written, not run here, in the formats recorded under tests/data/mft: the systemd view of the
unit (``systemctl show`` prints KEY=VALUE lines; no systemd runs on this machine) and recovery's
older package version (``dpkg installed 1.3.8+dfsg-4+deb12u3``; the machine has deb12u5, which
production's frame records for real). The clock line of the export frame is set to each
snapshot's collection time. The balancer's answers come from a real HAProxy in a throwaway
network namespace: production's member a listener on 198.51.100.20:2222, recovery's
203.0.113.20 unreachable (its health check fails: DOWN), parsed with ``load_balancer.parse``.
The installers are stand-in files (their checksums are the inventory's). The passwords below
never leave the namespaces: only SHA-256 digests of their hashes are recorded.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from drverify.facts import load_balancer, mft_config, mft_software  # noqa: E402
from drverify.facts.batch import build_script, new_boundary, split_output  # noqa: E402
from drverify.inventory import load_inventory  # noqa: E402

PAIR = load_inventory(HERE.parent / "example.yaml").pair("mft-eu")
NOW = {"production": 1795053600, "recovery": 1795658400}  # the snapshots' collection times
DAY = {"11-16": 1794790800, "11-17": 1794877200, "11-18": 1794963600, "11-19": 1795050000}
EXPORTS = "/srv/mft/config-exports"
INSTALLERS = "/srv/mft/installers"
DEBS = ("proftpd-core", "proftpd-mod-crypto")

CONF = """# ProFTPD: the partners' SFTP service (managed by config management)
ServerName "MFT EU"
ServerType standalone
DefaultServer on
Port 2222
DefaultAddress 198.51.100.20
User proftpd
Group nogroup
Umask 027
MaxInstances 30
PidFile /run/proftpd/proftpd.pid
ScoreboardFile /run/proftpd/proftpd.scoreboard
SystemLog /var/log/proftpd/proftpd.log
TransferLog /var/log/proftpd/xferlog
AuthOrder mod_auth_file.c
AuthUserFile /etc/proftpd/ftpd.passwd
RequireValidShell off
DefaultRoot ~
Include /etc/proftpd/conf.d/*.conf
"""
SFTP = """<IfModule mod_sftp.c>
  SFTPEngine on
  SFTPLog /var/log/proftpd/sftp.log
  SFTPHostKey /etc/ssh/ssh_host_ed25519_key
  SFTPAuthMethods publickey keyboard-interactive
</IfModule>
"""
COMMON = f"""
mount -t tmpfs tmpfs /etc/proftpd && mount -t tmpfs tmpfs /srv
mkdir -p /etc/proftpd/conf.d {EXPORTS} {INSTALLERS} /srv/mft/data/acme /srv/mft/data/globex /srv/mft/data/initech /srv/mft/data/drtest
cat >/etc/proftpd/proftpd.conf <<'@@'
{CONF}@@
cat >/etc/proftpd/conf.d/sftp.conf <<'@@'
{SFTP}@@
user() {{ echo "$3" | /usr/sbin/ftpasswd --passwd --file=/etc/proftpd/ftpd.passwd --name="$1" --uid="$2" --gid=2001 \\
  --home=/srv/mft/data/"$1" --shell=/bin/false --sha512 --stdin >/dev/null 2>&1; }}
export_on() {{ tar -C / -czf {EXPORTS}/proftpd-$1.tar.gz etc/proftpd && touch -d @$2 {EXPORTS}/proftpd-$1.tar.gz; }}
deb() {{ printf 'drverify example stand-in for %s_1.3.8+dfsg-4+deb12u5_amd64.deb\\n' "$1" >{INSTALLERS}/"$1"_1.3.8+dfsg-4+deb12u5_amd64.deb; }}
"""
PRODUCTION = COMMON + f"""
user acme 3001 example-acme-1; user globex 3002 example-globex-1
export_on 20261117 {DAY['11-17']} && cp -p {EXPORTS}/proftpd-20261117.tar.gz "$SCRATCH/shipped-20261117.tar.gz"
echo example-globex-2 | /usr/sbin/ftpasswd --passwd --file=/etc/proftpd/ftpd.passwd --name=globex --change-password --stdin >/dev/null 2>&1
user initech 3003 example-initech-1
sed -i 's/^MaxInstances 30$/MaxInstances 60/' /etc/proftpd/proftpd.conf
export_on 20261118 {DAY['11-18']}; export_on 20261119 {DAY['11-19']}
deb proftpd-core; deb proftpd-mod-crypto
"""
RECOVERY = COMMON + f"""
cp -p "$SCRATCH/shipped-20261117.tar.gz" {EXPORTS}/proftpd-20261117.tar.gz
cp {EXPORTS}/proftpd-20261117.tar.gz {EXPORTS}/proftpd-20261116.tar.gz && touch -d @{DAY['11-16']} {EXPORTS}/proftpd-20261116.tar.gz
rm -f /etc/proftpd/proftpd.conf /etc/proftpd/conf.d/sftp.conf && tar -C / -xzf {EXPORTS}/proftpd-20261117.tar.gz
sed -i 's/^DefaultAddress 198.51.100.20$/DefaultAddress 203.0.113.20/' /etc/proftpd/proftpd.conf
user drtest 3999 example-drtest-1
deb proftpd-core; deb proftpd-mod-crypto
head -c 40 {INSTALLERS}/proftpd-mod-crypto_1.3.8+dfsg-4+deb12u5_amd64.deb >/tmp/t && cat /tmp/t >{INSTALLERS}/proftpd-mod-crypto_1.3.8+dfsg-4+deb12u5_amd64.deb
"""
SYSTEMD = {"production": "manager=systemd\nLoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=enabled\n",
           "recovery": "manager=systemd\nLoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=disabled\n"}
RECOVERY_VERSION = "dpkg installed 1.3.8+dfsg-4+deb12u3\n"

HAPROXY = """global
    stats socket {dir}/admin.sock mode 660 level admin
    pidfile {dir}/haproxy.pid
defaults
    mode tcp
    timeout connect 1s
    timeout client 1m
    timeout server 1m
frontend mft_sftp_in
    bind 127.0.0.1:2222
    default_backend mft_sftp
backend mft_sftp
    server mft-prod-01 198.51.100.20:2222 check inter 500ms
    server mft-dr-01 203.0.113.20:2222 check inter 500ms backup
"""


def host(role: str, scratch: Path) -> None:
    commands = {**{f"mft_config.{k}": v for k, v in mft_config.commands(PAIR, role).items()},
                **{f"mft_software.{k}": v for k, v in mft_software.commands(PAIR, role).items()}}
    (scratch / "service").write_text(SYSTEMD[role])
    commands["mft_software.service"] = f"cat {scratch}/service"
    if role == "recovery":
        (scratch / "version").write_text(RECOVERY_VERSION)
        commands["mft_software.version"] = f"cat {scratch}/version"
    boundary = new_boundary()
    setup = PRODUCTION if role == "production" else RECOVERY
    inner = f'set -e\n{setup}\nset +e\nsh <<"@@SCRIPT@@"\n{build_script(commands, boundary)}@@SCRIPT@@\n'
    out = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", inner], capture_output=True,
                         text=True, check=True, env={"SCRATCH": str(scratch), "PATH": "/usr/bin:/bin"}).stdout
    out = re.sub(r"^@@now \d+$", f"@@now {NOW[role]}", out, flags=re.MULTILINE)
    for area in ("mft_config", "mft_software"):
        (HERE / "raw" / role / f"{area}.txt").write_text(_frames(out, boundary, area))


def _frames(out: str, boundary: str, area: str) -> str:
    """The frames of one area, named as the area's own commands (build.py reads them so)."""
    frames = out.split(f"\n{boundary} begin ")
    kept = [frame.replace(f"{area}.", "", 1) for frame in frames[1:] if frame.startswith(f"{area}.")]
    text = "".join(f"\n{boundary} begin {frame}" for frame in kept)
    return text.split(f"\n{boundary} end", 1)[0] + f"\n{boundary} end\n"


def balancer(scratch: Path) -> None:
    (scratch / "haproxy.cfg").write_text(HAPROXY.format(dir=scratch))
    lb = PAIR.load_balancer.model_copy(update={"socket": f"{scratch}/admin.sock"})
    commands = load_balancer.commands(lb)
    boundary = new_boundary()
    inner = (f"ip link set lo up && ip addr add 198.51.100.20/32 dev lo\n"
             f"socat TCP-LISTEN:2222,bind=198.51.100.20,fork,reuseaddr OPEN:/dev/null & l=$!\n"
             f"haproxy -D -f {scratch}/haproxy.cfg && sleep 3\n"
             f'sh <<"@@SCRIPT@@"\n{build_script(commands, boundary)}@@SCRIPT@@\n'
             f'kill "$(cat {scratch}/haproxy.pid)" $l\n')
    out = subprocess.run(["unshare", "--net", "--mount", "sh", "-c", inner], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}).stdout
    data = {"source": f"{lb.host} {PAIR.load_balancer.socket}", "backend": lb.backend,
            **load_balancer.parse(split_output(out, boundary), lb.backend)}
    for server in data["servers"].values():
        server["check"] = server["check"] and server["check"].split()[0]  # no timings: a rebuild is stable
    for role in NOW:
        (HERE / "raw" / role / "load_balancer.json").write_text(json.dumps({"status": "ok", "data": data}, indent=2) + "\n")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for role in ("production", "recovery"):
            host(role, Path(scratch))
        balancer(Path(scratch))
    print("recorded raw/*/mft_config.txt, mft_software.txt, load_balancer.json")


if __name__ == "__main__":
    main()

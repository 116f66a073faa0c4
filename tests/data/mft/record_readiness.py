"""Re-record the MFT areas' parser test data (as root, from the repository root, the lab up).

    PYTHONPATH=. python -m drverify.lab up
    PYTHONPATH=. python tests/data/mft/record.py [CASE...]

(no case named: every case). Every case runs the areas' real commands (``mft_config.commands``,
``mft_software.commands``, ``load_balancer.commands``) through the real batch script
(:mod:`drverify.facts.batch`), in one of two places:

- ``lab-*`` and ``lb-*`` cases inside the lab's hosts (``nsenter`` into production, recovery or
  the balancer ``mft-lb``), for the lab inventory's pair: ProFTPD 1.3.8 (mod_sftp) and HAProxy
  2.6 as ``python -m drverify.lab up`` left them. ``lb-drain``, ``lb-stopped`` and the HTTP
  stats page use a second, scratch HAProxy on the balancer host (its own socket and port, its
  ``mft-dr`` set to ``drain`` through its Runtime API, then stopped): the lab's own is untouched;
- the other cases in a throwaway mount namespace of this machine (``unshare --mount``, a tmpfs
  on /srv), where the setup writes a ProFTPD tree (users made with ``ftpasswd``), exports packed
  with ``tar``, JSON and YAML dumps, installers.

Each command's output is stored as ``CASE/COMMAND.out``, with ``.err`` and ``.rc`` when not
empty or 0; the HTTP stats page as ``lb-http/stats.csv``. The passwords below are the crafted
cases' own (they never leave the namespace: the tests check that no recording holds one, nor
the hashes ``ftpasswd`` made of them).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drverify.facts import load_balancer, mft_config, mft_software
from drverify.facts.batch import build_script, new_boundary, split_output
from drverify.inventory import load_inventory
from drverify.inventory.model import Pair
from drverify.lab import balancer
from drverify.lab.lab import DEFAULT_STATE_DIR

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from recording import record_case, store  # noqa: E402

HERE = Path(__file__).resolve().parent
PASSWORDS = {"acme": "crafted-acme-pw-1", "globex": "crafted-globex-pw-2"}
SQL_SECRET = "crafted-sql-secret-3"
LDAP_SECRET = "crafted-ldap-secret-4"

CONF = rf"""# crafted ProFTPD configuration
ServerName "MFT"
Port 2122
SQLConnectInfo mft@db.example.com mftuser {SQL_SECRET}
AuthUserFile /srv/etc/mft/ftpd.passwd
PassivePorts 60000 \
    60100
<VirtualHost 198.51.100.10>
  ServerName "partners"
  LDAPBindDN "cn=mft,dc=example,dc=com" {LDAP_SECRET}
  <Directory /srv/mft/sftp/*/inbound>
    Umask 007
  </Directory>
</VirtualHost>
Include /srv/etc/mft/conf.d/*.conf
"""
#: written with CRLF line ends (an editor on another system): printf's format, not Python's
SFTP_CONF = r"<IfModule mod_sftp.c>\r\n  SFTPEngine on\r\n  SFTPHostKey /etc/ssh/ssh_host_ed25519_key\r\n</IfModule>\r\n"

#: the tree, its users (ftpasswd), an older export (acme only), the newest (both users), a corrupt one elsewhere
PROFTPD_TREE = f"""
mount -t tmpfs -o size=8M tmpfs /srv
mkdir -p /srv/etc/mft/conf.d /srv/export /srv/corrupt /srv/mft/sftp/acme /srv/mft/sftp/globex
cat >/srv/etc/mft/proftpd.conf <<'@@'
{CONF}@@
printf '{SFTP_CONF}' >/srv/etc/mft/conf.d/sftp.conf
add() {{ echo "$2" | /usr/sbin/ftpasswd --passwd --file=/srv/etc/mft/ftpd.passwd --name="$1" --uid="$3" --gid=2001 \\
  --home=/srv/mft/sftp/"$1" --shell=/bin/false --sha512 --stdin >/dev/null 2>&1; }}
add acme {PASSWORDS['acme']} 3001
tar -C / -czf /srv/export/mft-20261126.tar.gz srv/etc/mft && touch -d @1795651200 /srv/export/mft-20261126.tar.gz
add globex {PASSWORDS['globex']} 3002
echo '# a comment' >>/srv/etc/mft/ftpd.passwd
tar -C / -czf /srv/export/mft-20261130.tar.gz srv/etc/mft && touch -d @1795996800 /srv/export/mft-20261130.tar.gz
echo 'not a gzip archive' >/srv/corrupt/mft-20261130.tar.gz
chmod 600 /srv/etc/mft/ftpd.passwd
"""

DUMP = """{"version": 15, "users": [
  {"username": "acme", "uid": 3001, "home_dir": "/srv/mft/sftp/acme", "status": 1,
   "password": "$2a$10$crafted.bcrypt.hash.for.acme.is.not.real.at.allxyzxyzx", "public_keys": ["ssh-ed25519 AAAAC3crafted"],
   "permissions": {"/": ["*"]}},
  {"username": "globex", "uid": 3002, "home_dir": "/srv/mft/sftp/globex", "status": 0,
   "password": "$2a$10$crafted.bcrypt.hash.for.globex.not.real.at.allxyzxyzx", "permissions": {"/": ["list", "download"]}}],
 "folders": [{"name": "shared", "mapped_path": "/srv/mft/shared"}],
 "groups": [{"name": "partners", "description": "external partners"}]}
"""
YAML = "mft:\n  accounts:\n    acme: {uid: 3001, home: /srv/mft/sftp/acme, token: crafted-token-5}\n    globex: {uid: 3002, home: /srv/mft/sftp/globex}\n"
DUMPS = f"""
mount -t tmpfs -o size=8M tmpfs /srv
mkdir -p /srv/export
cat >/srv/export/dump-20261125.json <<'@@'
{DUMP}@@
cat >/srv/export/accounts-20261125.yaml <<'@@'
{YAML}@@
"""

#: installers: one as expected, one another file, one missing, one readable by root only
INSTALLERS = """
mount -t tmpfs -o size=8M tmpfs /srv
mkdir -p /srv/installers
printf 'bundle one' >/srv/installers/one.tar.gz
printf 'not the expected bundle' >/srv/installers/two.tar.gz
printf 'private bundle' >/srv/installers/private.tar.gz && chmod 600 /srv/installers/private.tar.gz
"""

MFT_CRAFTED = {"config_paths": ["/srv/etc/mft/proftpd.conf", "/srv/etc/mft/conf.d/*.conf"],
               "auth_user_file": "/srv/etc/mft/ftpd.passwd"}


def pair(**mft) -> Pair:
    return Pair(name="crafted", production="local://", recovery="local://", mft=mft)


def crafted_cases() -> dict[str, tuple[dict[str, str], str, bool]]:
    """case -> (commands, setup, run as nobody?)"""
    export = {"production": "/srv/export/mft-*.tar.gz"}
    config = pair(product="proftpd", config_export=export, **MFT_CRAFTED)
    corrupt = pair(product="proftpd", config_export={"production": "/srv/corrupt/*.tar.gz"}, **MFT_CRAFTED)
    nomatch = pair(product="proftpd", config_export={"production": "/srv/none/*.tar.gz"})
    json_export = pair(product="generic", config_export={"production": "/srv/export/dump-*.json", "key_path": "users"})
    sftpgo = pair(product="sftpgo", config_export={"production": "/srv/export/dump-*.json"})
    yaml_export = pair(product="generic", config_export={"production": "/srv/export/*.yaml", "key_path": "mft.accounts"})
    software = pair(product="proftpd", version={"package": "drverify-no-such-package"},
                    installers=[{"path": f"/srv/installers/{name}.tar.gz", "sha256": "0" * 64}
                                for name in ("one", "two", "three", "private")],
                    service={"unit": "drverify-none.service", "policy": "running"})
    command = pair(product="generic", version={"command": "proftpd --version"})
    return {
        "config-crafted": (mft_config.commands(config, "production"), PROFTPD_TREE, False),
        "config-nobody": (mft_config.commands(config, "production"), PROFTPD_TREE + "chmod 700 /srv/export\n", True),
        "config-corrupt": (mft_config.commands(corrupt, "production"), PROFTPD_TREE, False),
        "config-nomatch": (mft_config.commands(nomatch, "production"), "mount -t tmpfs tmpfs /srv", False),
        "config-json": (mft_config.commands(json_export, "production"), DUMPS, False),
        "config-sftpgo": (mft_config.commands(sftpgo, "production"), DUMPS, False),
        "config-yaml": (mft_config.commands(yaml_export, "production"), DUMPS, False),
        "software-crafted": (mft_software.commands(software, "recovery"), INSTALLERS, False),
        "software-nobody": (mft_software.commands(software, "recovery"), INSTALLERS, True),
        "software-command": (mft_software.commands(command, "recovery"), "", False),
    }


def nsenter(netns: str) -> list[str]:
    ns = DEFAULT_STATE_DIR / "ns"
    return ["nsenter", f"--net=/run/netns/{netns}", f"--mount={ns}/{netns}.mnt", f"--uts={ns}/{netns}.uts", "--"]


def in_lab(netns: str, commands: dict[str, str], target: Path) -> None:
    """The batch script run inside a lab host, as drverify runs it over SSH."""
    boundary = new_boundary()
    result = subprocess.run([*nsenter(netns), "sh"], input=build_script(commands, boundary), text=True,
                            capture_output=True, check=True, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    store(target, split_output(result.stdout, boundary))




def lab_pair() -> Pair:
    return load_inventory(DEFAULT_STATE_DIR / "inventory.yaml").pair("lab-ssh")


def lab_cases() -> dict[str, tuple[str, dict[str, str]]]:
    lab = lab_pair()
    unknown = lab.load_balancer.model_copy(update={"backend": "nosuch"})
    return {
        "lab-production": ("drv-prod", {**mft_config.commands(lab, "production"), **mft_software.commands(lab, "production")}),
        "lab-recovery": ("drv-dr", {**mft_config.commands(lab, "recovery"), **mft_software.commands(lab, "recovery")}),
        "lb-lab": ("drv-lb", load_balancer.commands(lab.load_balancer)),
        "lb-unknown-backend": ("drv-lb", load_balancer.commands(unknown)),
    }


SCRATCH_SOCKET = "/run/haproxy-rec/admin.sock"
SCRATCH_CFG = balancer.haproxy_cfg("198.51.100.10", "198.51.100.20").replace(
    balancer.SOCKET, SCRATCH_SOCKET).replace(balancer.PID_FILE, "/run/haproxy-rec/haproxy.pid").replace(
    "bind 198.51.100.6:2122", "bind 127.0.0.1:12122").replace("backup disabled", "") + """
listen stats
    mode http
    bind 127.0.0.1:18404
    stats enable
    stats uri /stats
"""


def scratch_balancer() -> None:
    """A second HAProxy on the balancer host: mft-dr an active server, drained; then stopped."""
    lab = lab_pair()
    scratch = lab.load_balancer.model_copy(update={"socket": SCRATCH_SOCKET})
    lb = nsenter("drv-lb")
    subprocess.run([*lb, "sh", "-c", "mkdir -p /run/haproxy-rec && cat >/run/haproxy-rec/haproxy.cfg && "
                    "haproxy -D -p /run/haproxy-rec/haproxy.pid -f /run/haproxy-rec/haproxy.cfg"],
                   input=SCRATCH_CFG, text=True, check=True)
    try:
        time.sleep(0.5)
        subprocess.run([*lb, "sh", "-c", f"echo 'set server mft_sftp/mft-dr state drain' | socat stdio UNIX-CONNECT:{SCRATCH_SOCKET}"],
                       check=True, capture_output=True)
        in_lab("drv-lb", load_balancer.commands(scratch), HERE / "lb-drain")
        csv = subprocess.run([*lb, "python3", "-c", "import urllib.request; print(urllib.request.urlopen("
                              "'http://127.0.0.1:18404/stats;csv').read().decode(), end='')"],
                             capture_output=True, text=True, check=True).stdout
        (HERE / "lb-http").mkdir(exist_ok=True)
        (HERE / "lb-http" / "stats.csv").write_text(csv)
    finally:
        subprocess.run([*lb, "sh", "-c", 'kill "$(cat /run/haproxy-rec/haproxy.pid)"'], check=True)
    time.sleep(0.5)
    in_lab("drv-lb", load_balancer.commands(scratch), HERE / "lb-stopped")
    subprocess.run([*lb, "rm", "-rf", "/run/haproxy-rec"], check=True)


def main(names: list[str]) -> None:
    crafted, lab = crafted_cases(), lab_cases()
    chosen = names or [*crafted, *lab, "lb-drain"]
    with tempfile.TemporaryDirectory() as scratch:
        for name in chosen:
            if name in crafted:
                commands, setup, as_nobody = crafted[name]
                record_case(HERE / name, commands, setup, as_nobody, Path(scratch))
            elif name in lab:
                in_lab(*lab[name], HERE / name)
            elif name in ("lb-drain", "lb-stopped", "lb-http"):
                scratch_balancer()
            else:
                raise SystemExit(f"unknown case {name}")
            print(f"recorded {name}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The partners' SFTP service on both lab hosts: ProFTPD 1.3.8 with mod_sftp (issue 9).

Each host runs its own instance on port 2122 from its own tree, everything per host so that
``ftpwho -o json -f SCOREBOARD`` and ``ftpdctl -s SOCKET`` answer for that host alone (the hosts
share the machine's process list, not their /etc, /run or /var/log/proftpd):

- configuration ``/etc/proftpd-mft/proftpd.conf`` (+ ``conf.d/sftp.conf``), virtual users in the
  AuthUserFile ``/etc/proftpd-mft/ftpd.passwd`` written with ``ftpasswd`` (SHA-512 crypt);
- ``/run/proftpd-mft/``: PidFile, ScoreboardFile, DelayTable, ControlsSocket (mod_ctrls_admin);
- ``/var/log/proftpd/`` (a tmpfs of the host's own): SystemLog, SFTPLog and the TransferLog
  ``xferlog`` (xferlog(5), mod_sftp's transfers included);
- data under ``/srv/mft/sftp/USER/{inbound,outbound}``, each user chrooted to its home.

As a DR setup does it, production's nightly job packed the tree and its AuthUserFile into
``/srv/mft/export/proftpd-mft-STAMP.tar.gz`` (two nights: 54 and 30 hours ago); the exports were
shipped to recovery and the newest restored there (recovery's live configuration *is* that
export). Seeded drift, all of it found by the MFT areas:

- the job has not run since: recovery's newest export is 30 hours old, older than the 24 h RPO
  (mft_config, critical);
- the virtual user ``initech`` was created on production after that export (mft_config, major);
- recovery lacks the crypto modules' installer bundle (mft_software, critical).

Versions (the same Debian package on both, read with dpkg-query), the service's state, the
listener and its firewall rule are the same on both hosts: no other area sees new drift.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import secrets
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drverify.lab.errors import LabError
from drverify.lab.files import FileSpec
from drverify.lab.sshd import wait_for_banner

if TYPE_CHECKING:
    from drverify.lab.handle import LabHandle

PORT = 2122
CONF_DIR = "/etc/proftpd-mft"
CONF = f"{CONF_DIR}/proftpd.conf"
AUTH_USER_FILE = f"{CONF_DIR}/ftpd.passwd"
RUN_DIR = "/run/proftpd-mft"
PID_FILE = f"{RUN_DIR}/proftpd.pid"
SCOREBOARD = f"{RUN_DIR}/proftpd.scoreboard"
CONTROLS_SOCKET = f"{RUN_DIR}/proftpd.sock"
LOG_DIR = "/var/log/proftpd"
TRANSFER_LOG = f"{LOG_DIR}/xferlog"
DATA_ROOT = "/srv/mft/sftp"
EXPORT_DIR = "/srv/mft/export"
INSTALLER_DIR = "/srv/mft/installers"
ARGV = ("proftpd", "-c", CONF)
#: hours before ``up`` each nightly export was taken (the newest is past the 24 h RPO)
EXPORT_AGES = (54, 30)
RPO_HOURS = 24
FIREWALL_RULE = ["-p", "tcp", "--dport", str(PORT), "-j", "ACCEPT"]


@dataclass(frozen=True)
class VirtualUser:
    """A partner's account in the AuthUserFile (no /etc/passwd entry: files carry its uid)."""

    name: str
    uid: int
    gid: int = 2001

    @property
    def home(self) -> str:
        return f"{DATA_ROOT}/{self.name}"


EXPORTED = (VirtualUser("acme", 3001), VirtualUser("globex", 3002))
#: created on production after the last export (seeded drift)
ADDED_LATER = VirtualUser("initech", 3003)
#: what each host's AuthUserFile holds once the lab is up
USERS = {"production": (*EXPORTED, ADDED_LATER), "recovery": EXPORTED}
#: installer bundles: production keeps both, recovery lacks the second (seeded drift)
INSTALLERS = {"proftpd-core_1.3.8-bundle.tar.gz": "/usr/share/doc/proftpd-core",
              "proftpd-mod-crypto_1.3.8-bundle.tar.gz": "/usr/share/doc/proftpd-mod-crypto"}


def proftpd_conf() -> str:
    """The main configuration: one standalone server, virtual users only, everything per host."""
    return f"""\
# drverify lab: the partners' SFTP service
ServerName "MFT SFTP"
ServerType standalone
DefaultServer on
UseIPv6 off
Port {PORT}
User proftpd
Group nogroup
Umask 027
MaxInstances 30
PidFile {PID_FILE}
ScoreboardFile {SCOREBOARD}
DelayTable {RUN_DIR}/proftpd.delay
SystemLog {LOG_DIR}/proftpd.log
TransferLog {TRANSFER_LOG}
WtmpLog off
UseReverseDNS off
AuthOrder mod_auth_file.c
AuthUserFile {AUTH_USER_FILE}
RequireValidShell off
DefaultRoot ~
ModulePath /usr/lib/proftpd
LoadModule mod_ctrls_admin.c
LoadModule mod_sftp.c
ControlsEngine on
ControlsSocket {CONTROLS_SOCKET}
ControlsSocketACL allow user root
ControlsACLs all allow user root
AdminControlsEngine on
AdminControlsACLs all allow user root
Include {CONF_DIR}/conf.d/*.conf
"""


def sftp_conf() -> str:
    """mod_sftp: the host's own SSH host keys, password logins (the partners' accounts)."""
    return f"""\
<IfModule mod_sftp.c>
  SFTPEngine on
  SFTPLog {LOG_DIR}/sftp.log
  SFTPHostKey /etc/ssh/ssh_host_ed25519_key
  SFTPHostKey /etc/ssh/ssh_host_ecdsa_key
  SFTPAuthMethods password
  SFTPCompression delayed
  MaxLoginAttempts 3
</IfModule>
"""


def _sh(lab: LabHandle, role: str, script: str, *args: str) -> str:
    """A short script inside a host, its arguments as ``$1``...: no quoting to get wrong."""
    return lab.exec(role, ["sh", "-ec", script, "sh", *args]).stdout


def _homes(users: tuple[VirtualUser, ...]) -> list[FileSpec]:
    files = [FileSpec.dir(DATA_ROOT, 0o755)]
    for user in users:
        files += [FileSpec.dir(user.home, 0o750, user.uid, user.gid)]
        files += [FileSpec.dir(f"{user.home}/{sub}", 0o750, user.uid, user.gid) for sub in ("inbound", "outbound")]
    return files


def _add_users(lab: LabHandle, role: str, users: tuple[VirtualUser, ...], passwords: dict[str, str]) -> None:
    """``ftpasswd`` as an administrator runs it, one user at a time, the password on its stdin."""
    for user in users:
        lab.exec(role, ["ftpasswd", "--passwd", f"--file={AUTH_USER_FILE}", f"--name={user.name}",
                        f"--uid={user.uid}", f"--gid={user.gid}", f"--home={user.home}", "--shell=/bin/false",
                        "--sha512", "--stdin"], stdin=passwords[user.name] + "\n")


def installer_bundles() -> dict[str, bytes]:
    """Small, reproducible "installer" archives made of the packages' own small files (their
    documentation), with fixed times and owners: the same bytes on every ``up``."""
    bundles = {}
    for name, source in INSTALLERS.items():
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as archive:
            for path in sorted(p for p in Path(source).rglob("*") if p.is_file() and p.stat().st_size <= 16384):
                info = archive.gettarinfo(str(path), arcname=str(path.relative_to("/")))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "root", "root"
                with path.open("rb") as stream:
                    archive.addfile(info, stream)
        bundles[name] = gzip.compress(raw.getvalue(), mtime=0)
    return bundles


def _export(lab: LabHandle, hours_ago: int, now: float) -> tuple[str, bytes, int]:
    """Production's nightly job: the tree and its AuthUserFile packed with tar, dated back."""
    mtime = int(now - hours_ago * 3600)
    path = f"{EXPORT_DIR}/proftpd-mft-{time.strftime('%Y%m%dT%H%M', time.gmtime(mtime))}.tar.gz"
    data = _sh(lab, "production", 'tar -C / -czf "$1" "$2"; touch -d "@$3" "$1"; base64 "$1"',
               path, CONF_DIR.lstrip("/"), str(mtime))
    return path, base64.b64decode(data), mtime


def _start(lab: LabHandle, role: str) -> None:
    lab.exec(role, list(ARGV))


def provision(lab: LabHandle) -> None:
    """ProFTPD on both hosts, production's exports shipped to and restored on recovery, the
    installers, and the ``mft`` inventory keys."""
    if not {"production", "recovery"} <= lab.hosts.keys():
        return
    passwords = {user.name: secrets.token_urlsafe(15) for user in USERS["production"]}
    for role in ("production", "recovery"):
        lab.put_files(role, [FileSpec.dir(RUN_DIR, 0o755), FileSpec.dir(EXPORT_DIR, 0o750),
                             FileSpec.dir(INSTALLER_DIR, 0o755), *_homes(USERS[role])])
        _sh(lab, role, f"mkdir -p {LOG_DIR}; mount -t tmpfs -o size=16M,mode=0755 tmpfs {LOG_DIR}; "
                       f"touch {TRANSFER_LOG}; chmod 640 {TRANSFER_LOG}; iptables -w -A INPUT {' '.join(FIREWALL_RULE)}")
    lab.put_files("production", [FileSpec.dir(CONF_DIR, 0o755), FileSpec.text(CONF, proftpd_conf()),
                                 FileSpec.dir(f"{CONF_DIR}/conf.d", 0o755),
                                 FileSpec.text(f"{CONF_DIR}/conf.d/sftp.conf", sftp_conf())])
    _add_users(lab, "production", EXPORTED, passwords)
    now = time.time()
    exports = [_export(lab, hours, now) for hours in EXPORT_AGES]
    lab.put_files("recovery", [FileSpec(path, data, 0o640) for path, data, _ in exports])
    newest = exports[-1][0]
    _sh(lab, "recovery", "; ".join(f"touch -d @{mtime} {path}" for path, _, mtime in exports)
        + f"; tar -C / -xzf {newest}")
    _add_users(lab, "production", (ADDED_LATER,), passwords)
    bundles = installer_bundles()
    for role in ("production", "recovery"):
        names = list(bundles) if role == "production" else list(bundles)[:1]
        lab.put_files(role, [FileSpec(f"{INSTALLER_DIR}/{name}", bundles[name]) for name in names])
        _start(lab, role)
    for role in ("production", "recovery"):
        wait_for_banner(lab.hosts[role].address, PORT)
    lab.pair_extra["mft"] = inventory_keys(bundles)
    write_passwords(lab.state_dir / "secrets", passwords)


def write_passwords(secret_dir: Path, passwords: dict[str, str]) -> Path:
    """The partners' passwords, for the lab tests' SFTP logins (0600, never in the inventory)."""
    secret_dir.mkdir(mode=0o700, exist_ok=True)
    path = secret_dir / "sftp-users.json"
    path.write_text(json.dumps(passwords))
    path.chmod(0o600)
    return path


def passwords(state_dir: Path) -> dict[str, str]:
    """What :func:`write_passwords` wrote: user name -> password."""
    return json.loads((state_dir / "secrets" / "sftp-users.json").read_text())


def inventory_keys(bundles: dict[str, bytes]) -> dict[str, Any]:
    """The ``mft`` section of every lab pair, written as production sees things."""
    return {
        "product": "proftpd",
        "config_export": {"production": f"{EXPORT_DIR}/proftpd-mft-*.tar.gz"},
        "rpo_hours": RPO_HOURS,
        "config_paths": [CONF, f"{CONF_DIR}/conf.d/*.conf"],
        "auth_user_file": AUTH_USER_FILE,
        "data_paths": [DATA_ROOT],
        "inbound_paths": [f"{DATA_ROOT}/*/inbound"],
        "transfer_log": TRANSFER_LOG,
        "scoreboard": SCOREBOARD,
        "service_port": PORT,
        "version": {"package": "proftpd-core"},
        "installers": [{"path": f"{INSTALLER_DIR}/{name}", "sha256": hashlib.sha256(data).hexdigest()}
                       for name, data in bundles.items()],
        "service": {"unit": "proftpd.service", "policy": "running"},
    }


def stop(lab: LabHandle, role: str) -> None:
    """Stop one host's ProFTPD (SIGTERM to the pid in its PidFile), as an outage would."""
    _sh(lab, role, f'kill "$(cat {PID_FILE})"')
    deadline = time.monotonic() + 5
    while lab.exec(role, ["test", "-e", PID_FILE], check=False).returncode == 0:
        if time.monotonic() > deadline:
            raise LabError(f"ProFTPD on {role} did not stop within 5 s")
        time.sleep(0.02)


def start(lab: LabHandle, role: str) -> None:
    """Start one host's ProFTPD again with its configuration as ``up`` left it."""
    _start(lab, role)
    wait_for_banner(lab.hosts[role].address, PORT)

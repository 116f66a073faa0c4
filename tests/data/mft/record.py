"""Re-record the MFT failback test data with real ProFTPD servers (as root, from the repository root).

    PYTHONPATH=. .venv/bin/python tests/data/mft/record.py

Two ProFTPD 1.3.8 instances (Debian 12 ``proftpd-core``, mod_sftp from ``proftpd-mod-crypto``),
"production" and "recovery", each in a throwaway mount namespace (``unshare --mount``) with its own
tmpfs on ``/srv``, ``/run`` and ``/var/log``, so the paths are the ones a real host has
(``/srv/mft/acme/inbound``, ``/var/log/proftpd/xferlog``, ``/run/proftpd/proftpd.scoreboard``); each
serves SFTP and FTP on 127.0.0.1 high ports only (``SocketBindTight``), with virtual users in an
``AuthUserFile`` written by ``ftpasswd`` (random passwords, never stored). The servers run with
``TZ=Europe/Berlin``, so the logs' local times and the recorded ``date '+%s %z'`` show the offset.
paramiko's SFTP client and ftplib make real transfers:

on recovery: backoffice puts acme's outbound ``report-2026-11.pdf``, acme downloads it; acme
uploads ``inbound/orders 2026-11.csv`` (a space: the log writes ``_``) and ``inv-0042.xml``, which
backoffice downloads and deletes; globex uploads ``ship-1.edi``, aborts ``ship-2.edi`` after 3000
bytes (an incomplete line, a partial file), and over FTP stores ``ship-3.edi``, which
backoffice fetches and deletes. Then, while acme's SFTP upload ``inbound/big upload.bin`` and
globex's FTP upload ``inbound/ship-4.edi`` are kept open and growing and backoffice sits idle in an
SFTP session, the cases ``recovery-active`` (the area's commands as root), ``recovery-active-nobody``
(as nobody: ``/proc/PID/fd`` of the sessions cannot be read) and ``recovery-active-generic`` (the
generic adapter's ``ss`` and growth) are recorded. The uploads then complete and everyone leaves:
``recovery-quiet``, ``recovery-pending`` and ``recovery-ledger``.

on production: October's own traffic (acme's ``orders 2026-10.csv``, fetched and deleted by
backoffice), then every complete transfer recovery made, replayed with the same users, paths and
sizes, except acme's download of ``report-2026-11.pdf`` (the transfer production does not know):
``production-ledger``, and ``production-ledger-cut`` read with a 700-byte limit.

Finally recovery's ProFTPD is stopped: ``recovery-stopped`` (ftpwho's answer with no server).
The commands are the areas' own (:mod:`drverify.facts.active_transfers` ...), run through the real
batch script (:mod:`drverify.facts.batch`) inside the server's mount namespace (``nsenter``); each
output is stored as ``CASE/COMMAND.out`` (``.err``/``.rc`` when not empty/0). Both raw logs are
kept as ``production.xferlog`` and ``recovery.xferlog``. The unit tests assert values read from
these recordings: update them after re-recording.
"""

from __future__ import annotations

import ftplib
import io
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paramiko

from drverify.facts import active_transfers, pending_files, transfer_ledger
from drverify.facts.batch import build_script, new_boundary, split_output
from drverify.inventory import Pair

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from recording import store  # noqa: E402

HERE = Path(__file__).resolve().parent
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TZ": "Europe/Berlin", "LC_ALL": "C"}
PORTS = {"production": (28621, 28622), "recovery": (28631, 28632)}  # (ftp, sftp)
#: virtual users: uid, home (backoffice sees every partner's tree); all share gid 2000
USERS = {"backoffice": (2000, "/srv/mft"), "acme": (2001, "/srv/mft/acme"), "globex": (2002, "/srv/mft/globex")}
MFT = {"scoreboard": "/run/proftpd/proftpd.scoreboard", "data_paths": ["/srv/mft"],
       "inbound_paths": ["/srv/mft/*/inbound"], "transfer_log": "/var/log/proftpd/xferlog"}

SETUP = """
mount -t tmpfs -o size=64M tmpfs /srv && mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/log
mkdir -p /run/proftpd /var/log/proftpd /srv/mft/acme/inbound /srv/mft/acme/outbound /srv/mft/globex/inbound
chown -R 2000:2000 /srv/mft && chown -R 2001 /srv/mft/acme && chown -R 2002 /srv/mft/globex
chmod -R 2775 /srv/mft
proftpd -n -c "$CONF"
exec sleep 600
"""

CONFIG = """\
ServerName "{site}"
ServerType standalone
DefaultAddress 127.0.0.1
SocketBindTight on
Port {sftp}
User nobody
Group nogroup
UseIPv6 off
PidFile /run/proftpd/proftpd.pid
ScoreboardFile /run/proftpd/proftpd.scoreboard
DelayTable /run/proftpd/proftpd.delay
ControlsEngine on
ControlsSocket /run/proftpd/proftpd.sock
ControlsACLs all allow user root
ModulePath /usr/lib/proftpd
LoadModule mod_ctrls_admin.c
LoadModule mod_sftp.c
SystemLog /var/log/proftpd/proftpd.log
<Global>
  Umask 002
  WtmpLog off
  AuthOrder mod_auth_file.c
  AuthUserFile {scratch}/ftpd.passwd
  RequireValidShell off
  DefaultRoot ~
  TransferLog /var/log/proftpd/xferlog
  AllowOverwrite on
</Global>
SFTPEngine on
SFTPHostKey {scratch}/hostkey
SFTPLog /var/log/proftpd/sftp.log
SFTPAuthMethods password
<VirtualHost 127.0.0.1>
  Port {ftp}
  ServerName "{site} ftp"
</VirtualHost>
"""


class Server:
    """One ProFTPD instance in its own mount namespace."""

    def __init__(self, site: str, scratch: Path) -> None:
        self.site = site
        self.scratch = scratch / site
        self.scratch.mkdir(mode=0o755)
        self.ftp_port, self.sftp_port = PORTS[site]
        self.passwords = {user: secrets.token_urlsafe(12) for user in USERS}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        for user, (uid, home) in USERS.items():
            # ftpasswd insists that the home exists: a private /srv for it too
            subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            'mount -t tmpfs tmpfs /srv && mkdir -p "$HOME_DIR" && exec ftpasswd --passwd '
                            '--file="$FILE" --name="$NAME" --uid="$ID" --gid=2000 --home="$HOME_DIR" '
                            "--shell=/bin/false --stdin"],
                           input=self.passwords[user], text=True, check=True, capture_output=True,
                           env={**ENV, "HOME_DIR": home, "FILE": f"{self.scratch}/ftpd.passwd", "NAME": user,
                                "ID": str(uid)})
        subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "",
                        "-f", str(self.scratch / "hostkey")], check=True)
        conf = self.scratch / "proftpd.conf"
        conf.write_text(CONFIG.format(site=self.site, scratch=self.scratch, ftp=self.ftp_port, sftp=self.sftp_port))
        self.process = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", SETUP],
                                        env={**ENV, "CONF": str(conf)}, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(self.sftp_port)
        _wait_for(self.ftp_port)

    def stop_proftpd(self) -> None:
        """Stop the server; its namespace (and what it left in /run) stays for ``recovery-stopped``."""
        self.run({"kill": "kill $(cat /run/proftpd/proftpd.pid)"})
        time.sleep(1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.run({"kill": "kill $(cat /run/proftpd/proftpd.pid) 2>/dev/null"})
            time.sleep(0.5)
            self.process.terminate()
            self.process.wait(timeout=10)

    def run(self, commands: dict[str, str], as_nobody: bool = False) -> dict:
        """The commands through the real batch script, inside the server's mount namespace."""
        boundary = new_boundary()
        shell = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "sh"] if as_nobody else ["sh"]
        result = subprocess.run(["nsenter", f"--target={self.process.pid}", "--mount", "--", *shell],
                                input=build_script(commands, boundary), capture_output=True, text=True,
                                check=True, env=ENV)
        return split_output(result.stdout, boundary)

    def record(self, case: str, commands: dict[str, str], as_nobody: bool = False) -> None:
        store(HERE / case, self.run(commands, as_nobody))
        print(f"recorded {HERE / case}")

    def xferlog(self) -> str:
        return self.run({"cat": "cat /var/log/proftpd/xferlog"})["cat"].stdout

    def sftp(self, user: str) -> tuple[paramiko.Transport, paramiko.SFTPClient]:
        transport = paramiko.Transport(("127.0.0.1", self.sftp_port))
        transport.connect(username=user, password=self.passwords[user])
        return transport, paramiko.SFTPClient.from_transport(transport)

    def ftp(self, user: str) -> ftplib.FTP:
        client = ftplib.FTP()
        client.connect("127.0.0.1", self.ftp_port)
        client.login(user, self.passwords[user])
        return client


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


#: recovery's complete transfers as made: (user, path as the user names it, direction, size)
JOURNAL: list[tuple[str, str, str, int]] = []


def put(server: Server, user: str, path: str, size: int, fill: bytes = b"x") -> None:
    JOURNAL.append((user, path, "i", size))
    transport, sftp = server.sftp(user)
    with transport:
        sftp.putfo(io.BytesIO(fill * size), path)


def get_and_delete(server: Server, user: str, path: str, delete: bool = True) -> None:
    size = next(size for who, name, way, size in reversed(JOURNAL) if way == "i" and _same(who, name, user, path))
    JOURNAL.extend([(user, path, "o", size)] + ([(user, path, "d", size)] if delete else []))
    transport, sftp = server.sftp(user)
    with transport:
        sftp.getfo(path, io.BytesIO())
        if delete:
            sftp.remove(path)


def _same(owner: str, name: str, user: str, path: str) -> bool:
    """Whether ``user``'s ``path`` is the file ``owner`` named ``name`` (homes differ)."""
    return f"{USERS[owner][1]}/{name}" == f"{USERS[user][1]}/{path}"


def ftp_store(server: Server, user: str, path: str, lines: int) -> None:
    data = b"UNB+UNOC:3+GLOBEX+ACME'\r\n" * lines
    JOURNAL.append((user, path, "i", len(data)))
    client = server.ftp(user)
    client.storbinary(f"STOR {path}", io.BytesIO(data))
    client.quit()


def ftp_fetch_and_delete(server: Server, user: str, path: str) -> None:
    size = next(size for who, name, way, size in reversed(JOURNAL) if way == "i" and _same(who, name, user, path))
    JOURNAL.extend([(user, path, "o", size), (user, path, "d", size)])
    client = server.ftp(user)
    client.retrbinary(f"RETR {path}", lambda block: None)
    client.delete(path)
    client.quit()


def abort_upload(server: Server, user: str, path: str, size: int) -> None:
    """Write part of a file and drop the connection: ProFTPD logs an incomplete upload."""
    transport, sftp = server.sftp(user)
    handle = sftp.open(path, "wb")
    handle.write(b"x" * size)
    handle.flush()
    transport.sock.close()
    transport.close()


class Slow(io.RawIOBase):
    """An FTP upload source that yields 4 KiB every 0.1 s until stopped."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.stop.is_set():
            return 0
        time.sleep(0.1)
        buffer[:4096] = b"y" * 4096
        self.sent += 4096
        return 4096


def recovery_traffic(server: Server) -> None:
    put(server, "backoffice", "acme/outbound/report-2026-11.pdf", 5000, b"%")
    get_and_delete(server, "acme", "outbound/report-2026-11.pdf", delete=False)
    put(server, "acme", "inbound/orders 2026-11.csv", 1234, b"o")
    put(server, "acme", "inbound/inv-0042.xml", 2048, b"<")
    get_and_delete(server, "backoffice", "acme/inbound/inv-0042.xml")
    put(server, "globex", "inbound/ship-1.edi", 777, b"e")
    abort_upload(server, "globex", "inbound/ship-2.edi", 3000)
    ftp_store(server, "globex", "inbound/ship-3.edi", 12)
    ftp_fetch_and_delete(server, "backoffice", "globex/inbound/ship-3.edi")


def in_flight(server: Server, record) -> None:
    """Keep two uploads growing and one session idle while ``record()`` runs."""
    stop = threading.Event()

    def sftp_writer() -> None:
        transport, sftp = server.sftp("acme")
        with transport:
            handle = sftp.open("inbound/big upload.bin", "wb")
            written = 0
            while not stop.is_set():
                handle.write(b"b" * 4096)
                handle.flush()
                written += 4096
                time.sleep(0.1)
            handle.close()
            JOURNAL.append(("acme", "inbound/big upload.bin", "i", written))

    def ftp_writer() -> None:
        client = server.ftp("globex")
        source = Slow(stop)
        client.storbinary("STOR inbound/ship-4.edi", source, blocksize=4096)
        client.quit()
        JOURNAL.append(("globex", "inbound/ship-4.edi", "i", source.sent))

    idle_transport, idle = server.sftp("backoffice")
    idle.listdir("acme/inbound")
    threads = [threading.Thread(target=sftp_writer), threading.Thread(target=ftp_writer)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    try:
        record()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        idle_transport.close()
    time.sleep(0.5)


def replay_on_production(server: Server) -> None:
    """October's own traffic, then recovery's complete transfers but acme's report download."""
    october = len(JOURNAL)
    put(server, "acme", "inbound/orders 2026-10.csv", 1180, b"o")
    get_and_delete(server, "backoffice", "acme/inbound/orders 2026-10.csv")
    for user, path, direction, size in JOURNAL[:october]:
        if (user, direction) != ("acme", "o"):
            _replay(server, user, path, direction, size)


def _replay(server: Server, user: str, path: str, direction: str, size: int) -> None:
    transport, sftp = server.sftp(user)
    with transport:
        if direction == "i":
            sftp.putfo(io.BytesIO(b"r" * size), path)
        elif direction == "o":
            sftp.getfo(path, io.BytesIO())
        else:
            sftp.remove(path)


def pair(service_port: int = 22, product: str = "proftpd", **mft) -> Pair:
    return Pair(name="record", production="local://", recovery="local://",
                mft={"product": product, "service_port": service_port, **MFT, **mft})


def main() -> None:
    scratch = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="drvrec-mft-"))
    scratch.chmod(0o755)
    servers = {site: Server(site, scratch) for site in PORTS}
    try:
        for server in servers.values():
            server.start()
        recovery, production = servers["recovery"], servers["production"]
        recovery_traffic(recovery)
        proftpd, generic = pair(), pair(recovery.sftp_port, "generic")

        def record_active() -> None:
            recovery.record("recovery-active", active_transfers.commands(proftpd, "recovery"))
            recovery.record("recovery-active-nobody", active_transfers.commands(proftpd, "recovery"), as_nobody=True)
            recovery.record("recovery-active-generic", active_transfers.commands(generic, "recovery"))

        in_flight(recovery, record_active)
        recovery.record("recovery-quiet", active_transfers.commands(proftpd, "recovery"))
        recovery.record("recovery-pending", pending_files.commands(proftpd, "recovery"))
        recovery.record("recovery-ledger", transfer_ledger.commands(proftpd, "recovery"))
        replay_on_production(production)
        production.record("production-ledger", transfer_ledger.commands(proftpd, "production"))
        cut = pair(transfer_log_max_mib=700 / (1024 * 1024))
        production.record("production-ledger-cut", transfer_ledger.commands(cut, "production"))
        (HERE / "recovery.xferlog").write_text(recovery.xferlog())
        (HERE / "production.xferlog").write_text(production.xferlog())
        recovery.stop_proftpd()
        recovery.record("recovery-stopped", active_transfers.commands(proftpd, "recovery"))
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The failback areas' facts: ProFTPD's ftpwho and open files, the generic adapter's connections and
growth, pending files and the ledger, on outputs recorded from real ProFTPD servers (tests/data/mft,
see record.py there); the SFTPGo adapter on fixtures written from its documented formats
(tests/data/mft/sftpgo/README.md)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import DATA, make_pair, recorded_outputs

from drverify.errors import FactError, InventoryError
from drverify.facts import active_transfers, pending_files, transfer_ledger
from drverify.facts import applies as asks
from drverify.facts.mft import generic, proftpd, sftpgo
from drverify.inventory import load_inventory
from drverify.inventory.mft import SftpgoSource

MFT = DATA / "mft"
PROFTPD = {"product": "proftpd", "scoreboard": "/run/proftpd/proftpd.scoreboard", "data_paths": ["/srv/mft"],
           "inbound_paths": ["/srv/mft/*/inbound"], "transfer_log": "/var/log/proftpd/xferlog"}


def recorded(case: str):
    return recorded_outputs(MFT / case)


def by_user(facts):
    return {session["user"]: session for session in facts["sessions"]}


def test_ftpwho_and_the_files_each_session_holds_open():
    facts = active_transfers.parse("proftpd", recorded("recovery-active"))
    sessions = by_user(facts)
    assert {user: (s["protocol"], s["transfers"]) for user, s in sessions.items()} == {
        "acme": ("sftp", []),  # mod_sftp: idle between requests, mid-upload
        "backoffice": ("sftp", []),
        "globex": ("ftp", [{"direction": "upload", "path": "inbound/ship-4.edi", "bytes": None}]),
    }
    assert sessions["acme"]["remote"] == "127.0.0.1" and sessions["acme"]["command"] is None
    acme = facts["open_files"][str(sessions["acme"]["pid"])]
    assert {"path": "/srv/mft/acme/inbound/big upload.bin", "mode": "w", "deleted": False} in acme
    assert {"path": "/var/log/proftpd/xferlog", "mode": "w", "deleted": False} in acme
    assert not any(entry["path"].startswith(("socket:", "pipe:")) for entry in acme)
    assert facts["open_files_errors"] == {}
    assert [(g["path"].rsplit("/", 1)[1], g["size"] > g["before"]) for g in facts["growing"]] == [
        ("big upload.bin", True), ("ship-4.edi", True)]


def test_without_root_the_sessions_are_seen_and_their_open_files_are_not():
    facts = active_transfers.parse("proftpd", recorded("recovery-active-nobody"))
    assert sorted(by_user(facts)) == ["acme", "backoffice", "globex"]
    assert facts["open_files"] == {}
    pid = str(by_user(facts)["acme"]["pid"])
    assert facts["open_files_errors"][pid] == f"ls: cannot open directory '/proc/{pid}/fd/': Permission denied"


def test_a_quiet_server():
    facts = active_transfers.parse("proftpd", recorded("recovery-quiet"))
    assert (facts["sessions"], facts["growing"], facts["growth_errors"]) == ([], [], [])


def test_a_stopped_server_leaves_the_growth_sample_with_ftpwhos_reason():
    facts = active_transfers.parse("proftpd", recorded("recovery-stopped"))
    assert facts["errors"] == {"sessions": "ftpwho: exit status 1: /run/proftpd.scoreboard: No such file or directory"}
    assert facts["growing"] == []


def test_ftpwho_output_that_is_not_json():
    with pytest.raises(FactError, match="ftpwho: not JSON"):
        proftpd.parse_sessions("ProFTPD is not running\n")


def test_the_generic_adapter_sees_connections_and_growing_files():
    facts = active_transfers.parse("generic", recorded("recovery-active-generic"))
    assert [(s["id"].rsplit(":", 1)[0], s["user"], s["transfers"]) for s in facts["sessions"]] == [
        ("127.0.0.1", None, []), ("127.0.0.1", None, [])]
    assert len(facts["growing"]) == 2


def test_ss_lines_with_ipv6_peers():
    assert generic.parse_connections("0 0 [::ffff:198.51.100.20]:22 [2001:db8::5]:50000\n")[0]["remote"] == "2001:db8::5"
    with pytest.raises(FactError, match="not a connection line"):
        generic.parse_connections("State Recv-Q\n")


def test_commands_quote_and_translate_production_paths():
    pair = make_pair(translate={"mft-prod": "mft-dr"},
                     mft={**PROFTPD, "scoreboard": "/run/mft-prod/score board", "data_paths": ["/srv/mft-prod/*"]})
    commands = active_transfers.commands(pair, "recovery")
    assert "ftpwho -o json -f '/run/mft-dr/score board'" in commands["sessions"]
    assert "for pat in '/srv/mft-dr/*'; do" in commands["growth"]
    generic_pair = make_pair(mft={"product": "generic", "service_port": 2222})
    assert active_transfers.commands(generic_pair, "recovery") == {
        "sessions": "ss -Htn state established '( sport = :2222 )'"}


class FakeVantage:
    """Hands out recorded outputs, or a forward to a local server; counts what it was asked."""

    def __init__(self, outputs=None, forward_to=None):
        self.outputs, self.forward_to, self.asked = outputs, forward_to, []

    def run(self, commands, timeout=20):
        self.asked.append(sorted(commands))
        return self.outputs

    @contextlib.contextmanager
    def forward(self, host, port, timeout=5.0):
        self.asked.append((host, port))
        yield self.forward_to


def test_the_probe_reads_recovery_in_one_round_trip_and_leaves_production_alone():
    pair = make_pair(mft=PROFTPD)
    vantage = FakeVantage(recorded("recovery-active"))
    assert active_transfers.probe(pair, "production", vantage) == {}
    assert vantage.asked == []
    assert active_transfers.probe(pair, "recovery", vantage)["product"] == "proftpd"
    assert vantage.asked == [["growth", "sessions"]]


@pytest.mark.parametrize(("mft", "applies"), [
    (None, False),
    ({"product": "proftpd"}, False),
    ({"product": "proftpd", "scoreboard": "/run/proftpd/proftpd.scoreboard"}, True),
    ({"product": "sftpgo"}, False),
    ({"product": "sftpgo", "sftpgo": {"api_url": "http://127.0.0.1:8080"}}, True),
    ({"product": "generic"}, True),
])
def test_active_transfers_applies_when_the_adapter_has_what_it_reads(mft, applies):
    assert asks.active_transfers(make_pair(mft=mft)) is applies


# -- SFTPGo ---------------------------------------------------------------------------------------

def test_the_dump_reader_keeps_what_a_comparison_needs_and_no_secret():
    text = (MFT / "sftpgo/dump.json").read_text()
    dump = sftpgo.read_dump(text)
    assert dump["version"] == 17
    assert sorted(dump) == ["admins", "event_actions", "event_rules", "folders", "groups", "users", "version"]
    acme = dump["users"]["acme"]
    hashed = json.loads(text)["users"][0]["password"]
    assert acme["password_sha256"] == hashlib.sha256(hashed.encode()).hexdigest()
    assert (acme["status"], acme["home_dir"], acme["groups"]) == (1, "/srv/sftpgo/data/acme", [{"name": "partners", "type": 1}])
    assert acme["virtual_folders"] == [{"name": "edi-archive", "virtual_path": "/archive"}]
    assert dump["users"]["globex"]["filesystem_provider"] == 1
    assert dump["folders"]["edi-archive"] == {"mapped_path": "/srv/sftpgo/archive", "filesystem_provider": 0,
                                              "users": ["acme"], "groups": []}
    assert dump["groups"]["partners"]["home_dir"] == "/srv/sftpgo/data/%username%"
    assert dump["event_rules"]["on-upload"] == {"status": 1, "trigger": 1,
                                                "actions": ["notify-backoffice", "archive-copy"]}
    shown = json.dumps(dump)
    assert not any(secret in shown for secret in ("$2a$", "fixture-only", "FIXTUREACCESSKEY", "ssh-ed25519"))


@pytest.mark.parametrize(("text", "why"), [
    ("{", "not JSON"),
    ("[]", "expected an object with a 'users' list"),
    ('{"users": [{"status": 1}]}', "users\\[0\\] has no 'username'"),
    ('{"users": [], "folders": {}}', "'folders' is not a list"),
])
def test_what_is_not_a_dump(text, why):
    with pytest.raises(FactError, match=why):
        sftpgo.read_dump(text)


def test_connections_become_sessions_with_their_transfers():
    sessions = sftpgo.parse_connections((MFT / "sftpgo/connections.json").read_text())
    assert [(s["user"], s["protocol"], s["since"], s["transfers"]) for s in sessions] == [
        ("acme", "SFTP", 1796081400, [{"direction": "upload", "path": "/inbound/orders 2026-12.csv",
                                       "bytes": 65536, "since": 1796081401}]),
        ("globex", "FTP", 1796081390, []),
        ("backoffice", "DAV", 1796081405, [{"direction": "download", "path": "/acme/outbound/report-2026-12.pdf",
                                            "bytes": 2048, "since": 1796081410}]),
    ]
    assert sessions[0]["id"] == "connection SFTP_ca1c8d3f0b2d4e9b_1"
    with pytest.raises(FactError, match="entry 0 has no connection_id"):
        sftpgo.parse_connections('[{"username": "x"}]')


class _Api(BaseHTTPRequestHandler):
    """SFTPGo's connections endpoint, answering the fixture to the right API key only."""

    def do_GET(self):  # noqa: N802 - the http.server API
        good = self.headers.get("X-SFTPGO-API-KEY") == "k3y-from-env" and self.path == "/api/v2/connections"
        body = (MFT / "sftpgo/connections.json").read_bytes() if good else b'{"error": "no"}'
        self.send_response(200 if good else 401)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def test_the_api_is_asked_through_the_hosts_forward_with_the_key_from_its_reference(api, monkeypatch):
    monkeypatch.setenv("SFTPGO_KEY", "k3y-from-env")
    pair = make_pair(translate={"mft-prod": "mft-dr"},
                     mft={"product": "sftpgo", "sftpgo": {"api_url": "http://mft-prod:8080/api/v2",
                                                           "token": {"env": "SFTPGO_KEY"}}})
    vantage = FakeVantage(forward_to=api)
    facts = active_transfers.probe(pair, "recovery", vantage)
    assert vantage.asked == [("mft-dr", 8080)]
    assert [s["user"] for s in facts["sessions"]] == ["acme", "globex", "backoffice"]
    monkeypatch.setenv("SFTPGO_KEY", "wrong")
    with pytest.raises(FactError, match="HTTP 401") as error:
        active_transfers.probe(pair, "recovery", vantage)
    assert "wrong" not in str(error.value)


@pytest.mark.parametrize(("source", "url", "why"), [
    ({"token": {"env": "X"}}, "https://127.0.0.1:8443", "expected http://HOST:PORT"),
    ({}, "http://127.0.0.1:8080", "no sftpgo.token"),
    ({"token": {"env": "DRV_UNSET_VARIABLE"}}, "http://127.0.0.1:8080", "DRV_UNSET_VARIABLE is not set"),
])
def test_the_api_is_not_asked_without_what_it_needs(source, url, why):
    with pytest.raises(FactError, match=why):
        sftpgo.fetch_connections(FakeVantage(), SftpgoSource(**source), url, 1.0)


# -- pending files and the ledger -----------------------------------------------------------------

def test_pending_files_facts_join_the_tree_with_the_logs_last_word():
    facts = pending_files.parse(recorded("recovery-pending"))
    assert facts["log"] == {"size": 1369, "limit": 16777216, "cut": False, "from": 1796081414, "unparsed": 0}
    assert [u["path"].rsplit("/", 1)[1] for u in facts["uploads"]] == [
        "orders_2026-11.csv", "ship-1.edi", "ship-4.edi", "big_upload.bin"]
    files = {f["path"].rsplit("/", 1)[1]: f for f in facts["files"]}
    assert files["orders 2026-11.csv"]["log_path"] == "/srv/mft/acme/inbound/orders_2026-11.csv"
    assert files["orders 2026-11.csv"]["last_event"] == {"direction": "i", "user": "acme", "time": 1796081414,
                                                         "complete": True}
    assert files["ship-2.edi"]["last_event"]["complete"] is False
    assert (files["ship-1.edi"]["size"], files["ship-1.edi"]["owner"]) == (777, "2002")
    assert facts["tree_errors"] == facts["tree_nomatch"] == []


def test_production_is_not_read_for_pending_files():
    pair = make_pair(mft=PROFTPD)
    assert pending_files.commands(pair, "production") == {}
    assert pending_files.parse({}) == {}
    assert set(pending_files.commands(pair, "recovery")) == {"clock", "log", "tree"}


def test_the_ledger_keeps_complete_transfers_as_rows():
    facts = transfer_ledger.parse(recorded("recovery-ledger"))
    assert facts["transfers"][0] == [1796081414, "i", "backoffice", "/srv/mft/acme/outbound/report-2026-11.pdf", 5000]
    assert len(facts["transfers"]) == 12  # 13 lines, one aborted upload
    assert transfer_ledger.commands(make_pair(mft=PROFTPD), "production")["log"].startswith(
        "s=$(stat -L -c %s -- /var/log/proftpd/xferlog)")


@pytest.mark.parametrize(("mft", "expected"), [
    ("{transfer_log_format: json}", "pairs[0](a).mft.transfer_log_format: input should be 'xferlog' or 'csv'"),
    ("{transfer_log_max_mib: 0}", "pairs[0](a).mft.transfer_log_max_mib: input should be greater than 0"),
])
def test_the_transfer_log_keys_are_validated_with_one_line(tmp_path, mft, expected):
    path = tmp_path / "inventory.yaml"
    path.write_text(f"pairs: [{{name: a, production: ssh://x, recovery: ssh://y, mft: {mft}}}]\n")
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert expected in str(caught.value) and "\n" not in str(caught.value)

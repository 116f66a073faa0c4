"""The failback areas judged with recovery as the reference, on facts parsed from outputs recorded
from real ProFTPD servers (tests/data/mft) and on small cases made for one rule each."""

from __future__ import annotations

import copy
import json

import pytest
from support import DATA, judge, make_pair, recorded_outputs

from drverify.drift import Severity
from drverify.facts import active_transfers, pending_files, transfer_ledger
from drverify.facts.mft import sftpgo

MFT = DATA / "mft"
CRITICAL, MAJOR = Severity.CRITICAL, Severity.MAJOR
PROFTPD = {"product": "proftpd", "scoreboard": "/run/proftpd/proftpd.scoreboard", "data_paths": ["/srv/mft"],
           "inbound_paths": ["/srv/mft/*/inbound"], "transfer_log": "/var/log/proftpd/xferlog"}
PAIR = make_pair(mft=PROFTPD)


def found(outcome):
    return sorted((record.severity, record.item) for record in outcome.drift)


def unverified(outcome):
    return sorted((item.item, item.reason) for item in outcome.unverified)


def active(case: str, product: str = "proftpd"):
    return active_transfers.parse(product, recorded_outputs(MFT / case))


# -- active transfers -----------------------------------------------------------------------------

def test_two_uploads_in_flight_and_an_idle_session():
    outcome = judge("active_transfers", {}, active("recovery-active"), PAIR)
    assert found(outcome) == [
        (MAJOR, "session backoffice from 127.0.0.1"),
        (CRITICAL, "transfer /srv/mft/acme/inbound/big upload.bin"),
        (CRITICAL, "transfer /srv/mft/globex/inbound/ship-4.edi"),
    ]
    assert outcome.unverified == ()
    sftp = next(record for record in outcome.drift if "big upload" in record.item)
    assert (sftp.production, sftp.recovery["user"], sftp.recovery["direction"]) == (None, "acme", "upload")
    assert sftp.message.startswith("acme is uploading /srv/mft/acme/inbound/big upload.bin over sftp from 127.0.0.1")
    assert sftp.message.endswith("drain before switching back")


def test_without_root_growth_still_finds_the_sftp_upload_and_the_open_files_are_unverified():
    outcome = judge("active_transfers", {}, active("recovery-active-nobody"), PAIR)
    assert found(outcome) == [
        (MAJOR, "session acme from 127.0.0.1"),
        (MAJOR, "session backoffice from 127.0.0.1"),
        (CRITICAL, "transfer /srv/mft/acme/inbound/big upload.bin"),  # growing
        (CRITICAL, "transfer inbound/ship-4.edi"),  # ftpwho; its growth is the same transfer
    ]
    assert [item for item, _ in unverified(outcome)] == [
        f"session {user} from 127.0.0.1 open files" for user in ("acme", "backoffice", "globex")]
    assert all(reason.endswith("Permission denied") for _, reason in unverified(outcome))


def test_a_quiet_server_is_drained():
    outcome = judge("active_transfers", {}, active("recovery-quiet"), PAIR)
    assert (outcome.drift, outcome.unverified) == ((), ())


def test_a_stopped_server_leaves_its_sessions_unverified():
    outcome = judge("active_transfers", {}, active("recovery-stopped"), PAIR)
    assert outcome.drift == ()
    assert unverified(outcome) == [("sessions", "ftpwho: exit status 1: /run/proftpd.scoreboard: No such file or directory")]


def test_the_generic_adapter():
    pair = make_pair(mft={"product": "generic", "service_port": 28632, "data_paths": ["/srv/mft"]})
    outcome = judge("active_transfers", {}, active("recovery-active-generic", "generic"), pair)
    assert [(severity, item.split(":")[0]) for severity, item in found(outcome)] == [
        (MAJOR, "connection from 127.0.0.1"), (MAJOR, "connection from 127.0.0.1"),
        (CRITICAL, "transfer /srv/mft/acme/inbound/big upload.bin"),
        (CRITICAL, "transfer /srv/mft/globex/inbound/ship-4.edi"),
    ]


def test_sftpgo_connections():
    sessions = sftpgo.parse_connections((MFT / "sftpgo/connections.json").read_text())
    pair = make_pair(mft={"product": "sftpgo", "sftpgo": {"api_url": "http://127.0.0.1:8080"}})
    outcome = judge("active_transfers", {}, {"product": "sftpgo", "sessions": sessions}, pair)
    assert found(outcome) == [
        (MAJOR, "session globex from 203.0.113.230:40021"),
        (CRITICAL, "transfer /acme/outbound/report-2026-12.pdf"),
        (CRITICAL, "transfer /inbound/orders 2026-12.csv"),
    ]
    assert "(65536 bytes so far) over SFTP" in next(r.message for r in outcome.drift if "orders" in r.item)


def test_proftpd_without_data_paths_cannot_tell_open_data_files():
    pair = make_pair(mft={**PROFTPD, "data_paths": []})
    outcome = judge("active_transfers", {}, active("recovery-active"), pair)
    assert found(outcome) == [(MAJOR, "session acme from 127.0.0.1"), (MAJOR, "session backoffice from 127.0.0.1"),
                              (CRITICAL, "transfer inbound/ship-4.edi")]
    assert [item for item, _ in unverified(outcome)] == ["open files"] * 3


def test_gaps_in_the_growth_sample_are_unverified():
    facts = {**active("recovery-quiet"), "growth_errors": ["find: '/srv/mft/initech': Permission denied"],
             "growth_nomatch": ["/srv/mft/*/drop"]}
    outcome = judge("active_transfers", {}, facts, PAIR)
    assert unverified(outcome) == [("data path /srv/mft/*/drop", "matches nothing on recovery"),
                                   ("growing files /srv/mft/initech", "find: '/srv/mft/initech': Permission denied")]


def test_a_download_and_a_deleted_file_held_open():
    facts = copy.deepcopy(active("recovery-active"))
    pid = str(next(s["pid"] for s in facts["sessions"] if s["user"] == "backoffice"))
    facts["open_files"][pid] += [{"path": "/srv/mft/acme/outbound/r.pdf", "mode": "r", "deleted": False},
                                 {"path": "/srv/mft/acme/inbound/gone.csv", "mode": "w", "deleted": True}]
    outcome = judge("active_transfers", {}, facts, PAIR)
    assert (CRITICAL, "transfer /srv/mft/acme/outbound/r.pdf") in found(outcome)
    assert (CRITICAL, "transfer /srv/mft/acme/inbound/gone.csv") in found(outcome)
    assert (MAJOR, "session backoffice from 127.0.0.1") not in found(outcome)


# -- pending files --------------------------------------------------------------------------------

def pending(case: str = "recovery-pending"):
    return pending_files.parse(recorded_outputs(MFT / case))


def test_five_files_wait_on_recovery():
    outcome = judge("pending_files", {}, pending(), PAIR)
    assert found(outcome) == [(MAJOR, f"file /srv/mft/{name}") for name in (
        "acme/inbound/big upload.bin", "acme/inbound/orders 2026-11.csv", "globex/inbound/ship-1.edi",
        "globex/inbound/ship-2.edi", "globex/inbound/ship-4.edi")]
    assert outcome.unverified == ()
    orders = next(r for r in outcome.drift if "orders" in r.item)
    assert orders.recovery == {"user": "acme", "owner": "2001", "size": 1234, "modified": "2026-11-30T23:30:14+00:00",
                               "age_hours": 0.0, "seen": "inbound tree and transfer log"}
    partial = next(r for r in outcome.drift if "ship-2" in r.item)
    assert "left by globex's incomplete upload" in partial.message


def _log(*events, cut=False):
    return {"size": 900, "limit": 500 if cut else 9000, "cut": cut, "from": 1000, "unparsed": 0}


def _file(path, mtime, last_event=None):
    return {"path": path, "size": 10, "mtime": mtime, "owner": "2001", "log_path": path.replace(" ", "_"),
            "last_event": last_event}


def test_collected_arriving_and_moved_on_files_are_not_pending():
    facts = {
        "now": 10000, "log": _log(), "tree_errors": [], "tree_nomatch": [],
        "files": [_file("/srv/mft/acme/inbound/fetched.csv", 2000, {"direction": "o", "user": "backoffice",
                                                                   "time": 2100, "complete": True}),
                  _file("/srv/mft/acme/inbound/rewritten.csv", 3000, {"direction": "o", "user": "backoffice",
                                                                     "time": 2100, "complete": True}),
                  _file("/srv/mft/acme/inbound/arriving.bin", 9950)],  # an upload in progress: not logged yet
        "uploads": [{"path": "/srv/mft/acme/inbound/moved.csv", "user": "acme", "size": 5, "time": 1500},
                    {"path": "/srv/mft/acme/outbound/for_acme.pdf", "user": "backoffice", "size": 7, "time": 2500}],
    }
    outcome = judge("pending_files", {}, facts, PAIR)
    assert found(outcome) == [(MAJOR, "file /srv/mft/acme/inbound/rewritten.csv"),
                              (MAJOR, "file /srv/mft/acme/outbound/for_acme.pdf")]
    logged = next(r for r in outcome.drift if "for_acme" in r.item)
    assert logged.recovery == {"user": "backoffice", "size": 7, "uploaded": "1970-01-01T00:41:40+00:00",
                               "age_hours": 2.1, "seen": "transfer log"}


def test_what_pending_files_could_not_look_at():
    facts = {"now": 10000, "log": {**_log(cut=True), "unparsed": 2, "first_unparsed": "x"}, "uploads": [],
             "errors": {"files": "tree: exit status 1: find: '/srv/mft': Permission denied"}}
    outcome = judge("pending_files", {}, facts, PAIR)
    assert unverified(outcome) == [
        ("inbound files", "tree: exit status 1: find: '/srv/mft': Permission denied"),
        ("transfer log before 1970-01-01T00:16:40+00:00", "only the last 500 bytes of /var/log/proftpd/xferlog were "
                                                          "read (it holds 900 bytes): older uploads were not looked at"),
        ("transfer log lines", "2 line(s) could not be read, first: x"),
    ]


def test_an_inbound_directory_that_cannot_be_listed_and_a_glob_that_matches_nothing():
    facts = {**pending(), "tree_errors": ["find: '/srv/mft/initech/inbound': Permission denied"],
             "tree_nomatch": ["/srv/mft/*/incoming"]}
    assert unverified(judge("pending_files", {}, facts, PAIR)) == [
        ("inbound /srv/mft/*/incoming", "matches nothing on recovery"),
        ("inbound files /srv/mft/initech/inbound", "find: '/srv/mft/initech/inbound': Permission denied")]


# -- transfer ledger ------------------------------------------------------------------------------

def ledger(case: str):
    return transfer_ledger.parse(recorded_outputs(MFT / case))


def test_production_does_not_know_acmes_download_of_the_report():
    outcome = judge("transfer_ledger", ledger("production-ledger"), ledger("recovery-ledger"), PAIR)
    assert found(outcome) == [(CRITICAL, "download /srv/mft/acme/outbound/report-2026-11.pdf")]
    record = outcome.drift[0]
    assert record.recovery == {"time": "2026-11-30T23:30:14+00:00", "user": "acme", "size": 5000,
                               "direction": "download"}
    assert record.message.endswith("production's transfer log does not know it: production would send it again")
    assert outcome.unverified == ()


def test_a_cut_production_log_leaves_older_transfers_unverified_not_unknown():
    outcome = judge("transfer_ledger", ledger("production-ledger-cut"), ledger("recovery-ledger"), PAIR)
    assert outcome.drift == ()
    assert unverified(outcome) == [(
        "transfers before 2026-11-30T23:30:22+00:00",
        "production's log was read from 2026-11-30T23:30:22+00:00 on (its last 700 bytes): 6 older transfer(s) of "
        "recovery it may hold in the part not read were not matched")]


def _ledger(rows, **log):
    return {"now": 9999, "log": {"size": 1, "limit": 9, "cut": False, "from": rows[0][0] if rows else None,
                                 "unparsed": 0, **log}, "transfers": rows}


def test_each_transfer_must_be_known_once_and_paths_are_translated():
    pair = make_pair(translate={"mft-prod": "mft-dr"}, mft=PROFTPD)
    production = _ledger([[100, "i", "acme", "/srv/mft-prod/in/a.csv", 10], [101, "o", "acme", "/srv/mft-prod/out/b", 5]])
    recovery = _ledger([[200, "i", "acme", "/srv/mft-dr/in/a.csv", 10], [201, "i", "acme", "/srv/mft-dr/in/a.csv", 10],
                        [202, "o", "acme", "/srv/mft-dr/out/b", 6], [203, "d", "globex", "/srv/mft-dr/x", 1]])
    outcome = judge("transfer_ledger", production, recovery, pair)
    assert [(r.item, r.recovery["time"][11:19]) for r in outcome.drift] == [
        ("upload /srv/mft-dr/in/a.csv", "00:03:21"), ("download /srv/mft-dr/out/b", "00:03:22"),
        ("delete /srv/mft-dr/x", "00:03:23")]
    assert "production would offer the file again" in outcome.drift[2].message


def test_a_cut_recovery_log_and_unreadable_lines_are_said():
    recovery = _ledger([[200, "i", "acme", "/a", 1]], cut=True, size=99, limit=9)
    production = _ledger([[200, "i", "acme", "/a", 1]], unparsed=1, first_unparsed="bad: 'x'")
    outcome = judge("transfer_ledger", production, recovery, PAIR)
    assert outcome.drift == ()
    assert unverified(outcome) == [
        ("production transfer log lines", "1 line(s) could not be read, first: bad: 'x'"),
        ("recovery transfers before 1970-01-01T00:03:20+00:00",
         "only the last 9 bytes of the log were read (it holds 99 bytes): older transfers were not compared")]


@pytest.mark.parametrize("name", ["active_transfers", "pending_files", "transfer_ledger"])
def test_records_are_json_values(name):
    facts = {"active_transfers": ({}, active("recovery-active")), "pending_files": ({}, pending()),
             "transfer_ledger": (ledger("production-ledger"), ledger("recovery-ledger"))}[name]
    for record in judge(name, *facts, PAIR).drift:
        json.dumps(record.as_dict())

"""The MFT parsers on lines and listings recorded from a real ProFTPD 1.3.8 (tests/data/mft, see
record.py there): xferlog lines (SFTP ones written by mod_sftp, FTP ones, names with spaces), the
bounded transfer log, ``ls -lb`` listings."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta, timezone

import pytest
from support import DATA, recorded_outputs

from drverify.errors import FactError
from drverify.facts.batch import Output
from drverify.facts.mft import listing, transferlog, xferlog
from drverify.facts.mft.xferlog import Transfer

MFT = DATA / "mft"
RECORDED_LOGS = (MFT / "recovery.xferlog").read_text() + (MFT / "production.xferlog").read_text()

#: recorded lines (recovery.xferlog, production.xferlog) and what they say
XFERLOG = [
    ("Tue Dec 01 00:30:14 2026 0 localhost 1234 /srv/mft/acme/inbound/orders_2026-11.csv b _ i r acme sftp 0 * c",
     Transfer("2026-12-01T00:30:14", "acme", "i", "/srv/mft/acme/inbound/orders_2026-11.csv", 1234, True, "sftp",
              "localhost")),
    ("Tue Dec 01 00:30:14 2026 0 localhost 5000 /srv/mft/acme/outbound/report-2026-11.pdf b _ o r acme sftp 0 * c",
     Transfer("2026-12-01T00:30:14", "acme", "o", "/srv/mft/acme/outbound/report-2026-11.pdf", 5000, True, "sftp",
              "localhost")),
    ("Tue Dec 01 00:30:15 2026 0 localhost 2048 /srv/mft/acme/inbound/inv-0042.xml b _ d r backoffice sftp 0 * c",
     Transfer("2026-12-01T00:30:15", "backoffice", "d", "/srv/mft/acme/inbound/inv-0042.xml", 2048, True, "sftp",
              "localhost")),
    ("Tue Dec 01 00:30:15 2026 0 localhost 3000 /srv/mft/globex/inbound/ship-2.edi b _ i r globex sftp 0 * i",
     Transfer("2026-12-01T00:30:15", "globex", "i", "/srv/mft/globex/inbound/ship-2.edi", 3000, False, "sftp",
              "localhost")),
    ("Tue Dec 01 00:30:15 2026 0 localhost 300 /srv/mft/globex/inbound/ship-3.edi b _ o r backoffice ftp 0 * c",
     Transfer("2026-12-01T00:30:15", "backoffice", "o", "/srv/mft/globex/inbound/ship-3.edi", 300, True, "ftp",
              "localhost")),
    ("Tue Dec 01 00:30:20 2026 4 localhost 172032 /srv/mft/acme/inbound/big_upload.bin b _ i r acme sftp 0 * c",
     Transfer("2026-12-01T00:30:20", "acme", "i", "/srv/mft/acme/inbound/big_upload.bin", 172032, True, "sftp",
              "localhost")),
]


@pytest.mark.parametrize(("line", "expected"), XFERLOG, ids=lambda value: value[:40] if isinstance(value, str) else "")
def test_xferlog_lines(line, expected):
    assert line in RECORDED_LOGS.splitlines()
    assert xferlog.parse_line(line) == expected


def test_a_server_that_keeps_spaces_and_pads_the_day_is_read_too():
    """wu-ftpd style: ``Mon Nov  3`` (two spaces), a name logged with its spaces."""
    entry = xferlog.parse_line("Mon Nov  3 09:05:01 2026 2 203.0.113.5 10 /srv/in/a b.txt a _ i r acme ftp 0 * c")
    assert (entry.time, entry.path, entry.remote) == ("2026-11-03T09:05:01", "/srv/in/a b.txt", "203.0.113.5")


@pytest.mark.parametrize(("line", "why"), [
    ("Tue Dec 01 00:30:14 2026 0 localhost 1234 /x b _ i r acme sftp 0 *", "fields, expected at least 18"),
    ("Tue Dec 41 00:30:14 2026 0 localhost 1234 /x b _ i r acme sftp 0 * c", "is not 'Mon Nov 30"),
    ("Tue Dec 01 00:30:14 2026 0 localhost 12k /x b _ i r acme sftp 0 * c", "file size '12k'"),
    ("Tue Dec 01 00:30:14 2026 0 localhost 1234 /x b _ x r acme sftp 0 * c", "direction 'x'"),
    ("Tue Dec 01 00:30:14 2026 0 localhost 1234 /x b _ i r acme sftp 0 * ok", "completion status 'ok'"),
])
def test_xferlog_lines_that_are_not(line, why):
    with pytest.raises(ValueError, match=why):
        xferlog.parse_line(line)


@pytest.mark.parametrize(("name", "logged"), [
    ("/srv/mft/acme/inbound/orders 2026-11.csv", "/srv/mft/acme/inbound/orders_2026-11.csv"),
    ("/srv/mft/a\tb\nc", "/srv/mft/a_b_c"),
    ("/srv/mft/plain.edi", "/srv/mft/plain.edi"),
])
def test_log_name_is_how_proftpd_writes_a_name(name, logged):
    assert xferlog.log_name(name) == logged


# -- the bounded log ------------------------------------------------------------------------------

def test_the_recorded_log_is_read_whole_with_the_hosts_offset():
    log = transferlog.read_log(recorded_outputs(MFT / "recovery-ledger"))
    assert (log["size"], log["limit"], log["cut"], log["unparsed"]) == (1369, 16 * 1024 * 1024, False, 0)
    first = log["transfers"][0]
    # written at 00:30:14 Berlin time (+0100): 23:30:14 UTC the day before
    assert first == {"time": int(datetime(2026, 11, 30, 23, 30, 14, tzinfo=UTC).timestamp()), "user": "backoffice",
                     "direction": "i", "path": "/srv/mft/acme/outbound/report-2026-11.pdf", "size": 5000,
                     "complete": True, "service": "sftp"}
    assert [t["complete"] for t in log["transfers"]].count(False) == 1


def test_a_cut_log_drops_its_first_partial_line_and_says_so():
    log = transferlog.read_log(recorded_outputs(MFT / "production-ledger-cut"))
    assert (log["size"], log["limit"], log["cut"], log["unparsed"]) == (1495, 700, True, 0)
    assert [t["path"].rsplit("/", 1)[1] for t in log["transfers"]][:2] == ["ship-1.edi", "ship-3.edi"]
    assert transferlog.window(log)["from"] == log["transfers"][0]["time"]


def test_the_log_command_reads_what_its_header_says(tmp_path):
    """Run for real: the header, then exactly the last N bytes."""
    log = tmp_path / "x log"
    log.write_text("a" * 50 + "\n" + "b" * 20 + "\n")
    command = transferlog.log_command(str(log), 30, "csv")
    out = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=True).stdout
    assert out == "size 72 limit 30 format csv\n" + "a" * 8 + "\n" + "b" * 20 + "\n"


def _outputs(log: str, clock: str = "1796081422 +0100") -> dict[str, Output]:
    return {"log": Output(0, log, ""), "clock": Output(0, clock, "")}


def test_csv_exports_of_other_products():
    log = _outputs("size 200 limit 1000 format csv\ntime,user,direction,path,size,status\n"
                   "2026-12-01T00:30:14,acme,upload,/in/a b.csv,12,complete\n"
                   "2026-11-30T23:30:15Z,acme,download,\"/in/x,y.csv\",12\n"
                   "1796081416,globex,d,/in/c.edi,3,c\n"
                   "yesterday,acme,upload,/in/d,1\n")
    read = transferlog.read_log(log)
    assert [(t["time"] - 1796081414, t["direction"], t["path"]) for t in read["transfers"]] == [
        (0, "i", "/in/a b.csv"), (1, "o", "/in/x,y.csv"), (2, "d", "/in/c.edi")]
    assert read["unparsed"] == 1 and "time 'yesterday' is not ISO 8601" in read["first_unparsed"]


@pytest.mark.parametrize(("log", "clock", "why"), [
    ("garbage\n", "1796081422 +0100", "is not 'size N limit N format F'"),
    ("size 1 limit 9 format xferlog\n", "tomorrow", "clock: 'tomorrow' is not 'EPOCH \\+HHMM'"),
])
def test_an_unusable_log_or_clock_is_a_fact_error(log, clock, why):
    with pytest.raises(FactError, match=why):
        transferlog.read_log(_outputs(log, clock))


def test_clock_offsets():
    assert transferlog.clock(_outputs("", "1796081422 -0330")) == (1796081422, timezone(-timedelta(hours=3, minutes=30)))


# -- ls -lb listings ------------------------------------------------------------------------------

@pytest.mark.parametrize(("escaped", "name"), [
    ("big\\ upload.bin", "big upload.bin"),
    ("n\\nl", "n\nl"),
    ("t\\tab", "t\tab"),
    ("q\"\\\\z", 'q"\\z'),
    ("x\\ ->\\ y", "x -> y"),
    ("\\303\\251", "é"),
    ("\\377\\376", "\\xff\\xfe"),
    ("x\\001y", "x\x01y"),
])
def test_unescape_what_ls_b_escaped(escaped, name):
    assert listing.unescape(escaped) == name


def test_ls_b_escapes_every_name_the_way_unescape_reads_it(tmp_path):
    """The real ls on crafted names: each comes back as itself, one line each."""
    names = ["a b", "n\nl", "x -> y", 'q"\\z', "t\tab", "é", "# nomatch x"]
    for name in names:
        (tmp_path / name).write_text("1")
    out = subprocess.run(["sh", "-c", listing.files_command([str(tmp_path)])], capture_output=True, text=True,
                         check=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout
    parsed = listing.parse_listing(out)
    assert sorted(entry.name for entry in parsed.sections[""]) == sorted(f"{tmp_path}/{name}" for name in names)
    assert parsed.nomatch == [] and parsed.errors == {}


def test_a_deleted_file_still_held_open():
    entry = listing.parse_entry("l-wx------ 1 root root 64 1796081416 3 -> /srv/mft/a\\ b.bin (deleted)")
    assert (entry.name, entry.target, entry.deleted) == ("3", "/srv/mft/a b.bin", True)


def test_not_a_listing_line():
    with pytest.raises(FactError, match="not an ls -lb line"):
        listing.parse_entry("ls is not here")


def test_a_glob_that_matches_nothing_is_named(tmp_path):
    out = subprocess.run(["sh", "-c", listing.files_command([str(tmp_path / "none*")])],
                         capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout
    parsed = listing.parse_listing(out)
    assert parsed.nomatch == [str(tmp_path / "none*")]

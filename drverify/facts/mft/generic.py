"""The generic adapter: what any MFT product shows from outside, with paths, globs and the port
from the inventory (``mft.product: generic``).

- **Sessions**: established TCP connections to ``service_port``
  (``ss -Htn state established '( sport = :PORT )'``), one per connected client.
- **Transfers in flight**: files under ``data_paths`` that grow or change while drverify looks
  (two listings one second apart, in the same command); any product's upload shows this way.
- **Transfer log** (pending files, transfer ledger): ``transfer_log`` read in
  ``transfer_log_format`` (:mod:`drverify.facts.mft.transferlog`).
- **Pending files**: every file under ``inbound_paths`` (globs).

Pointing it at another product:

- *GoAnywhere MFT*, *MOVEit Transfer*, *Cerberus FTP Server* keep their transfer history in a
  database or their own log format. Schedule the product's audit or report export (GoAnywhere's
  audit log export, MOVEit's file activity report, Cerberus' transfer log) to write a CSV with
  the columns ``time,user,direction,path,size[,status]`` on the host, and give it as
  ``transfer_log`` with ``transfer_log_format: csv``. A product that writes xferlog (vsftpd with
  ``xferlog_std_format=YES``, pure-ftpd's ``--altlog xferlog:``) needs no export.
- ``service_port``: the port partners connect to (SFTP 22 or the product's own, FTPS 990/21).
- ``data_paths``: where the product writes uploads (its user home roots, e.g.
  ``/opt/GoAnywhere/userdata``, ``D:\\MOVEit\\FileStore`` on a Linux mount). ``inbound_paths``:
  where partners' uploads wait for the back office.

What the generic adapter cannot see: a transfer that stalled (no growth for a second) and a
connection's user (``ss`` shows addresses only); the product's own session view (ProFTPD's
``ftpwho``, SFTPGo's API) is better where an adapter exists.
"""

from __future__ import annotations

from typing import Any

from drverify.errors import FactError
from drverify.facts.mft.listing import Entry, files_command, parse_listing

#: seconds between the two listings: a file written in between has grown
GROWTH_SECONDS = 1
#: only files modified this recently are listed (a file being written was modified just now)
RECENT_MINUTES = 2
_LATER = "later"


def connections_command(port: int) -> str:
    return f"ss -Htn state established '( sport = :{int(port)} )'"


def parse_connections(stdout: str) -> list[dict[str, Any]]:
    """``ss -Htn state established`` lines (``Recv-Q Send-Q LOCAL PEER``) as sessions."""
    sessions = []
    for line in stdout.splitlines():
        fields = line.split()
        if not fields:
            continue
        if len(fields) < 4 or not fields[0].isdigit():
            raise FactError(f"ss: not a connection line: {line[:80]!r}")
        peer = fields[3]
        sessions.append({"id": peer, "user": None, "protocol": None,
                         "remote": peer.rpartition(":")[0].strip("[]"), "since": None, "transfers": []})
    return sessions


def growth_command(data_paths: list[str]) -> str:
    """Recently modified files under the data tree, listed twice, ``GROWTH_SECONDS`` apart."""
    sample = files_command(data_paths, f"-mmin -{RECENT_MINUTES}", "%s.%N")
    return f"{sample}; printf '# {_LATER}\\n'; sleep {GROWTH_SECONDS}; {sample}"


def parse_growth(stdout: str) -> dict[str, Any]:
    """Files that changed between the two listings (or appeared): ``{"growing": [...]}``, with
    the directories that could not be listed and the globs that matched nothing."""
    listing = parse_listing(stdout)
    if _LATER not in listing.sections:
        raise FactError("growth: the second listing is missing (the command was cut short)")
    before = {entry.name: entry for entry in listing.sections[""]}
    growing = [_grown(entry, before.get(entry.name)) for entry in listing.sections[_LATER]
               if _changed(entry, before.get(entry.name))]
    errors = sorted({line for lines in listing.errors.values() for line in lines})
    return {"growing": sorted(growing, key=lambda item: item["path"]), "growth_errors": errors,
            "growth_nomatch": sorted(set(listing.nomatch))}


def _changed(after: Entry, before: Entry | None) -> bool:
    return before is None or (after.size, after.mtime) != (before.size, before.mtime)


def _grown(after: Entry, before: Entry | None) -> dict[str, Any]:
    return {"path": after.name, "size": after.size, "before": None if before is None else before.size,
            "owner": after.owner}

"""Files uploaded to the recovery host and not yet downloaded or moved on.

After a failback, partners and the back office talk to production again: a file that reached
recovery and was never collected there is forgotten unless someone moves it. Two views, each a
part (:mod:`drverify.facts.parts`), read on recovery only (production's facts are ``{}``: what
waits on production is production's ordinary business):

- the **transfer log** (``transfer_log``, bounded, see :mod:`drverify.facts.mft.transferlog`):
  every complete upload with no later download or deletion of that path (``uploads``);
- the **inbound tree**: every file under ``inbound_paths`` (globs; ``ls -lb``, see
  :mod:`drverify.facts.mft.listing`) with its size, time and owner (``files``), each with the
  log's last word on its path (``last_event``: direction, user, time), so a file a partner
  already downloaded is told from one still waiting.

Facts (recovery)::

    {"now": 1796081500,
     "log": {"size": 1890, "cut": false, "from": 1796081140, "unparsed": 0},
     "uploads": [{"path": "/srv/mft/globex/inbound/ship-1.edi", "user": "globex", "size": 777,
                  "time": 1796081144}],
     "files": [{"path": "/srv/mft/acme/inbound/orders 2026-11.csv", "size": 1234, "mtime": 1796081143,
                "owner": "2001", "log_path": "/srv/mft/acme/inbound/orders_2026-11.csv",
                "last_event": {"direction": "i", "user": "acme", "time": 1796081143, "complete": true}}],
     "tree_errors": ["find: '/srv/mft/initech/inbound': Permission denied"], "tree_nomatch": []}

``log_path`` is the name as the log writes it (ProFTPD logs whitespace as ``_``). Three parts, named
by the key they fill: ``now`` (the clock), ``uploads`` (with ``log``), ``files`` (with
``tree_errors`` and ``tree_nomatch``); one that cannot be read leaves its reason in ``errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.facts.batch import Output, require
from drverify.facts.mft import transferlog, xferlog
from drverify.facts.mft.listing import files_command, parse_listing
from drverify.facts.parts import Parts
from drverify.inventory.model import Pair

NAME = "pending_files"


def commands(pair: Pair, role: str) -> dict[str, str]:
    """Recovery's clock, log and inbound tree; nothing on production."""
    if role != "recovery":
        return {}
    mft, translate = pair.mft, pair.translation(role)
    found = {"clock": transferlog.CLOCK}
    if mft.transfer_log:
        found["log"] = transferlog.log_command(translate.text(mft.transfer_log), transferlog.max_bytes(mft),
                                               mft.transfer_log_format)
    if mft.inbound_paths:
        found["tree"] = files_command([translate.text(path) for path in mft.inbound_paths])
    return found


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """Recovery's pending uploads and inbound files; ``{}`` for production (no commands ran)."""
    if not outputs:
        return {}
    parts = Parts()
    now = parts.read("now", lambda: transferlog.clock(outputs)[0])
    log = parts.read("uploads", lambda: transferlog.read_log(outputs)) if "log" in outputs else None
    tree = parts.read("files", lambda: _tree(require(outputs, "tree"))) if "tree" in outputs else None
    facts: dict[str, Any] = {"now": now} if now is not None else {}
    events = _last_events(log["transfers"]) if log else {}
    if log is not None:
        facts["log"] = transferlog.window(log)
        facts["uploads"] = [_upload(event) for event in events.values()
                            if event["direction"] == "i" and event["complete"]]
    if tree is not None:
        files, errors, nomatch = tree
        facts["files"] = [{**entry, "last_event": _event(events.get(entry["log_path"])) if log else None}
                          for entry in files]
        facts["tree_errors"], facts["tree_nomatch"] = errors, nomatch
    return parts.facts(facts)


def _last_events(transfers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each path's last logged event: an upload (complete or not), a download or a deletion."""
    return {transfer["path"]: transfer for transfer in transfers}


def _upload(transfer: Mapping[str, Any]) -> dict[str, Any]:
    return {key: transfer[key] for key in ("path", "user", "size", "time")}


def _event(transfer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if transfer is None:
        return None
    return {key: transfer[key] for key in ("direction", "user", "time", "complete")}


def _tree(stdout: str) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    listing = parse_listing(stdout)
    files = [{"path": entry.name, "size": entry.size, "mtime": int(entry.mtime), "owner": entry.owner,
              "log_path": xferlog.log_name(entry.name)} for entry in listing.sections[""]]
    errors = sorted({line for lines in listing.errors.values() for line in lines})
    return sorted(files, key=lambda item: item["path"]), errors, sorted(set(listing.nomatch))

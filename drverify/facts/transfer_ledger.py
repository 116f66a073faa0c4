"""The completed transfers in each side's transfer log: the ledger production must know before
it takes the traffic back.

An MFT server remembers what it already sent and received (its log or database); a transfer it
does not know about is a file it may send again to a partner who already has it, or a file it
may process twice. Both sides' logs are read (``transfer_log``, its last
``transfer_log_max_mib`` MiB, see :mod:`drverify.facts.mft.transferlog`), each in one command
of the batched round trip; only complete transfers are kept, as compact rows::

    {"now": 1796081500,
     "log": {"size": 1890, "cut": false, "from": 1796081140, "unparsed": 0},
     "transfers": [[1796081141, "i", "backoffice", "/srv/mft/acme/outbound/report-2026-11.pdf", 5000], ...]}

(time in epoch seconds, direction ``i``/``o``/``d``, user, path as the server logged it, size.)
A log cut by the limit says so (``"cut": true``), and ``from`` is the time of the first
transfer read: what is older was not looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.facts.batch import Output
from drverify.facts.mft import transferlog
from drverify.inventory.model import Pair

NAME = "transfer_ledger"


def commands(pair: Pair, role: str) -> dict[str, str]:
    mft = pair.mft
    path = pair.translation(role).text(mft.transfer_log)
    return {"clock": transferlog.CLOCK,
            "log": transferlog.log_command(path, transferlog.max_bytes(mft), mft.transfer_log_format)}


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """The side's complete transfers and how its log was read; :class:`FactError` when the log or
    the clock cannot be read (one log is the whole area)."""
    now = transferlog.clock(outputs)[0]
    log = transferlog.read_log(outputs)
    rows = [[t["time"], t["direction"], t["user"], t["path"], t["size"]] for t in log["transfers"] if t["complete"]]
    return {"now": now, "log": transferlog.window(log), "transfers": rows}

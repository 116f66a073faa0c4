"""Sessions and transfers in flight on the recovery host, from the MFT server's own view.

Failing back means switching partners from recovery to production again; a transfer cut in the
middle must be resent, and a partner that does not retry loses the file. Only the host carrying
the traffic matters, so **only recovery is read**: production's side of the facts is ``{}``
(not gathered; a production server kept stopped until the switch is normal and must not leave
recovery's answer unverified).

Per adapter (``mft.product``), in one batched round trip (the SFTPGo API is one request):

- ``proftpd``: ``ftpwho -o json`` on the instance's ``scoreboard`` and the files each session
  process holds open (:mod:`drverify.facts.mft.proftpd`);
- ``sftpgo``: the REST API's ``/api/v2/connections`` with their active transfers
  (:mod:`drverify.facts.mft.sftpgo`);
- ``generic``: established TCP connections to ``service_port`` (:mod:`drverify.facts.mft.generic`);
- all but sftpgo: files under ``data_paths`` that grow while drverify looks.

Facts (recovery)::

    {"product": "proftpd", "sessions": [...], "open_files": {...}, "open_files_errors": {...},
     "growing": [{"path": "/srv/mft/acme/inbound/big upload.bin", "size": 81920, "before": 65536,
                  "owner": "2001"}], "growth_errors": [], "growth_nomatch": []}

The sessions and the growth are two parts (:mod:`drverify.facts.parts`), named by their key
(``sessions``, ``growing``): ``ftpwho`` failing (the server stopped) leaves the growth compared,
and the reason in ``errors["sessions"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.facts.batch import Output, require
from drverify.facts.mft import generic, proftpd, sftpgo
from drverify.facts.parts import Parts
from drverify.inventory.model import Pair

NAME = "active_transfers"


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    """Recovery's sessions and transfers; ``{}`` for production (see the module docstring)."""
    if role != "recovery":
        return {}
    mft = pair.mft
    if mft.product == "sftpgo":
        api_url = pair.translation(role).text(mft.sftpgo.api_url)
        text = sftpgo.fetch_connections(vantage, mft.sftpgo, api_url, timeout=10.0)
        return {"product": "sftpgo", "sessions": sftpgo.parse_connections(text)}
    return parse(mft.product, vantage.run(commands(pair, role)))


def commands(pair: Pair, role: str) -> dict[str, str]:
    """The session view and, with ``data_paths``, the growth sample (paths as ``role`` has them)."""
    mft, translate = pair.mft, pair.translation(role)
    found = {"sessions": proftpd.sessions_command(translate.text(mft.scoreboard)) if mft.product == "proftpd"
             else generic.connections_command(mft.service_port)}
    if mft.data_paths:
        found["growth"] = generic.growth_command([translate.text(path) for path in mft.data_paths])
    return found


def parse(product: str, outputs: Mapping[str, Output]) -> dict[str, Any]:
    """Both parts, each on its own; :class:`FactError` when neither could be read."""
    parts = Parts()
    if product == "proftpd":
        sessions = parts.read("sessions", lambda: proftpd.parse_sessions(proftpd.sessions_output(outputs.get("sessions"))))
    else:
        sessions = parts.read("sessions", lambda: {"sessions": generic.parse_connections(require(outputs, "sessions"))})
    growth = parts.read("growing", lambda: generic.parse_growth(require(outputs, "growth"))) \
        if "growth" in outputs else {}
    return parts.facts({"product": product, **(sessions or {}), **(growth or {})})


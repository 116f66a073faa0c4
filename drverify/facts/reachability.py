"""Outbound reachability: can the host open a TCP connection to each declared endpoint?

A command area: every endpoint's check runs in the host's one batched round trip, made by the
host itself with bash's /dev/tcp (:func:`~drverify.facts.vantage.tcp_check_command`) under
``timeout`` (``network.connect_timeout``: a DROP rule waits for the whole connect timeout,
LAB-NOTES pitfall 8). Recovery checks the translation of each endpoint's host.

Either side's checks are recorded the same way; an endpoint production itself cannot reach is
the drift module's business (its declared reference step), not this one's. A check whose output
cannot be read costs that endpoint only (``{"error": reason}``). Facts::

    {"partner-sftp": {"host": "partner-sftp.example.com", "port": 22, "reachable": false,
                      "reason": "connection refused"}}
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping
from typing import Any

from drverify.facts.batch import Output
from drverify.facts.vantage import connect_failure, tcp_check_command
from drverify.inventory.model import Pair
from drverify.inventory.translate import Translation

NAME = "reachability"
PROBES_FROM = "host"


def commands(pair: Pair, role: str) -> dict[str, str]:
    """Per endpoint: print host and port (so parse knows the target), then try to connect."""
    tr = Translation(pair.translate if role == "recovery" else {})
    seconds = max(1, math.ceil(pair.network.connect_timeout))
    result = {}
    for endpoint in pair.network.endpoints:
        host = tr.text(endpoint.host)
        check = tcp_check_command(host, endpoint.port)
        result[endpoint.name] = (f"echo {shlex.quote(host)} {int(endpoint.port)}; "
                                 f"timeout {seconds} sh -c {shlex.quote(check)}")
    return result


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    return {name: endpoint(name, output) for name, output in sorted(outputs.items())}


def endpoint(name: str, output: Output) -> dict[str, Any]:
    """One endpoint's target (from the first line) and whether the host could connect; a check
    that printed no target is ``{"error": reason}`` (that endpoint unverified, not the area)."""
    first, _, rest = output.stdout.partition("\n")
    host, _, port = first.strip().rpartition(" ")
    if not host or not port.isdigit():
        return {"error": f"the reachability check printed no target ({output.reason(name)})"}
    reason = connect_failure(Output(output.rc, rest, output.stderr))
    return {"host": host, "port": int(port), "reachable": reason is None, "reason": reason}

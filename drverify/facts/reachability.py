"""Outbound reachability: can the host open a TCP connection to each declared endpoint?

A command area: every endpoint's check runs in the host's one batched round trip, made by the
host itself with bash's /dev/tcp (:func:`~drverify.facts.vantage.tcp_check_command`) under
``timeout`` (``network.connect_timeout``: a DROP rule waits for the whole connect timeout,
LAB-NOTES pitfall 8). Recovery checks the translation of each endpoint's host.

Production is the reference, as in the other network areas: an endpoint production itself cannot
reach (the partner is down, DNS is down) leaves nothing to compare, so the area is unverified
(FactError naming the endpoint and reason) rather than passed. On recovery an unreachable
endpoint is a fact, and the comparison makes it drift. Facts::

    {"partner-sftp": {"host": "partner-sftp.example.com", "port": 22, "reachable": false,
                      "reason": "connection refused"}}
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import Output
from drverify.facts.vantage import connect_failure, tcp_check_command
from drverify.inventory.model import Pair
from drverify.inventory.translate import Translation

NAME = "reachability"
PROBES_FROM = "host"
#: a pseudo-command telling ``parse`` which side it reads (endpoint names cannot start with "_")
ROLE = "_role"


def applies(pair: Pair) -> bool:
    return bool(pair.network.endpoints)


def commands(pair: Pair, role: str) -> dict[str, str]:
    """Per endpoint: print host and port (so parse knows the target), then try to connect."""
    tr = Translation(pair.translate if role == "recovery" else {})
    seconds = max(1, math.ceil(pair.network.connect_timeout))
    result = {ROLE: f"echo {shlex.quote(role)}"}
    for endpoint in pair.network.endpoints:
        host = tr.text(endpoint.host)
        check = tcp_check_command(host, endpoint.port)
        result[endpoint.name] = (f"echo {shlex.quote(host)} {int(endpoint.port)}; "
                                 f"timeout {seconds} sh -c {shlex.quote(check)}")
    return result


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    role = side(outputs.get(ROLE))
    facts = {name: endpoint(name, output) for name, output in sorted(outputs.items()) if name != ROLE}
    for name, fact in facts.items():
        if role == "production" and not fact["reachable"]:
            raise FactError(f"production cannot reach {name} at {fact['host']}:{fact['port']} "
                            f"({fact['reason']}): nothing to compare recovery with")
    return facts


def side(output: Output | None) -> str:
    """The role ``_role`` printed: without it, production's rule (unreachable → unverified) could
    not be applied, so a missing or garbled answer is unusable, never taken as recovery."""
    if output is None:
        raise FactError(f"{ROLE}: no output came back (which side these checks ran on is unknown)")
    role = output.stdout.strip()
    if not output.ok or role not in ("production", "recovery"):
        raise FactError(f"{ROLE}: expected 'production' or 'recovery', got {role[:40]!r} ({output.reason(ROLE)})")
    return role


def endpoint(name: str, output: Output) -> dict[str, Any]:
    """One endpoint's target (from the first line) and whether the host could connect."""
    first, _, rest = output.stdout.partition("\n")
    host, _, port = first.strip().rpartition(" ")
    if not host or not port.isdigit():
        raise FactError(f"{name}: the reachability check printed no target ({output.reason(name)})")
    reason = connect_failure(Output(output.rc, rest, output.stderr))
    return {"host": host, "port": int(port), "reachable": reason is None, "reason": reason}

"""The load balancer's view of the service's pool: each member's state, read-only.

The balancer is a third host, not a side of the pair: this probe ignores the side's vantage and
opens its own connection to ``load_balancer.host`` (the pair's SSH options, host-key checking
on, ``sudo -n`` if asked), in a private directory removed afterwards, and reads HAProxy's
Runtime API in one round trip: ``show servers state BACKEND`` and ``show stat BACKEND 4 -1``
through the stats socket (``socat``, or ``python3`` where socat is missing). With a ``url``
instead, it fetches HAProxy's HTTP stats page as CSV from this machine.

Within one collection run the balancer is read once, however many sides and pairs ask (they
share the read: :func:`shared_read`, keyed by the run's working directory, so no answer outlives
its run), and at most :data:`READS_PER_BALANCER` reads of one balancer run at a time, under
sshd's MaxStartups. Each side keeps the answer in its own facts, so a production snapshot keeps
the pool as it was that night while recovery's member is read live.

Facts::

    {"source": "ssh://root@198.51.100.6 /run/haproxy/admin.sock", "backend": "mft_sftp",
     "servers": {"mft-dr": {"address": "198.51.100.20:2122", "status": "MAINT", "backup": true,
                            "weight": 1, "check": null, "op_state": 0, "admin_state": 5}}}
"""

from __future__ import annotations

import copy
import csv
import re
import shlex
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import requests

from drverify.errors import FactError, FactsUnavailable
from drverify.facts.batch import Output, require, run_batch
from drverify.facts.parts import Parts
from drverify.facts.transport import connect
from drverify.facts.vantage import Vantage
from drverify.inventory.mft import LoadBalancerChecks
from drverify.inventory.model import Pair, SshOptions

NAME = "load_balancer"
READS_PER_BALANCER = 4
KEPT_READS = 64
_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()
_reads: dict[tuple[str, ...], Future[dict[str, Any]]] = {}
_reads_lock = threading.Lock()

#: ask HAProxy's stats socket one command: socat where installed, else python3's socket module
_ASK = """s={socket}
if command -v socat >/dev/null 2>&1; then
  printf '%s\\n' {command} | socat -t {timeout} stdio "UNIX-CONNECT:$s"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import socket, sys
c = socket.socket(socket.AF_UNIX); c.settimeout(float(sys.argv[3])); c.connect(sys.argv[1])
c.sendall(sys.argv[2].encode() + b"\\n"); out = b""
while True:
    data = c.recv(65536)
    if not data:
        break
    out += data
sys.stdout.write(out.decode(errors="replace"))' "$s" {command} {timeout}
else
  echo "socat or python3 is needed on the balancer to read HAProxy's stats socket" >&2; exit 127
fi
"""
#: HAProxy's srv_admin_state bits (forced, inherited, configured, resolution, health maintenance; drain)
_MAINT_BITS, _DRAIN_BITS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40, 0x08 | 0x10
#: how socat starts its error lines (date, time, program and pid, level)
_SOCAT = re.compile(r"^\S+ \S+ socat\[\d+\] [EW] ", re.MULTILINE)
#: HAProxy's answers to a backend it does not know
_UNKNOWN = ("Can't find backend", "No such proxy", "No such backend")


def commands(lb: LoadBalancerChecks) -> dict[str, str]:
    """The two Runtime API questions, for the balancer host's batched script."""
    ask = {"servers": f"show servers state {lb.backend}", "stat": f"show stat {lb.backend} 4 -1"}
    return {name: _ASK.format(socket=shlex.quote(lb.socket), command=shlex.quote(text), timeout=int(lb.timeout + 0.999))
            for name, text in ask.items()}


def probe(pair: Pair, role: str, vantage: Vantage) -> dict[str, Any]:
    """The backend as the balancer sees it now (the side's own host plays no part)."""
    options = pair.ssh or SshOptions()
    if vantage.run_dir is None:
        return read(pair.load_balancer, options)
    key = (str(vantage.run_dir), pair.load_balancer.model_dump_json(), options.model_dump_json())
    return copy.deepcopy(shared_read(key, lambda: read(pair.load_balancer, options)))


def shared_read(key: tuple[str, ...], reader: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``reader()`` once per key: the first caller reads, the others wait for its answer (or its
    error). Only the last :data:`KEPT_READS` keys are kept: a run's reads happen within it."""
    with _reads_lock:
        future = _reads.get(key)
        owner = future is None
        if owner:
            future = _reads[key] = Future()
            while len(_reads) > KEPT_READS:
                _reads.pop(next(iter(_reads)))
    if owner:
        try:
            future.set_result(reader())
        except Exception as error:  # noqa: BLE001 - handed to every side that shares the read
            future.set_exception(error)
    return future.result()


def read(lb: LoadBalancerChecks, options: SshOptions) -> dict[str, Any]:
    """One read of the balancer: its HTTP stats page, or its Runtime API over SSH."""
    if lb.url is not None:
        return {"source": lb.url, "backend": lb.backend, "servers": from_stats_csv(_fetch(lb), lb.backend)}
    with _slot(lb.host), tempfile.TemporaryDirectory(prefix="drv-lb-") as workdir:
        transport = connect(lb.host, options, lb.sudo, Path(workdir))
        try:
            outputs = run_batch(transport, commands(lb), timeout=int(lb.timeout) + 5)
            found = parse(outputs, lb.backend)
        except (FactsUnavailable, FactError) as error:
            raise FactError(f"balancer {lb.host}: {error}") from None
        finally:
            transport.close()
    return {"source": f"{lb.host} {lb.socket}", "backend": lb.backend, **found}


def _slot(host: str) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(host, threading.BoundedSemaphore(READS_PER_BALANCER))


def _fetch(lb: LoadBalancerChecks) -> str:
    session = requests.Session()
    session.trust_env = False  # a stray proxy variable must not redirect the read
    try:
        response = session.get(lb.url, timeout=lb.timeout)
        response.raise_for_status()
    except requests.RequestException as error:
        raise FactError(f"balancer {lb.url}: {type(error).__name__}: {error}") from None
    return response.text


def parse(outputs: Mapping[str, Output], backend: str) -> dict[str, Any]:
    """``{"servers": ...}``: both answers merged per server. One answer is enough: the other's
    reason is kept in ``errors`` (without ``show stat``, whether a server is a backup is unknown)."""
    parts = Parts()
    state = parts.read("servers", lambda: servers_state(_answer(outputs, "servers", backend))) or {}
    stat = parts.read("stat", lambda: from_stats_csv(_answer(outputs, "stat", backend), backend)) or {}
    merged = {}
    for name in sorted(state.keys() | stat.keys()):
        shown = {key: value for key, value in stat.get(name, {}).items() if value is not None}
        merged[name] = {**_derived(state.get(name)), **state.get(name, {}), **shown}
    return parts.facts({"servers": merged})


def _answer(outputs: Mapping[str, Output], name: str, backend: str) -> str:
    output = outputs.get(name)
    if output is not None and not output.ok and _SOCAT.search(output.stderr):
        # socat's own line, without its timestamp: "E connect(..., "/run/haproxy/admin.sock", 25): Connection refused"
        raise FactError(f"{name}: {_SOCAT.sub('', output.stderr.strip().splitlines()[-1])}")
    text = require(outputs, name)
    if any(text.strip().startswith(unknown) for unknown in _UNKNOWN):
        raise FactError(f"backend {backend}: HAProxy says: {text.strip().splitlines()[0]}")
    return text


def servers_state(text: str) -> dict[str, dict[str, Any]]:
    """``show servers state``: a version line, a ``#`` header, one space-separated row per server."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = next((line[1:].split() for line in lines if line.startswith("#")), None)
    if not lines or header is None or "srv_name" not in header:
        raise FactError("show servers state: no header line in HAProxy's answer")
    found = {}
    for line in lines[1:]:
        if line.startswith("#"):
            continue
        row = dict(zip(header, line.split()))
        try:
            found[row["srv_name"]] = {"address": f"{row['srv_addr']}:{row['srv_port']}",
                                      "op_state": int(row["srv_op_state"]), "admin_state": int(row["srv_admin_state"])}
        except (KeyError, ValueError):
            raise FactError(f"show servers state: unreadable row {line[:80]!r}") from None
    return found


def from_stats_csv(text: str, backend: str) -> dict[str, dict[str, Any]]:
    """``show stat`` (or the HTTP stats page ``;csv``): status, backup flag, weight, check."""
    lines = text.lstrip().splitlines()
    if not lines or not lines[0].startswith("# pxname"):
        raise FactError("show stat: no '# pxname' CSV header in HAProxy's answer")
    found = {}
    for row in csv.DictReader([lines[0][2:], *lines[1:]]):
        if row.get("pxname") != backend or row.get("svname") in ("FRONTEND", "BACKEND"):
            continue
        found[row["svname"]] = {"address": row.get("addr") or None, "status": row.get("status") or None,
                                "backup": row.get("bck") == "1", "weight": _int(row.get("weight")),
                                "check": row.get("check_status") or None}
    return found


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _derived(state: Mapping[str, Any] | None) -> dict[str, Any]:
    """The status HAProxy would show, from the servers-state bits (when ``show stat`` failed)."""
    if state is None:
        return {}
    admin, op = state["admin_state"], state["op_state"]
    status = "MAINT" if admin & _MAINT_BITS else "DRAIN" if admin & _DRAIN_BITS else "UP" if op == 2 else "DOWN"
    return {"status": status, "backup": None, "weight": None, "check": None}

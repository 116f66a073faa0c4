"""A tiny HTTP server answering every GET with the caller's address: the lab's "what is my IP".

Run inside a lab node with the system Python (``/usr/bin/python3 echo.py [--json-for=ADDR]...
ADDR:PORT...``; standard library only, LAB-NOTES pitfall 6). One process serves every listed
address, so the same script stands in for the internet's IP-echo endpoint and for partner servers
(whose reachability is what matters, not the protocol). It binds every socket before printing
``ready``.

Real echo services answer in different shapes, and drverify must read each: callers listed with
``--json-for`` get JSON as ipify's ``?format=json`` does (``{"ip": ..., "via": "drverify-lab"}``),
every other caller the address as plain text, as ipify and icanhazip do. The lab gives production's
proxy JSON and recovery's plain text, so one run reads both shapes.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON_FOR = "--json-for="


def answer(caller: str, json_callers: frozenset[str]) -> tuple[str, bytes]:
    """(content type, body) of the answer to ``caller``: what a partner would see as our source."""
    if caller in json_callers:
        return "application/json", json.dumps({"ip": caller, "via": "drverify-lab"}).encode()
    return "text/plain", (caller + "\n").encode()


class EchoServer(ThreadingHTTPServer):
    """A listener that knows which callers get JSON."""

    def __init__(self, address: tuple[str, int], json_callers: frozenset[str]) -> None:
        super().__init__(address, EchoHandler)
        self.json_callers = json_callers


class EchoHandler(BaseHTTPRequestHandler):
    """Answers with the peer address, as JSON or plain text (see :func:`answer`)."""

    server: EchoServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        content_type, body = answer(self.client_address[0], self.server.json_callers)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        sys.stderr.write(f"{self.client_address[0]} {format % args}\n")


def main(argv: list[str]) -> None:
    json_callers = frozenset(arg[len(JSON_FOR):] for arg in argv if arg.startswith(JSON_FOR))
    servers = []
    for spec in (arg for arg in argv if not arg.startswith(JSON_FOR)):
        address, _, port = spec.rpartition(":")
        servers.append(EchoServer((address, int(port)), json_callers))
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])

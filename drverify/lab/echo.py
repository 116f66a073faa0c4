"""A tiny HTTP server answering every GET with the caller's address: the lab's "what is my IP".

Run inside a lab node with the system Python (``/usr/bin/python3 echo.py ADDR:PORT...``; standard
library only, LAB-NOTES pitfall 6). One process serves every listed address, so the same script
stands in for the internet's IP-echo endpoint and for partner servers (whose reachability is what
matters, not the protocol). It binds every socket before printing ``ready``.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class EchoHandler(BaseHTTPRequestHandler):
    """Answers with the peer address as plain text: what a partner would see as our source."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = (self.client_address[0] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        sys.stderr.write(f"{self.client_address[0]} {format % args}\n")


def main(listeners: list[str]) -> None:
    servers = []
    for spec in listeners:
        address, _, port = spec.rpartition(":")
        servers.append(ThreadingHTTPServer((address, int(port)), EchoHandler))
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])

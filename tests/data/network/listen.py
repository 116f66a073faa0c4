"""Test-data helper: open listening sockets under a chosen process name, then wait to be killed.

Run inside a throwaway network namespace by record.py. Each socket is PROTO|ADDRESS|PORT|DEVICE:
PROTO tcp, tcp6, tcp46 (dual-stack), udp; DEVICE scopes a link-local address or binds to a device.
"""

import socket
import sys
import time

FAMILY = {"tcp": socket.AF_INET, "udp": socket.AF_INET, "tcp6": socket.AF_INET6,
          "tcp46": socket.AF_INET6}


def open_socket(spec: str) -> socket.socket:
    proto, address, port, device = spec.split("|")
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    sock = socket.socket(FAMILY[proto], kind)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if proto == "tcp46":
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    if proto == "tcp6":
        scope = socket.if_nametoindex(device) if device else 0
        sock.bind((address, int(port), 0, scope))
    else:
        if device:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device.encode())
        sock.bind((address, int(port)))
    if kind == socket.SOCK_STREAM:
        sock.listen()
    return sock


def main() -> None:
    with open("/proc/self/comm", "w") as comm:
        comm.write(sys.argv[1])
    sockets = [open_socket(spec) for spec in sys.argv[2:]]
    print("ready", len(sockets), flush=True)
    time.sleep(3600)


main()

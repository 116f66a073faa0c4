"""The lab's TLS services: one small /usr/bin/python3 server per host (standard library only).

It serves implicit FTPS (port 990), explicit FTPS (port 21: a 220 banner, `AUTH TLS` answered
by 234, then TLS) and HTTPS (port 4443), each with a certificate file whose *whole* content
(leaf and chain) is sent, as `ssl.SSLContext.load_cert_chain` does. Chosen over vsftpd and
`openssl s_server` because it starts in ~30 ms with no package or PAM setup, serves the file's
chain exactly as written (so recovery's chain-less file shows as a chain-less handshake), and
runs identically on both hosts (same argv, same ports), so it adds no drift of its own.
"""

from __future__ import annotations

SCRIPT_PATH = "/etc/mft/tlsserver.py"
#: (port, mode, certificate file, key file)
SERVICES = (
    (21, "ftps-explicit", "/etc/mft/tls/ftps.pem", "/etc/mft/tls/private/ftps.key"),
    (990, "ftps-implicit", "/etc/mft/tls/ftps.pem", "/etc/mft/tls/private/ftps.key"),
    (4443, "https", "/etc/mft/tls/https.pem", "/etc/mft/tls/private/https.key"),
)

SCRIPT = '''\
"""drverify lab TLS server: implicit FTPS, explicit FTPS (AUTH TLS) and HTTPS."""
import socket, ssl, sys, threading

SERVICES = %r


def context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def read_line(conn):
    data = b""
    while not data.endswith(b"\\n") and len(data) < 512:
        chunk = conn.recv(1)
        if not chunk:
            break
        data += chunk
    return data


def handle(conn, mode, ctx):
    try:
        conn.settimeout(10)
        if mode == "ftps-explicit":
            conn.sendall(b"220 drverify lab FTP\\r\\n")
            if not read_line(conn).upper().startswith(b"AUTH TLS"):
                conn.sendall(b"530 TLS required\\r\\n")
                return
            conn.sendall(b"234 Proceed with negotiation.\\r\\n")
        tls = ctx.wrap_socket(conn, server_side=True)
        if mode == "https":
            tls.recv(4096)
            tls.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 3\\r\\n\\r\\nok\\n")
        else:
            tls.sendall(b"220 drverify lab FTPS\\r\\n")
        tls.close()
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def serve(port, mode, ctx):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(32)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn, mode, ctx), daemon=True).start()


threads = [threading.Thread(target=serve, args=(port, mode, context(cert, key)), daemon=True)
           for port, mode, cert, key in SERVICES]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
''' % (SERVICES,)

ARGV = ("/usr/bin/python3", SCRIPT_PATH)

"""SSH host keys as a partner's client sees them: every algorithm the SFTP listener offers.

``ssh-keyscan`` (OpenSSH's own client, one connection per key type) runs on the machine running
pytest against the host's address, as a partner's client would: through the host's firewall, to
whatever process really listens. Fingerprints are SHA-256 in OpenSSH's notation
(``SHA256:base64``), computed here from the public key blobs.

A port that does not answer is recorded with its reason, the same way on either host: drift
judges what it means (production's port cannot be the reference; recovery's is drift). A key
blob drverify cannot decode is ``unchecked``: drverify's limit, not the listener's.

Facts::

    {"ports": {"2022": {"keys": {"ecdsa-sha2-nistp256": "SHA256:...", "ssh-ed25519": "SHA256:..."}},
               "22": {"error": "connection refused"}}}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import socket
import subprocess
from typing import Any

from drverify.errors import FactError
from drverify.inventory.model import Pair

NAME = "ssh_hostkeys"
PROBES_FROM = "partner"
KEY_TYPES = "rsa,ecdsa,ed25519,ecdsa-sk,ed25519-sk,dsa"


def fingerprint(blob_b64: str) -> str:
    """OpenSSH's SHA256 fingerprint of a base64 public key blob."""
    try:
        blob = base64.b64decode(blob_b64, validate=True)
    except binascii.Error:
        raise FactError(f"ssh-keyscan: not a base64 key blob: {blob_b64[:20]!r}") from None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_keyscan(stdout: str) -> dict[str, str]:
    """``host keytype blob`` lines (comments skipped) → {keytype: fingerprint}."""
    keys: dict[str, str] = {}
    for line in stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and not line.startswith("#"):
            keys[fields[1]] = fingerprint(fields[2])
    return dict(sorted(keys.items()))


def keyscan_failure(stderr: str) -> str:
    """Why ssh-keyscan found no key, in a few words."""
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("#")]
    text = lines[-1] if lines else ""
    for needle, reason in (("refused", "connection refused"), ("timed out", "timed out"),
                           ("no route", "no route to host")):
        if needle in text.lower():
            return reason
    return f"no host key received{': ' + text if text else ''}"


def scan(address: str, port: int, timeout: float) -> dict[str, Any]:
    argv = ["ssh-keyscan", "-T", str(max(1, int(timeout))), "-p", str(port), "-t", KEY_TYPES, address]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout * 8 + 5, check=False)
    except FileNotFoundError:
        raise FactError("ssh-keyscan is needed on the machine running pytest (openssh-client)") from None
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    try:
        keys = parse_keyscan(done.stdout)
    except FactError as error:
        return {"unchecked": str(error)}
    if keys:
        return {"keys": keys}
    return {"error": _tcp_failure(address, port, timeout) or keyscan_failure(done.stderr)}


def _tcp_failure(address: str, port: int, timeout: float) -> str | None:
    """ssh-keyscan is silent about a refused connection: ask TCP itself why."""
    try:
        socket.create_connection((address, port), timeout=timeout).close()
    except ConnectionRefusedError:
        return "connection refused"
    except TimeoutError:
        return "timed out"
    except OSError as error:
        return error.strerror or str(error)
    return None


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    spec = pair.keys.ssh_hostkeys
    return {"ports": {str(port): scan(vantage.address, port, spec.timeout) for port in spec.ports}}

"""Certificate files on each host: what they certify, until when, with their key and chain.

One remote script per host prints only *public* material: the certificate blocks of PEM files
(``sed`` keeps nothing else, so a combined key+certificate file gives its certificates only), DER
files converted to PEM, the certificates of PKCS#12 files (``openssl pkcs12 -nokeys``), and for
private keys the PEM *public* key derived from them on the host. Everything is parsed here,
locally, with pyOpenSSL. The PKCS#12 password reaches the host on the script's stdin
(:meth:`Connection.run_with_stdin`), never in an argument, a fact or a report.

Facts::

    {"files": {"/etc/mft/tls/ftps.pem": {"format": "pem", "certificates": [{...}, ...],
                                         "chain": "ok", "key": "/etc/mft/tls/private/ftps.key"},
               "/etc/mft/tls/old.pem": {"error": "permission denied"},
               "/etc/mft/as2/ks.p12": {"unchecked": "cannot open the PKCS#12 file (...)"}},
     "keys": {"/etc/mft/tls/private/ftps.key": "<sha256 of the public key>"},
     "key_errors": {"/etc/mft/tls/private/old.key": "encrypted with a passphrase"},   # only if any
     "nomatch": {"/etc/mft/as2/*.p12": "permission denied on /etc/mft/as2"}}          # only if any

A pattern that matches nothing and a key or file that cannot be read are recorded per item, never
dropped, the same way on either host: drift judges what they mean (on production the item cannot
be the reference, on recovery the service could not use the file). ``error`` is what the host
says of a file (unreadable, not a certificate); ``unchecked`` is what drverify could not read in
it (a PKCS#12 file the inventory's password does not open, an algorithm `cryptography` does not
know), which says nothing about the service. A file that vanished between the glob and the test
is ``{"missing": true}``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import new_boundary
from drverify.facts.secrets import reveal
from drverify.facts.x509 import (
    chain_status,
    describe,
    load_bundle,
    pem_certificates,
    public_key_hash,
    refuse_private,
)
from drverify.inventory.model import Pair

NAME = "certificates"
_GLOB = set("*?[")

_SCRIPT = """\
LC_ALL=C; export LC_ALL; cd / || exit 70
IFS= read -r P || :
B={boundary}
certs() {{ sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p'; }}
pubs() {{ sed -n '/-----BEGIN PUBLIC KEY-----/,/-----END PUBLIC KEY-----/p'; }}
say() {{ printf '%s %s %s\\n' "$B" "$1" "$2"; }}
nomatch() {{
  say nomatch "$1"; d=${{1%/*}}
  case $d in *[][*?]*) return ;; esac
  if [ -n "$d" ] && [ ! -d "$d" ]; then echo "no directory $d"
  elif [ -n "$d" ] && ! {{ [ -r "$d" ] && [ -x "$d" ]; }}; then echo "permission denied on $d"; fi
}}
IFS=''
for pat in {certificates}; do
  for f in $pat; do
    if [ ! -e "$f" ]; then
      if [ "$f" = "$pat" ]; then nomatch "$pat"; else say missing "$f"; fi; continue; fi
    if [ ! -r "$f" ]; then say unreadable "$f"; continue; fi
    case "$f" in
      *.p12|*.pfx|*.P12|*.PFX)
        if [ -z "$P" ]; then say p12-nopass "$f"; continue; fi
        if ! DRV_P12=$P openssl pkcs12 -in "$f" -nokeys -noout -passin env:DRV_P12 2>/dev/null; then
          say p12-error "$f"; continue; fi
        say p12 "$f"; DRV_P12=$P openssl pkcs12 -in "$f" -nokeys -passin env:DRV_P12 2>/dev/null | certs
        say p12key "$f"
        DRV_P12=$P openssl pkcs12 -in "$f" -nocerts -nodes -passin env:DRV_P12 2>/dev/null \\
          | openssl pkey -pubout 2>/dev/null | pubs ;;
      *)
        if grep -q -e '-----BEGIN CERTIFICATE-----' "$f"; then say pem "$f"; certs <"$f"
        elif openssl x509 -inform DER -in "$f" -noout 2>/dev/null; then
          say der "$f"; openssl x509 -inform DER -in "$f" | certs
        else say unknown "$f"; fi ;;
    esac
  done
done
for pat in {keys}; do
  for f in $pat; do
    if [ ! -e "$f" ]; then
      if [ "$f" = "$pat" ]; then nomatch "$pat"; else say key-error "$f"; echo "no such file"; fi; continue; fi
    if [ ! -r "$f" ]; then say key-error "$f"; echo "permission denied"; continue; fi
    if out=$(openssl pkey -in "$f" -pubout -passin pass: 2>&1); then say key "$f"; printf '%s\\n' "$out" | pubs
    elif grep -q -e ENCRYPTED "$f"; then say key-error "$f"; echo "encrypted with a passphrase"
    else say key-error "$f"; why=$(printf '%s\\n' "$out" \\
      | sed -n 's/^[0-9A-Fa-f]*:error:[0-9A-Fa-f]*:[^:]*:[^:]*:\\([^:]*\\):.*/ (\\1)/p' | head -n 1)
      echo "not a private key openssl can read$why"; fi
  done
done
say end -
"""

_ERRORS = {
    "unreadable": "permission denied",
    "unknown": "not a PEM, DER or PKCS#12 certificate",
}
#: PKCS#12 files the inventory's password does not open: drverify cannot look, the service may
_UNOPENABLE = {
    "p12-nopass": "cannot open the PKCS#12 file (no keys.certificates.pkcs12_password)",
    "p12-error": "cannot open the PKCS#12 file (wrong password or unsupported encryption)",
}


def script(paths: list[str], keys: list[str], boundary: str) -> str:
    """The remote script; inventory patterns are quoted and globbed on the host."""
    quoted = " ".join(shlex.quote(p) for p in paths) or "''"
    quoted_keys = " ".join(shlex.quote(k) for k in keys) or "''"
    return _SCRIPT.format(boundary=boundary, certificates=quoted, keys=quoted_keys)


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    """Run the script on the host (the password on its stdin) and parse what came back."""
    spec = pair.keys.certificates
    secret = reveal(spec.pkcs12_password, "pkcs12_password") if spec.pkcs12_password else ""
    boundary = new_boundary()
    output = vantage.connection.run_with_stdin(script(spec.paths, spec.keys, boundary),
                                               (secret + "\n").encode())
    if f"{boundary} end -" not in output.stdout:
        raise FactError(output.reason("certificate scan") if not output.ok
                        else "certificate scan: output is incomplete (no end marker)")
    return parse(output.stdout, boundary, load_bundle(spec.ca_bundle))


def sections(stdout: str, boundary: str) -> list[tuple[str, str, str]]:
    """(kind, path, body) for every marker line the script printed, in order."""
    found: list[tuple[str, str, str]] = []
    for line in stdout.splitlines(keepends=True):
        if line.startswith(boundary + " "):
            kind, _, path = line[len(boundary) + 1:].rstrip("\n").partition(" ")
            found.append((kind, path, ""))
        elif found:
            kind, path, body = found[-1]
            found[-1] = (kind, path, body + line)
    return found


@dataclass
class _Scan:
    """What the markers said, gathered before certificates are matched with keys and chains."""

    files: dict[str, Any] = field(default_factory=dict)
    loaded: dict[str, list] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    p12_keys: dict[str, str] = field(default_factory=dict)
    key_errors: dict[str, str] = field(default_factory=dict)
    nomatch: dict[str, str] = field(default_factory=dict)

    def facts(self) -> dict[str, Any]:
        """``key_errors`` and ``nomatch`` only when there are any: older snapshots stay alike."""
        facts = {"files": dict(sorted(self.files.items())), "keys": dict(sorted(self.keys.items()))}
        for name in ("key_errors", "nomatch"):
            if getattr(self, name):
                facts[name] = dict(sorted(getattr(self, name).items()))
        return facts


def parse(stdout: str, boundary: str, trusted: list | None) -> dict[str, Any]:
    """Facts from the script's output; ``trusted`` is the CA bundle (None: chains not checked)."""
    refuse_private(stdout, "certificate scan")
    scan = _Scan()
    for kind, path, body in sections(stdout, boundary):
        if kind in ("key", "key-error", "p12key", "nomatch", "missing"):
            _absent_or_key(scan, kind, path, body)
        else:
            _certificate(scan, kind, path, body)
    _judge(scan, trusted)
    return scan.facts()


def _certificate(scan: _Scan, kind: str, path: str, body: str) -> None:
    if kind in ("pem", "der", "p12"):
        _load(scan, kind, path, body)
    elif kind in _UNOPENABLE:
        scan.files[path] = {"unchecked": _UNOPENABLE[kind]}
    elif kind in _ERRORS:
        scan.files[path] = {"error": _ERRORS[kind]}


def _load(scan: _Scan, kind: str, path: str, body: str) -> None:
    """One file's certificates. What OpenSSL cannot load is the file's fault (``error``); what
    `cryptography` cannot describe (an unknown algorithm) is drverify's limit (``unchecked``)."""
    try:
        certs = pem_certificates(body)
    except FactError as error:
        scan.files[path] = {"error": str(error)}
        return
    try:
        described = [describe(cert) for cert in certs]
    except FactError as error:
        scan.files[path] = {"unchecked": str(error)}
        return
    scan.loaded[path] = certs
    scan.files[path] = {"format": kind, "certificates": described}


def _absent_or_key(scan: _Scan, kind: str, path: str, body: str) -> None:
    """Keys, and what matched nothing: an unreadable key is never taken for "no key"."""
    glob = bool(_GLOB & set(path))
    if kind in ("key", "p12key") and body.strip():
        _public_key(scan, kind, path, body)
    elif kind == "key":
        scan.key_errors[path] = "openssl printed no public key"
    elif kind == "key-error":
        scan.key_errors[path] = body.strip() or "unreadable"
    elif kind == "nomatch" or (kind == "missing" and glob):
        scan.nomatch[path] = body.strip() or ("no matching file" if glob else "no such file")
    elif kind == "missing":
        scan.files[path] = {"missing": True}


def _public_key(scan: _Scan, kind: str, path: str, body: str) -> None:
    """A key file's (or a PKCS#12 file's own) public half; one drverify cannot read is an error."""
    try:
        (scan.keys if kind == "key" else scan.p12_keys)[path] = public_key_hash(body)
    except FactError as error:
        scan.key_errors[path] = str(error)


def _judge(scan: _Scan, trusted: list | None) -> None:
    """Add each file's matching private key and chain status (from the host's own certificates)."""
    everything = [cert for certs in scan.loaded.values() for cert in certs]
    for path, certs in scan.loaded.items():
        if not certs:
            scan.files[path] = {"error": "no certificate in the file"}
            continue
        leaf = certs[0]
        spki = scan.files[path]["certificates"][0]["spki_sha256"]
        own = {path: scan.p12_keys[path]} if path in scan.p12_keys else {}
        matching = sorted(key for key, digest in {**scan.keys, **own}.items() if digest == spki)
        scan.files[path]["key"] = matching[0] if matching else None
        others = certs[1:] + [cert for cert in everything if cert not in certs]
        scan.files[path]["chain"] = chain_status(leaf, others, trusted)

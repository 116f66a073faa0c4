"""Certificates as facts: public metadata only, parsed locally with pyOpenSSL (and `cryptography`
where pyOpenSSL hands over: SANs and public keys, LAB-NOTES pitfall 12).

Shared by the certificate-file and served-TLS areas, so both describe a certificate the same way
and their drift rules can compare like with like.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509 as cx509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from OpenSSL import crypto

from drverify.errors import FactError

_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL)
_ASN1_TIME = "%Y%m%d%H%M%SZ"
#: what cryptography and pyOpenSSL raise on material they cannot read (an unknown curve or key
#: algorithm, a malformed extension or date): unreadable facts, never a traceback
_UNREADABLE = (ValueError, TypeError, UnsupportedAlgorithm, crypto.Error, cx509.DuplicateExtension,
               cx509.UnsupportedGeneralNameType)


def refuse_private(text: str, where: str) -> None:
    """A guard: private key text must never reach a fact, whatever a host sent back."""
    if "PRIVATE KEY" in text:
        raise FactError(f"{where}: refusing output that holds private key text")


def pem_certificates(text: str) -> list[crypto.X509]:
    """Every PEM certificate block in ``text``, in order."""
    try:
        return [crypto.load_certificate(crypto.FILETYPE_PEM, block.encode())
                for block in _PEM_CERT.findall(text)]
    except crypto.Error as error:
        raise FactError(f"unreadable certificate: {_openssl_reason(error)}") from None


def _openssl_reason(error: crypto.Error) -> str:
    """OpenSSL's error queue as one line (``too long; bad object header; ...``)."""
    queue = error.args[0] if error.args and isinstance(error.args[0], list) else []
    reasons = [entry[2] for entry in queue if isinstance(entry, tuple) and len(entry) > 2 and entry[2]]
    return "; ".join(dict.fromkeys(reasons)) or str(error)


def _iso(asn1: bytes | None) -> str | None:
    if asn1 is None:
        return None
    stamp = datetime.strptime(asn1.decode(), _ASN1_TIME).replace(tzinfo=UTC)
    return stamp.isoformat().replace("+00:00", "Z")


def _name(name: cx509.Name) -> str:
    """RFC 4514 text, most significant part first (``O=...,CN=...``) as a person reads it."""
    return ",".join(reversed(name.rfc4514_string().split(","))) if name else ""


def _sans(cert: cx509.Certificate) -> list[str]:
    try:
        extension = cert.extensions.get_extension_for_class(cx509.SubjectAlternativeName)
    except cx509.ExtensionNotFound:
        return []
    return sorted(str(getattr(general, "value", general)) for general in extension.value)


def _key_type(key: Any) -> tuple[str, int]:
    kinds = ((rsa.RSAPublicKey, "RSA"), (ec.EllipticCurvePublicKey, "EC"), (dsa.DSAPublicKey, "DSA"),
             (ed25519.Ed25519PublicKey, "Ed25519"), (ed448.Ed448PublicKey, "Ed448"))
    name = next((label for kind, label in kinds if isinstance(key, kind)), type(key).__name__)
    size = getattr(key, "key_size", None) or {"Ed25519": 256, "Ed448": 456}.get(name, 0)
    return name, int(size)


def spki_sha256(public_key: Any) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo: equal for a certificate and its private key."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def public_key_hash(pem: str) -> str:
    """The SPKI hash of a PEM public key (what a host derives from a private key file)."""
    try:
        return spki_sha256(serialization.load_pem_public_key(pem.encode()))
    except _UNREADABLE as error:
        raise FactError(f"unreadable public key: {error or type(error).__name__}") from None


def describe(cert: crypto.X509) -> dict[str, Any]:
    """A certificate's public metadata as plain JSON: what partners' clients look at."""
    try:
        return _describe(cert)
    except _UNREADABLE as error:
        raise FactError(f"unreadable certificate {_subject(cert)}: {error or type(error).__name__}") from None


def _subject(cert: crypto.X509) -> str:
    """Names a certificate `cryptography` cannot describe: its subject, else its fingerprint."""
    try:
        return _name(cert.to_cryptography().subject)
    except _UNREADABLE:
        return f"sha256 {cert.digest('sha256').decode()}"


def _describe(cert: crypto.X509) -> dict[str, Any]:
    modern = cert.to_cryptography()
    key_type, key_bits = _key_type(modern.public_key())
    return {
        "subject": _name(modern.subject),
        "issuer": _name(modern.issuer),
        "serial": format(cert.get_serial_number(), "x"),
        "sha256": cert.digest("sha256").decode(),
        "not_before": _iso(cert.get_notBefore()),
        "not_after": _iso(cert.get_notAfter()),
        "sans": _sans(modern),
        "key_type": key_type,
        "key_bits": key_bits,
        "spki_sha256": spki_sha256(modern.public_key()),
    }


def load_bundle(path: Path | None) -> list[crypto.X509] | None:
    """The trusted CAs (a PEM bundle on the machine running pytest); None when none is configured."""
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="ascii", errors="replace")
    except OSError as error:
        raise FactError(f"cannot read the CA bundle {path}: {error.strerror}") from None
    cas = pem_certificates(text)
    if not cas:
        raise FactError(f"the CA bundle {path} holds no PEM certificate")
    return cas


def chain_status(leaf: crypto.X509, others: Sequence[crypto.X509], trusted: list[crypto.X509] | None) -> str | None:
    """``"ok"`` when leaf + ``others`` build a chain to ``trusted``, else OpenSSL's reason.

    Verified at the leaf's own start time, so the answer is about the chain, not the clock:
    expiry is judged separately, in drift, against one "now".
    """
    if trusted is None:
        return None
    store = crypto.X509Store()
    for ca in trusted:
        store.add_cert(ca)
    store.set_time(datetime.strptime(leaf.get_notBefore().decode(), _ASN1_TIME))
    try:
        crypto.X509StoreContext(store, leaf, list(others)).verify_certificate()
    except crypto.X509StoreContextError as error:
        return str(error.args[0] if error.args else error)
    return "ok"

"""The lab's PKI: a lab root CA, an intermediate, and the leaf certificates the hosts hold.

Made fresh on every `up` with `cryptography` (EC P-256: about a millisecond a key), dated
relative to now, so "expired" and "expiring within 30 days" stay true whenever the lab runs.
The CA validity starts ten years back so chains build at any leaf's start time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

SERVICE_NAME = "mft.example.test"


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key, both as PEM."""

    cert_pem: bytes
    key_pem: bytes
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "drverify lab"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue(common_name: str, start_days: int, end_days: int, issuer: Issued | None = None,
          ca: bool = False, sans: tuple[str, ...] = ()) -> Issued:
    """A certificate valid from now+start_days to now+end_days, signed by ``issuer`` (or itself)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC).replace(microsecond=0)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name))
               .issuer_name(issuer.cert.subject if issuer else _name(common_name))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + timedelta(days=start_days))
               .not_valid_after(now + timedelta(days=end_days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                        critical=True)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return Issued(cert.public_bytes(serialization.Encoding.PEM), key_pem, cert, key)


def leaf(common_name: str, issuer: Issued, start_days: int = -1, end_days: int = 365) -> Issued:
    return issue(common_name, start_days, end_days, issuer, sans=(common_name, SERVICE_NAME))


def pkcs12_bytes(issued: Issued, chain: list[Issued], password: str) -> bytes:
    """A PKCS#12 bundle (AES, PBKDF2) that OpenSSL 3 opens without ``-legacy``."""
    return pkcs12.serialize_key_and_certificates(
        b"portal", issued.key, issued.cert, [c.cert for c in chain],
        serialization.BestAvailableEncryption(password.encode()))


@dataclass(frozen=True)
class LabPki:
    root: Issued
    intermediate: Issued

    @classmethod
    def create(cls) -> LabPki:
        root = issue("drverify lab root CA", -3650, 3650, ca=True)
        return cls(root, issue("drverify lab issuing CA", -3650, 3650, root, ca=True))

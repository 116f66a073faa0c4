"""Inventory keys for keys and certificates: files, served chains, SSH host keys, PGP keyrings.

Secrets (PKCS#12 passwords) are referenced, never written here; only fingerprints and metadata
ever leave the hosts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from drverify.inventory.base import Name, Port, SecretRef, Strict, resolve_path


class CertificateFiles(Strict):
    """Certificate files on each host (PEM, DER, PKCS#12), by path or glob."""

    paths: list[str] = []
    #: private key files (paths or globs) on each host; only a hash of each public half leaves
    keys: list[str] = []
    #: CA bundle (on the machine running pytest) the chains must build to
    ca_bundle: Path | None = None
    #: expiring within this many days is drift
    horizon_days: int = Field(30, ge=0)
    #: a re-issued certificate with the same names is not drift
    allow_reissued: bool = False
    pkcs12_password: SecretRef | None = None

    _paths = field_validator("ca_bundle")(resolve_path)


class TlsPort(Strict):
    """A TLS service partners connect to: HTTPS, implicit FTPS, explicit FTPS (AUTH TLS)..."""

    port: Port
    sni: str | None = None
    protocol: Literal["tls", "ftps-explicit"] = "tls"
    name: str | None = None


class TlsChecks(Strict):
    ports: list[TlsPort] = []
    ca_bundle: Path | None = None
    horizon_days: int = Field(30, ge=0)
    #: a re-issued leaf with the same names is not drift
    allow_reissued: bool = False
    timeout: float = Field(5.0, gt=0, le=60)

    _paths = field_validator("ca_bundle")(resolve_path)


class SshHostKeyChecks(Strict):
    """SFTP listeners whose host keys partners have pinned."""

    ports: list[Port] = [22]
    timeout: float = Field(5.0, gt=0, le=60)


class PgpAccount(Strict):
    name: Name
    #: the keyring's directory; default: ``~NAME/.gnupg``
    gnupghome: str | None = None


class PgpChecks(Strict):
    accounts: list[PgpAccount] = []
    horizon_days: int = Field(30, ge=0)


class KeyChecks(Strict):
    certificates: CertificateFiles | None = None
    tls: TlsChecks | None = None
    ssh_hostkeys: SshHostKeyChecks | None = None
    pgp: PgpChecks | None = None

"""Snapshot schemas of keys and certificates: certificate files (:mod:`drverify.facts.certificates`),
served TLS chains (:mod:`drverify.facts.tls`), SSH host keys (:mod:`drverify.facts.ssh_hostkeys`)
and PGP keyrings (:mod:`drverify.facts.pgp`). The shapes are those modules' docstrings.

A certificate's or a key's fields may be absent (a snapshot of another drverify version): the
comparison makes that item unverified, naming the fields it lacks. Present, they are typed, and
their dates are ISO 8601 times with a zone that date arithmetic can handle.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import NotRequired

from drverify.facts.schemas.fields import Count, Facts, List, Map, Name, PortKey, Text, Validity


class Certificate(Facts):
    subject: NotRequired[Name]
    issuer: NotRequired[Name]
    serial: NotRequired[Name]
    sha256: NotRequired[Name]
    not_before: NotRequired[Validity]
    not_after: NotRequired[Validity]
    sans: NotRequired[List[Name]]
    key_type: NotRequired[Name]
    key_bits: NotRequired[Count]
    spki_sha256: NotRequired[Name]


class CertificateFile(Facts):
    """A file's certificates (leaf first), or why not: ``error`` (the host's), ``unchecked``
    (drverify's limit) or ``missing`` (gone between the glob and the test)."""

    format: NotRequired[Literal["pem", "der", "p12"]]
    certificates: NotRequired[List[Certificate]]
    #: ``ok`` or OpenSSL's reason; null when no CA bundle was configured
    chain: NotRequired[Text | None]
    #: the matching private key file, null when none matched
    key: NotRequired[Name | None]
    error: NotRequired[Text]
    unchecked: NotRequired[Text]
    missing: NotRequired[bool]


class Certificates(Facts):
    files: NotRequired[Map[CertificateFile]]
    #: key file -> SHA-256 of its public key
    keys: NotRequired[Map[Name]]
    key_errors: NotRequired[Map[Text]]
    nomatch: NotRequired[Map[Text]]


class ServedPort(Facts):
    name: NotRequired[Name | None]
    protocol: NotRequired[Name]
    sni: NotRequired[Name | None]
    chain: NotRequired[List[Certificate]]
    verified: NotRequired[Text | None]
    error: NotRequired[Text]
    unchecked: NotRequired[Text]


class Tls(Facts):
    ports: NotRequired[Annotated[dict[PortKey, ServedPort], Field(max_length=65536)]]


class OfferedKeys(Facts):
    #: algorithm -> ``SHA256:...`` fingerprint
    keys: NotRequired[Map[Name]]
    error: NotRequired[Text]
    unchecked: NotRequired[Text]


class SshHostKeys(Facts):
    ports: NotRequired[Annotated[dict[PortKey, OfferedKeys], Field(max_length=65536)]]


class Subkey(Facts):
    usage: NotRequired[Name]
    expires: NotRequired[Validity | None]
    secret: NotRequired[bool]


class PgpKey(Facts):
    uids: NotRequired[List[Name]]
    algo: NotRequired[Name]
    length: NotRequired[Count]
    created: NotRequired[Validity | None]
    expires: NotRequired[Validity | None]
    ownertrust: NotRequired[Name]
    validity: NotRequired[Name]
    secret: NotRequired[bool]
    subkeys: NotRequired[Map[Subkey]]


class Keyring(Facts):
    """One account's keyring, or ``error`` when it could not be listed."""

    gnupghome: NotRequired[Name | None]
    exists: NotRequired[bool]
    keys: NotRequired[Map[PgpKey]]
    error: NotRequired[Text]


class Pgp(Facts):
    accounts: NotRequired[Map[Keyring]]


__all__ = ["Certificates", "Pgp", "SshHostKeys", "Tls"]

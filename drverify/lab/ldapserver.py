"""The lab's directory: OpenLDAP slapd serving LDAPS with a certificate from a lab CA.

slapd gets a cn=config of its own built with ``slapadd`` (no debconf database, LAB-NOTES pitfall
10), an mdb database holding a bind account and the MFT users' group, and listens only on
``ldaps://ldap.example.com:636`` in the services namespace. The bind password is random per
``up`` and lives in a 0600 file of the state directory, which the inventory names as a
``SecretRef``: the inventory text never holds it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from drverify.lab.files import FileSpec

if TYPE_CHECKING:
    from subprocess import Popen

    from drverify.lab.handle import LabHandle

LDAP_NAME = "ldap.example.com"
LDAP_ADDRESS = "198.51.100.3"
SUFFIX = "dc=example,dc=com"
BIND_DN = f"cn=mftbind,ou=services,{SUFFIX}"
GROUP_BASE = f"ou=groups,{SUFFIX}"
RUN_DIR = "/run/slapd"
SCHEMAS = ("core", "cosine", "nis", "inetorgperson")
#: ``-d 0``: stay in the foreground (lab.spawn owns the process), log nothing extra
ARGV = ("slapd", "-d", "0", "-F", f"{RUN_DIR}/slapd.d", "-h", f"ldaps://{LDAP_ADDRESS}:636/")


@dataclass(frozen=True)
class Pki:
    """PEM bytes of the lab CA and of the server's certificate and key."""

    ca_cert: bytes
    server_cert: bytes
    server_key: bytes


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _cert(subject: str, key, issuer: str, signer, ca: bool, names: tuple[str, ...] = ()) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
                                        critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_pki() -> Pki:
    """A throwaway CA and a server certificate for ``ldap.example.com`` (EC keys: milliseconds)."""
    ca_key, server_key = _key(), _key()
    ca = _cert("drverify lab CA (network)", ca_key, "drverify lab CA (network)", ca_key, ca=True)
    server = _cert(LDAP_NAME, server_key, "drverify lab CA (network)", ca_key, ca=False, names=(LDAP_NAME,))
    pem = serialization.Encoding.PEM
    key_pem = server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return Pki(ca.public_bytes(pem), server.public_bytes(pem), key_pem)


def ssha(password: str) -> str:
    """``{SSHA}`` as slapd verifies it: salted SHA-1, so the directory holds no cleartext."""
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def config_ldif() -> str:
    """cn=config: TLS files, the mdb module, the schemas, and an mdb database for the suffix."""
    schemas = "\n".join(Path(f"/etc/ldap/schema/{name}.ldif").read_text() for name in SCHEMAS)
    return f"""\
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {RUN_DIR}/slapd.pid
olcTLSCACertificateFile: {RUN_DIR}/ca.pem
olcTLSCertificateFile: {RUN_DIR}/server.pem
olcTLSCertificateKeyFile: {RUN_DIR}/server.key

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

{schemas}

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcSuffix: {SUFFIX}
olcDbDirectory: {RUN_DIR}/data
olcDbMaxSize: 16777216
olcAccess: {{0}}to attrs=userPassword by anonymous auth by * none
olcAccess: {{1}}to * by users read by * none
"""


def data_ldif(password: str) -> str:
    """The suffix, the bind account, and the group of MFT users the checks search for."""
    return f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=services,{SUFFIX}
objectClass: organizationalUnit
ou: services

dn: {BIND_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: mftbind
userPassword: {ssha(password)}

dn: {GROUP_BASE}
objectClass: organizationalUnit
ou: groups

dn: cn=mftusers,{GROUP_BASE}
objectClass: posixGroup
cn: mftusers
gidNumber: 2001
memberUid: mftsvc
memberUid: alice
"""


def start(lab: LabHandle, node: str, secret_dir: Path) -> tuple[Popen[bytes], Path, Path]:
    """Write config and data, load them with slapadd, start slapd; (process, CA file, password file)."""
    password = secrets.token_urlsafe(18)
    password_file = secret_dir / "ldap-bind.password"
    password_file.write_text(password)
    password_file.chmod(0o600)
    pki = make_pki()
    ca_file = lab.state_dir / "ldap-ca.pem"
    ca_file.write_bytes(pki.ca_cert)
    lab.put_files(node, [
        FileSpec.dir(RUN_DIR, 0o700), FileSpec.dir(f"{RUN_DIR}/slapd.d", 0o700),
        FileSpec.dir(f"{RUN_DIR}/data", 0o700),
        FileSpec(f"{RUN_DIR}/ca.pem", pki.ca_cert), FileSpec(f"{RUN_DIR}/server.pem", pki.server_cert),
        FileSpec(f"{RUN_DIR}/server.key", pki.server_key, 0o600),
        FileSpec.text(f"{RUN_DIR}/config.ldif", config_ldif(), 0o600),
        FileSpec.text(f"{RUN_DIR}/data.ldif", data_ldif(password), 0o600),
    ])
    lab.exec(node, ["slapadd", "-q", "-n0", "-F", f"{RUN_DIR}/slapd.d", "-l", f"{RUN_DIR}/config.ldif"])
    lab.exec(node, ["slapadd", "-q", "-n1", "-F", f"{RUN_DIR}/slapd.d", "-l", f"{RUN_DIR}/data.ldif"])
    return lab.spawn(node, ARGV, "slapd.log"), ca_file, password_file

"""Inventory keys for the MFT service itself and the way back: configuration exports (RPO), the
product's software, the load balancer in front, and what failback must drain and ship back.

Paths are on the hosts (globs where they say so); everything is written as production sees it,
recovery's side being the pair's translation, as for the network checks. A product *adapter*
(``product``) says how the service is read: ``proftpd`` (proven live), ``sftpgo`` (its
``dumpdata`` backup and ``/api/v2/connections`` answer), or ``generic`` (paths, globs and
commands from here: any product, GoAnywhere, MOVEit, Cerberus...).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from drverify.inventory.base import Port, SecretRef, Strict, no_password_in_url
from drverify.inventory.connection import parse_connection_string

Product = Literal["proftpd", "sftpgo", "generic"]


class ExportPaths(Strict):
    """Where each side keeps its configuration exports (globs; the newest match counts)."""

    production: str = Field(min_length=1)
    #: recovery's copy of the shipped exports; production's glob translated when omitted
    recovery: str | None = None
    #: how an export is read for the semantic diff: by the adapter, or a key path into JSON/YAML
    format: Literal["auto", "proftpd", "sftpgo", "json", "yaml", "opaque"] = "auto"
    #: for json/yaml exports: the dotted key path whose entries are compared ("users", "data.users")
    key_path: str | None = None


class VersionSource(Strict):
    """How the product's version is read: an installed package, or a command printing it."""

    package: str | None = None
    command: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> VersionSource:
        if (self.package is None) == (self.command is None):
            raise ValueError("expected exactly one of 'package' (a dpkg/rpm name) or 'command'")
        return self


class Installer(Strict):
    """A file the recovery site must hold to (re)install the product, with its expected checksum."""

    path: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")


class ServiceUnit(Strict):
    """The product's service unit, and what state recovery is kept in by design."""

    unit: str = Field(min_length=1)
    #: running: started on recovery too; installed: present and enabled; cold: present, may be stopped
    policy: Literal["running", "installed", "cold"] = "installed"


class SftpgoSource(Strict):
    """Where the SFTPGo adapter reads the service's state on each host."""

    #: the ``sftpgo dumpdata`` backup file (its users, folders, groups, event rules)
    dump: str | None = None
    #: the REST API base as the host reaches it (probed through the host's connection)
    api_url: str | None = None
    token: SecretRef | None = None


class MftChecks(Strict):
    """The MFT service on each side, and what failing back must drain and ship back."""

    product: Product = "generic"
    config_export: ExportPaths | None = None
    #: recovery's newest export older than this is critical: the recovery point is lost
    rpo_hours: float = Field(24.0, gt=0, le=24 * 366)
    #: the recovery time objective a drill log is measured against
    rto_minutes: float | None = Field(None, gt=0)
    #: the live configuration files (e.g. /etc/proftpd/proftpd.conf and its includes)
    config_paths: list[str] = []
    #: ProFTPD's AuthUserFile (virtual users; password hashes are compared as digests only)
    auth_user_file: str | None = None
    #: the data tree, and inbound directories (globs) where partners' uploads wait to be collected
    data_paths: list[str] = []
    inbound_paths: list[str] = []
    #: the transfer log in xferlog(5) format (ProFTPD's TransferLog, mod_sftp included)
    transfer_log: str | None = None
    #: xferlog, or csv (time,user,direction,path,size[,status]) exported from another product
    transfer_log_format: Literal["xferlog", "csv"] = "xferlog"
    #: only the log's last MiB are read on the host (the facts say when the log was cut)
    transfer_log_max_mib: float = Field(16.0, gt=0, le=4096)
    #: ProFTPD's ScoreboardFile, read with ``ftpwho -o json -f``
    scoreboard: str | None = None
    #: the port partners connect to (generic adapter: established connections count as sessions)
    service_port: Port = 22
    version: VersionSource | None = None
    installers: list[Installer] = []
    service: ServiceUnit | None = None
    sftpgo: SftpgoSource | None = None


class LoadBalancerChecks(Strict):
    """The load balancer in front of the service: does its pool know the recovery member?

    Read-only: drverify never changes the balancer's state.
    """

    #: the balancer host (a connection string: its Runtime API is read over SSH), or an HTTP stats URL
    host: str | None = None
    url: str | None = None
    #: HAProxy's stats socket on the balancer host (``level admin`` is not needed: read-only commands)
    socket: str = "/run/haproxy/admin.sock"
    #: read the socket through ``sudo -n`` (it is usually root's or the haproxy group's, mode 660)
    sudo: bool = False
    backend: str = Field(min_length=1)
    #: the backend's server names (or addresses:ports) of each side
    production_member: str = Field(min_length=1)
    recovery_member: str = Field(min_length=1)
    #: what recovery's member should be: ready to take traffic, or a backup the balancer fails over to
    expect: Literal["ready", "backup"] = "backup"
    timeout: float = Field(5.0, gt=0, le=60)

    @field_validator("host")
    @classmethod
    def _connection_string(cls, value: str | None) -> str | None:
        """The same rules as a pair's hosts: a known backend, no password, no option-like host."""
        if value is not None:
            no_password_in_url(value)
            parse_connection_string(value)
        return value

    @field_validator("url")
    @classmethod
    def _no_password(cls, value: str | None) -> str | None:
        return no_password_in_url(value)

    @model_validator(mode="after")
    def _one_source(self) -> LoadBalancerChecks:
        if (self.host is None) == (self.url is None):
            raise ValueError("expected exactly one of 'host' (a connection string) or 'url' (HTTP stats)")
        return self

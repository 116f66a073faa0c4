"""Inventory keys for the network checks, each probed from the host's own network position.

Everything is written as production sees it; recovery's side is the pair's translation of it
(a DNS server, an LDAP URL, a proxy or a name mapped in ``translate`` is used translated on the
recovery host), so one inventory entry describes both sites.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from drverify.inventory.base import (
    Name,
    Port,
    SecretRef,
    Strict,
    no_password_in_url,
    resolve_path,
)


class DnsChecks(Strict):
    """Names the MFT service depends on, asked of the inventory's DNS servers from each host."""

    #: authoritative or recursive servers, queried over TCP through each host
    servers: list[str] = []
    port: Port = 53
    #: a failover reaches clients within the RTO only if the record's TTL is short
    max_ttl: int = Field(300, ge=0)
    #: service names (production's; recovery's is the translation): chain, TTL, address
    service_names: list[str] = []
    #: MFT site names: each must resolve to an address of its own on each side
    sites: list[str] = []
    #: names the host itself resolves (LDAP, proxy, partners) with its own resolver
    resolver_names: list[str] = []
    timeout: float = Field(5.0, gt=0, le=60)


class LdapSearch(Strict):
    base: str
    filter: str = "(objectClass=*)"
    scope: Literal["base", "level", "subtree"] = "subtree"
    attributes: list[str] = []


class LdapChecks(Strict):
    """A directory the MFT host logs users in with: reached, trusted, bound and searched."""

    #: ``ldaps://host:636`` or ``ldap://host:389`` (then ``start_tls`` should be on)
    servers: list[str] = []
    start_tls: bool = False
    #: CA bundle (on the machine running pytest) the server certificate must chain to
    ca_file: Path | None = None
    #: the name the certificate must carry, when the URL names an address
    tls_name: str | None = None
    bind_dn: str | None = None
    password: SecretRef | None = None
    search: LdapSearch | None = None
    timeout: float = Field(5.0, gt=0, le=60)

    _paths = field_validator("ca_file")(resolve_path)

    @field_validator("servers")
    @classmethod
    def _no_passwords(cls, servers: list[str]) -> list[str]:
        return [no_password_in_url(server) for server in servers]


class EgressChecks(Strict):
    """The address partners see: the host's forward proxy fetching a "what is my IP" page."""

    #: production's forward proxy, ``http://host:port`` (recovery's: its translation)
    proxy: str | None = None
    #: an endpoint answering with the caller's address: plain text, JSON (``ip``, ``origin``...)
    #: or a small HTML page, naming exactly one address
    echo_url: str | None = None
    #: addresses or networks partners already allow
    allowed_addresses: list[str] = []
    #: ``user:password`` for the proxy
    credentials: SecretRef | None = None
    timeout: float = Field(10.0, gt=0, le=120)

    _no_passwords = field_validator("proxy", "echo_url")(no_password_in_url)


class Endpoint(Strict):
    """A destination the MFT host must reach: a partner's SFTP server, SMTP, LDAP..."""

    name: Name
    host: str
    port: Port


class NetworkChecks(Strict):
    dns: DnsChecks | None = None
    ldap: LdapChecks | None = None
    egress: EgressChecks | None = None
    endpoints: list[Endpoint] = []
    #: seconds a TCP connection attempt from the host may take before it counts as blocked
    connect_timeout: float = Field(3.0, gt=0, le=60)

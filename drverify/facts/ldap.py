"""LDAP/LDAPS from each host: reach the directory, trust its certificate, bind, search.

For every server URL (recovery's: the translation): a TCP check made by the host itself
(:meth:`~drverify.facts.vantage.Vantage.reach`, which says *why* a connection failed), then
ldap3 through a forward leaving from the host, the certificate validated against ``ca_file``
for the server's real name (``tls_name`` or the URL's host: through a forward ldap3 connects to
127.0.0.1, LAB-NOTES pitfall 11), a simple bind with the password from its SecretRef (read
just before use, never stored), and the configured search. Each server's outcome names the
stage it stopped at, so a person can tell a blocked port from an untrusted certificate::

    {"servers": {"ldaps://ldap.example.com:636": {"stage": "ok", "reason": null,
        "entries": [{"dn": "cn=mftusers,ou=groups,dc=example,dc=com",
                     "attributes": {"memberuid": ["alice", "mftsvc"]}}]}}}
    # or {"stage": "tcp" | "tls" | "bind" | "search", "reason": "connection refused", "entries": []}

Either side's outcomes are recorded the same way (a URL that is not ldap:// or ldaps:// is the
``"url"`` stage of that server only); whether production's can be the reference is the drift
module's declared step: a server production cannot use (slapd stopped, the search base missing:
noSuchObject) is unverified there, never drift and never a pass.
"""

from __future__ import annotations

import math
import re
import ssl
from typing import Any
from urllib.parse import urlsplit

import ldap3
from ldap3.core.exceptions import LDAPException

from drverify.errors import FactError
from drverify.facts.secrets import reveal, scrub
from drverify.inventory.model import Pair
from drverify.inventory.network import LdapChecks, LdapSearch
from drverify.inventory.translate import Translation

NAME = "ldap"
PROBES_FROM = "host"
SCOPES = {"base": ldap3.BASE, "level": ldap3.LEVEL, "subtree": ldap3.SUBTREE}


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    checks: LdapChecks = pair.network.ldap
    tr = Translation(pair.translate if role == "recovery" else {})
    password = reveal(checks.password, "ldap bind password") if checks.password else None
    servers, targets = {}, {}
    for url in map(tr.text, checks.servers):
        try:
            targets[url] = server_address(url)
        except FactError as error:
            servers[url] = outcome("url", str(error))
    failures = vantage.reach(targets.values(), timeout=pair.network.connect_timeout)
    for url, target in targets.items():
        failure = failures[target]
        servers[url] = outcome("tcp", f"tcp/{target[1]}: {failure}") if failure else \
            _session(vantage, url, target, checks, tr, password)
    return {"servers": servers}


def server_address(url: str) -> tuple[str, int]:
    """(host, port) of an ldap:// or ldaps:// URL, with the scheme's default port."""
    parts = urlsplit(url)
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname:
        raise FactError(f"{url!r} is not an ldap:// or ldaps:// URL")
    return parts.hostname, parts.port or (636 if parts.scheme == "ldaps" else 389)


def outcome(stage: str, reason: str | None, entries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"stage": stage, "reason": reason, "entries": entries or []}


def _session(vantage: Any, url: str, target: tuple[str, int], checks: LdapChecks, tr: Translation,
             password: str | None) -> dict[str, Any]:
    tls_name = tr.text(checks.tls_name) if checks.tls_name else target[0]
    try:
        with vantage.forward(target[0], target[1], checks.timeout) as local:
            return _converse(local, url.startswith("ldaps:"), tls_name, checks, password)
    except (OSError, LDAPException) as error:
        return outcome("tcp", scrub(f"forward to {target[0]}:{target[1]} failed: {error}", password))


def _converse(local: tuple[str, int], ldaps: bool, tls_name: str, checks: LdapChecks,
              password: str | None) -> dict[str, Any]:
    """Open (TLS), StartTLS if asked, bind, search: the first stage that fails is the outcome."""
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(checks.ca_file) if checks.ca_file else None,
                    valid_names=[tls_name])
    server = ldap3.Server(local[0], port=local[1], use_ssl=ldaps, tls=tls, get_info=ldap3.NONE,
                          connect_timeout=math.ceil(checks.timeout))
    # ldap3 packs receive_timeout into SO_RCVTIMEO as an integer
    conn = ldap3.Connection(server, user=checks.bind_dn, password=password, read_only=True,
                            receive_timeout=math.ceil(checks.timeout), raise_exceptions=False)
    try:
        return _stages(conn, ldaps, checks)
    except LDAPException as error:
        return outcome("tls" if ldaps or checks.start_tls else "tcp",
                       scrub(_short(error, tls_name), password))
    finally:
        conn.unbind()


def _stages(conn: ldap3.Connection, ldaps: bool, checks: LdapChecks) -> dict[str, Any]:
    conn.open()
    if checks.start_tls and not ldaps and not conn.start_tls():
        return outcome("tls", f"StartTLS refused: {_result(conn)}")
    if checks.bind_dn and not conn.bind():
        return outcome("bind", f"bind as {checks.bind_dn} refused: {_result(conn)}")
    if checks.search is None:
        return outcome("ok", None)
    return search_outcome(conn, checks.search)


def search_outcome(conn: ldap3.Connection, search: LdapSearch) -> dict[str, Any]:
    """Result 0 with no entries is an answer (nobody matches); anything else failing -- including
    32, noSuchObject: the configured base does not exist -- is the "search" stage (on production
    that leaves nothing to compare: the drift module's reference step)."""
    if not conn.search(search.base, search.filter, SCOPES[search.scope], attributes=search.attributes or None) \
            and (conn.result or {}).get("result") != 0:
        return outcome("search", f"search under {search.base} failed: {_result(conn)}")
    return outcome("ok", None, entries(conn.response or []))


def entries(response: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Search results as sorted plain data: DN and lower-cased attribute names, sorted values."""
    found = []
    for item in response:
        if item.get("type") != "searchResEntry":
            continue
        attributes = {name.lower(): sorted(_text(value) for value in values)
                      for name, values in (item.get("raw_attributes") or {}).items()}
        found.append({"dn": item["dn"], "attributes": dict(sorted(attributes.items()))})
    return sorted(found, key=lambda entry: entry["dn"].lower())


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _result(conn: ldap3.Connection) -> str:
    result = conn.result or {}
    text = " ".join(str(part) for part in (result.get("description"), result.get("message")) if part)
    return text or "no result"


def _short(error: BaseException, tls_name: str) -> str:
    """ldap3's error text without the C source position ssl adds; a name mismatch said plainly
    (ldap3 prints the whole certificate and the forward's 127.0.0.1 among the names it tried)."""
    text = str(error) or type(error).__name__
    if "doesn't match any name in" in text:
        subject = re.search(r"'subject': (.*?)'issuer'", text)
        names = re.findall(r"\('commonName', '([^']+)'\)", subject.group(1) if subject else "")
        names += re.findall(r"\('DNS', '([^']+)'\)", text)
        if names:
            return f"the certificate is for {', '.join(dict.fromkeys(names))}, not {tls_name}"
    return text.split(" (_ssl.c:")[0].replace("socket ssl wrapping error: ", "")

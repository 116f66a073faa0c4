"""Connection strings (``scheme://[user@]host[:port]``), parsed once and refused when unsafe.

A connection string names a host; everything about *how* to reach it (ssh_config, identity,
timeouts, sudo) lives in the inventory's validated ``ssh:`` options and ``sudo:``. Query
parameters that pytest-testinfra would read behind drverify's back (``?sudo=true``,
``?ssh_config=F``) are refused with the inventory key to use instead. A host or user that
starts with ``-`` or holds whitespace or control characters could become an option of the ssh
client or split a command line: refused too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from drverify.inventory.shown import KEY_LIMIT, cut, quoted

#: pytest-testinfra backends a host may be reached through (``pytest-testinfra`` connection strings).
BACKENDS = ("ssh", "safe-ssh", "paramiko", "local", "ansible", "docker", "podman", "kubectl",
            "openshift", "winrm", "salt", "lxc", "chroot")

#: schemes drverify connects through itself: nothing after the host is read, so nothing may be there
OWN_SCHEMES = ("ssh", "safe-ssh", "paramiko", "local")

#: query parameters that would duplicate (and bypass) an inventory option: where to say it instead
_INVENTORY_OPTIONS = {
    "sudo": "`sudo: true`",
    "sudo_user": "`sudo: true` (commands run as root through `sudo -n`)",
    "ssh_config": "`ssh: {config: PATH}`",
    "ssh_identity_file": "`ssh: {identity_file: PATH}`",
    "timeout": "`ssh: {connect_timeout: SECONDS}`",
    "controlpersist": "nothing: drverify keeps one connection per host itself",
}

#: what other testinfra backends take from their query and drverify has no option for
_BACKEND_PARAMETERS = {
    "ansible": ("ansible_inventory", "force_ansible"),
    "kubectl": ("namespace", "container", "kubeconfig", "context"),
    "openshift": ("namespace", "container", "kubeconfig"),
    "winrm": ("ssl", "no_ssl", "no_verify_ssl", "read_timeout_sec", "operation_timeout_sec"),
}


#: never part of a host or user name; each means something to a shell
_SHELL_CHARACTERS = frozenset(";&|$`'\"<>(){}[]*?!\\")


@dataclass(frozen=True)
class Destination:
    """A parsed connection string: which backend, and the host (user and port) it names."""

    #: the connection string as written (what reports call the host)
    spec: str
    scheme: str
    host: str
    user: str | None = None
    port: int | None = None


def parse_connection_string(text: str) -> Destination:
    """``scheme://[user@]host[:port]`` (IPv6 in brackets); ``ValueError`` with one line if unusable."""
    scheme, separator, rest = text.partition("://")
    if not separator or scheme not in BACKENDS:
        raise ValueError("expected a pytest-testinfra connection string such as ssh://user@host "
                         f"(backends: {', '.join(BACKENDS)})")
    rest, _, query = rest.partition("?")
    _check_query(scheme, query)
    authority, _, path = rest.partition("/")
    if path or "#" in authority:
        raise ValueError(f"expected {scheme}://[user@]host[:port] with nothing after the host")
    user, _, hostport = authority.rpartition("@") if "@" in authority else (None, "", authority)
    host, port = _split_port(hostport)
    for part, value in (("host", host), ("user", user)):
        _check_name(part, value)
    if scheme == "local" and (host or user or port):
        raise ValueError("local:// means this machine: expected nothing after 'local://'")
    if scheme != "local" and not host:
        raise ValueError(f"expected a host after '{scheme}://'")
    return Destination(text, scheme, host, user or None, port)


def _check_query(scheme: str, query: str) -> None:
    """Refuse what would bypass the inventory; keep what only another backend understands."""
    if not query:
        return
    keys = [key for key, _ in parse_qsl(query, keep_blank_values=True)] or [query]
    for key in keys:
        if key in _INVENTORY_OPTIONS:
            raise ValueError(f"'?{_shown(key)}=' is not read from connection strings: use the inventory's "
                             f"{_INVENTORY_OPTIONS[key]} instead")
        if key not in _BACKEND_PARAMETERS.get(scheme, ()):
            raise ValueError(f"'?{_shown(key)}=' is not an option drverify reads: {scheme}:// takes "
                             f"{_backend_parameters(scheme)}; reach and sudo settings go in the "
                             "inventory's `ssh:` options and `sudo: true`")


def _shown(key: str) -> str:
    """A parameter name as the one-line message can show it."""
    return cut(key, KEY_LIMIT)


def _backend_parameters(scheme: str) -> str:
    accepted = _BACKEND_PARAMETERS.get(scheme, ())
    return "no query parameters" if not accepted else "only " + ", ".join(f"?{key}=" for key in accepted)


def _split_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        host, bracket, after = hostport[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise ValueError("expected an IPv6 address as [address] or [address]:port")
        return host, _port(after[1:]) if after else None
    if hostport.count(":") > 1:
        raise ValueError("expected an IPv6 address in brackets: [2001:db8::1] or [2001:db8::1]:22")
    host, colon, port = hostport.partition(":")
    return host, _port(port) if colon else None


def _port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"expected a port from 1 to 65535 after the host (got {quoted(text)})")
    return int(text)


def _check_name(part: str, value: str | None) -> None:
    """No option injection (``-oProxyCommand=...``), nothing that splits a command line, nothing
    a shell would interpret were the name ever to reach one (``$(...)``, ``;``, backquotes)."""
    if not value:
        return
    for text in (value, unquote(value)):  # testinfra's backends unquote %XX
        if text.startswith("-"):
            raise ValueError(f"a {part} may not start with '-' (it would read as a command-line option)")
        if any(char.isspace() or unicodedata.category(char) == "Cc" for char in text):
            raise ValueError(f"a {part} may not hold whitespace or control characters")
        shell = sorted(set(text) & _SHELL_CHARACTERS)
        if shell:
            raise ValueError(f"a {part} may not hold characters a shell would read ({''.join(shell)})")

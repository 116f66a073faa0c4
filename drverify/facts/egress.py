"""The address partners see: the host's forward proxy fetching a "what is my IP" page.

The proxy (recovery's: the translation of production's) is first checked by the host itself
(:meth:`~drverify.facts.vantage.Vantage.reach`, with the reason it fails), then used through a
forward leaving from the host: requests sends its request to 127.0.0.1:PORT, which the host
carries to its proxy, which fetches ``echo_url`` from its own egress address. ``trust_env`` is
off so stray proxy variables on this machine cannot reroute the probe (LAB-NOTES pitfall 14).
Proxy credentials come from their SecretRef just before use and are scrubbed from any error;
the proxy is only ever shown as ``scheme://host:port`` (userinfo in its URL is dropped, never
stored in facts or messages).

The echo endpoint may answer in any of the common shapes (:func:`parse_echo`): plain text, JSON
(ipify, httpbin, ip-api, ifconfig.co...) or a small HTML page, as long as it names exactly one
address. Either side's outcome is recorded the same way; whether production's can be the
reference is the drift module's declared step::

    {"proxy": "http://proxy-prod.example.com:3128", "egress": "203.0.113.11"}
    {"proxy": "http://proxy-dr.example.com:3128", "proxy_unreachable": "connection refused"}
    {"proxy": "...", "echo_failed": "HTTP 407 Proxy Authentication Required"}
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from drverify.errors import FactError
from drverify.facts.secrets import reveal, scrub
from drverify.inventory.model import Pair
from drverify.inventory.network import EgressChecks
from drverify.inventory.translate import Translation

NAME = "egress"
PROBES_FROM = "host"
DEFAULT_PROXY_PORT = 3128
#: keys under which echo services put the caller's address (ipify, ifconfig.co: ip; httpbin:
#: origin; ip-api: query; abstractapi: ip_address), compared in lower case
ADDRESS_KEYS = ("ip", "origin", "address", "query", "ip_address", "ipaddress", "client_ip")
#: how much of an unusable echo page its reason quotes
SHOWN = 200
_TAG = re.compile(r"<[A-Za-z!/][^>]*>")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TOKEN = re.compile(r"[\w:.]+")


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    checks: EgressChecks = pair.network.egress
    host, port = proxy_address(Translation(pair.translate if role == "recovery" else {}).text(checks.proxy))
    proxy = shown(host, port, checks.proxy)
    credentials = reveal(checks.credentials, "proxy credentials") if checks.credentials else None
    failure = vantage.reach([(host, port)], timeout=pair.network.connect_timeout)[(host, port)]
    if failure is not None:
        return {"proxy": proxy, "proxy_unreachable": f"tcp/{port}: {failure}"}
    with vantage.forward(host, port, checks.timeout) as local:
        return {"proxy": proxy, **fetch(local, checks.echo_url, credentials, checks.timeout)}


def proxy_address(proxy: str) -> tuple[str, int]:
    """(host, port) of the proxy URL; any ``user:password@`` in it is ignored, never repeated."""
    try:
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host:
        raise FactError(f"proxy {without_userinfo(proxy)!r} is not http://host:port")
    return host, port or DEFAULT_PROXY_PORT


def shown(host: str, port: int, proxy: str) -> str:
    """The proxy as facts and messages show it: ``scheme://host:port``, never its userinfo."""
    scheme = proxy.split("://", 1)[0] if "://" in proxy else "http"
    return f"{scheme if scheme.isalnum() else 'http'}://{f'[{host}]' if ':' in host else host}:{port}"


def without_userinfo(proxy: str) -> str:
    """The URL with everything up to its last ``@`` dropped: a password may hold ``/`` or ``@``, and
    a proxy URL has no path to keep."""
    scheme, sep, rest = proxy.partition("://") if "://" in proxy else ("", "", proxy)
    return f"{scheme}{sep}{rest.rpartition('@')[2]}"


def fetch(local: tuple[str, int], echo_url: str, credentials: str | None, timeout: float) -> dict[str, str]:
    """GET the echo endpoint through the forwarded proxy: ``{"egress": address}`` or why not."""
    auth = ""
    if credentials:
        user, _, password = credentials.partition(":")
        auth = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    proxy_url = f"http://{auth}{local[0]}:{local[1]}"
    session = requests.Session()
    session.trust_env = False
    try:
        response = session.get(echo_url, proxies={"http": proxy_url, "https": proxy_url}, timeout=timeout)
    except requests.RequestException as error:
        return {"echo_failed": scrub(_short(error), credentials)}
    finally:
        session.close()
    return parse_echo(response.status_code, response.reason, response.text)


def parse_echo(status: int, reason: str | None, body: str) -> dict[str, str]:
    """The caller's address in an echo page, or why the page is not usable.

    Exactly one distinct address must stand out: two (httpbin's ``origin`` lists every proxy in a
    chain, a page may show IPv4 and IPv6) or none leave no egress address to compare, and the
    reason quotes the start of the page, escaped so that no control character reaches a terminal.
    """
    if status != 200:
        return {"echo_failed": f"HTTP {status} {reason or ''}".strip()}
    candidates = echo_candidates(body)
    if len(candidates) == 1:
        return {"egress": candidates[0]}
    start = repr(body[:SHOWN])
    if not candidates:
        return {"echo_failed": f"the echo page holds no address: {start}"}
    return {"echo_failed": f"the echo page holds {len(candidates)} addresses ({', '.join(candidates)}), "
                           f"not one: {start}"}


def echo_candidates(body: str) -> list[str]:
    """The distinct addresses an echo page offers as the caller's, in the order they appear."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if isinstance(document, (dict, list, str)):
        return list(dict.fromkeys(_json_candidates(document)))
    text = html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", body))) if _TAG.search(body) else body
    return list(dict.fromkeys(addresses_in(text)))


def _json_candidates(document: dict[str, Any] | list[Any] | str) -> list[str]:
    """Under a known key, at the top or one level down; else every string value that is an
    address, anywhere in the document."""
    if isinstance(document, str):
        return addresses_in(document)
    found = _keyed(document)
    if not found and isinstance(document, dict):
        found = [address for value in document.values() for address in _keyed(value)]
    return found or [address for value in _strings(document) if (address := _address(value.strip()))]


def _keyed(document: Any) -> list[str]:
    if not isinstance(document, dict):
        return []
    values = {str(key).lower(): value for key, value in document.items()}
    return [address for key in ADDRESS_KEYS if isinstance(values.get(key), str) for address in addresses_in(values[key])]


def _strings(document: Any) -> Iterator[str]:
    if isinstance(document, str):
        yield document
    elif isinstance(document, (dict, list)):
        for value in document.values() if isinstance(document, dict) else document:
            yield from _strings(value)


def addresses_in(text: str) -> list[str]:
    """Every IP address written in the text, normalised (a sentence's full stop is not part of it)."""
    return [address for token in _TOKEN.findall(text) if (address := _address(token) or _address(token.rstrip(".:")))]


def _address(text: str) -> str | None:
    """The normalised address ``text`` is, if any; an unspecified address (0.0.0.0, ::) is never
    a caller's."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return None if address.is_unspecified else str(address)


def _short(error: BaseException) -> str:
    """requests' exception chains end in the useful part (e.g. "Connection refused")."""
    text = str(error) or type(error).__name__
    return text.rsplit("Caused by ", 1)[-1].strip(" ()'\"")[:200]

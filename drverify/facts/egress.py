"""The address partners see: the host's forward proxy fetching a "what is my IP" page.

The proxy (recovery's: the translation of production's) is first checked by the host itself
(:meth:`~drverify.facts.vantage.Vantage.reach`, with the reason it fails), then used through a
forward leaving from the host: requests sends its request to 127.0.0.1:PORT, which the host
carries to its proxy, which fetches ``echo_url`` from its own egress address. ``trust_env`` is
off so stray proxy variables on this machine cannot reroute the probe (LAB-NOTES pitfall 14).
Proxy credentials come from their SecretRef just before use and are scrubbed from any error;
the proxy is only ever shown as ``scheme://host:port`` (userinfo in its URL is dropped, never
stored in facts or messages).

Either side's outcome is recorded the same way; whether production's can be the reference is
the drift module's declared step::

    {"proxy": "http://proxy-prod.example.com:3128", "egress": "203.0.113.11"}
    {"proxy": "http://proxy-dr.example.com:3128", "proxy_unreachable": "connection refused"}
    {"proxy": "...", "echo_failed": "HTTP 407 Proxy Authentication Required"}
"""

from __future__ import annotations

import ipaddress
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


def applies(pair: Pair) -> bool:
    egress = pair.network.egress
    return bool(egress and egress.proxy and egress.echo_url)


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
    """The address in an echo page (first word of plain text), or why the page is not usable."""
    if status != 200:
        return {"echo_failed": f"HTTP {status} {reason or ''}".strip()}
    words = body.split()
    try:
        return {"egress": str(ipaddress.ip_address(words[0]))}
    except (IndexError, ValueError):
        return {"echo_failed": f"the echo page holds no address: {body.strip()[:60]!r}"}


def _short(error: BaseException) -> str:
    """requests' exception chains end in the useful part (e.g. "Connection refused")."""
    text = str(error) or type(error).__name__
    return text.rsplit("Caused by ", 1)[-1].strip(" ()'\"")[:200]

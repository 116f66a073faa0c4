"""Expected differences by design: production addresses and names as they are on the recovery site.

A recovery site usually lives on another subnet under other names. The pair's translation map is
applied to production's facts before comparing, so `198.51.100.10` on production and
`203.0.113.10` on recovery are the same thing and not drift.

Keys and values are exact addresses (`198.51.100.10: 203.0.113.10`), networks of the same prefix
length (`198.51.100.0/24: 203.0.113.0/24`, host part kept), or names (`mft-prod: mft-dr`, matched
as a whole name part, so `mft-prod.example.com` becomes `mft-dr.example.com`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

_IPV4 = r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"
_IPV6 = r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
_ADDRESS = re.compile(f"{_IPV4}|{_IPV6}")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _as_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _as_network(text: str) -> IPNetwork | None:
    if "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        return None


class Translation:
    """Maps production addresses and names to recovery ones; the identity when the map is empty."""

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        self.addresses: dict[IPAddress, str] = {}
        self.networks: list[tuple[IPNetwork, IPNetwork]] = []
        self.names: dict[str, str] = {}
        for source, target in (mapping or {}).items():
            self._add(str(source), str(target))
        self._name_pattern = self._compile_names()

    def _add(self, source: str, target: str) -> None:
        if (address := _as_address(source)) is not None:
            self.addresses[address] = target
        elif (network := _as_network(source)) is not None:
            self.networks.append((network, ipaddress.ip_network(target, strict=True)))
        else:
            self.names[source.lower()] = target

    def _compile_names(self) -> re.Pattern[str] | None:
        if not self.names:
            return None
        longest_first = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(re.escape(name) for name in longest_first)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)

    def inverse(self) -> Translation:
        """Recovery's addresses and names as production's: for checking the way back."""
        mapping = {target: str(source) for source, target in self.addresses.items()}
        mapping.update({str(target): str(source) for source, target in self.networks})
        mapping.update({target: source for source, target in self.names.items()})
        return Translation(mapping)

    def address(self, text: str) -> str:
        """Translate one address; anything that is not a mapped address comes back unchanged."""
        address = _as_address(text)
        if address is None:
            return text
        if address in self.addresses:
            return self.addresses[address]
        for source, target in self.networks:
            if address.version == source.version and address in source:
                offset = int(address) - int(source.network_address)
                return str(ipaddress.ip_address(int(target.network_address) + offset))
        return text

    def text(self, text: str) -> str:
        """Translate every address and mapped name found inside a string (a rule, a route...)."""
        translated = _ADDRESS.sub(lambda match: self.address(match.group(0)), text)
        if self._name_pattern is None:
            return translated
        return self._name_pattern.sub(lambda match: self.names[match.group(0).lower()], translated)

    def value(self, value: Any) -> Any:
        """Translate every string inside a JSON-able value (dict keys included)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(key): self.value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

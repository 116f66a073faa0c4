"""The SFTPGo adapter: its ``dumpdata`` backup and its ``/api/v2/connections`` answer.

Formats as SFTPGo documents them (``openapi/openapi.yaml``, OpenAPI ``info.version`` v2.7.0,
and ``BackupData`` in ``internal/dataprovider``, dump ``version`` 17, at drakkan/sftpgo commit
42f7a4d415dc7a97da08880edb82e5b0db5fcfc8); only fields present since well before that are read,
and a missing optional field is no error.

:func:`read_dump` is the users/folders reader for any area that needs SFTPGo's configuration (the
readiness area ``mft_config`` compares production's export with recovery's through it; the
failback areas do not need it): users, virtual folders, groups, admins, event actions and rules
by name, with only what a comparison needs. Secrets never enter the result: a stored password
hash becomes the SHA-256 of the hash (equal hashes, equal digests), public keys become their
SHA-256, and filesystem credentials, API keys and shares are not read at all.

:func:`parse_connections` reads ``GET /api/v2/connections`` (``ConnectionStatus`` objects, each
with its ``active_transfers``) into the sessions the active-transfers area judges;
:func:`fetch_connections` asks the API through the host's connection (a forward to
``sftpgo.api_url`` as the host reaches it), authenticated with the API key the inventory's
``sftpgo.token`` reference holds (header ``X-SFTPGO-API-KEY``). The key is read just before the
request and scrubbed from any error; it is never stored or logged. Only ``http://`` API URLs are
used this way (the API usually listens on the host's loopback): a TLS name cannot be checked
through a forward to 127.0.0.1, and drverify never switches certificate checks off.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

import requests

from drverify.errors import FactError
from drverify.facts.secrets import reveal, scrub
from drverify.inventory.mft import SftpgoSource

CONNECTIONS = "/api/v2/connections"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- dumpdata ------------------------------------------------------------------------------------

def read_dump(text: str) -> dict[str, Any]:
    """The comparable content of a ``sftpgo dumpdata`` backup; :class:`FactError` when it is not one."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FactError(f"sftpgo dump: not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("users", []), list):
        raise FactError("sftpgo dump: expected an object with a 'users' list (sftpgo dumpdata output)")
    return {
        "version": document.get("version"),
        "users": _by_name(document, "users", "username", _user),
        "folders": _by_name(document, "folders", "name", _folder),
        "groups": _by_name(document, "groups", "name", _group),
        "admins": _by_name(document, "admins", "username", _admin),
        "event_actions": _by_name(document, "event_actions", "name", lambda a: {"type": a.get("type")}),
        "event_rules": _by_name(document, "event_rules", "name", _rule),
    }


def _by_name(document: dict[str, Any], key: str, name: str, shape) -> dict[str, Any]:
    entries = document.get(key)
    entries = [] if entries is None else entries
    if not isinstance(entries, list):
        raise FactError(f"sftpgo dump: '{key}' is not a list")
    found: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get(name), str):
            raise FactError(f"sftpgo dump: {key}[{index}] has no '{name}'")
        found[entry[name]] = shape(entry)
    return dict(sorted(found.items()))


def _secret(value: Any) -> str | None:
    return digest(value) if isinstance(value, str) and value else None


def _mappings(entry: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(({"name": folder.get("name"), "virtual_path": folder.get("virtual_path")}
                   for folder in entry.get("virtual_folders") or []), key=lambda item: str(item["name"]))


def _user(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": user.get("status"),
        "uid": user.get("uid"), "gid": user.get("gid"),
        "home_dir": user.get("home_dir"),
        "password_sha256": _secret(user.get("password")),
        "public_keys_sha256": sorted(digest(key) for key in user.get("public_keys") or []),
        "permissions": user.get("permissions") or {},
        "groups": sorted(({"name": str(group.get("name")), "type": group.get("type")}
                          for group in user.get("groups") or [] if isinstance(group, dict)),
                         key=lambda group: group["name"]),
        "virtual_folders": _mappings(user),
        "filesystem_provider": (user.get("filesystem") or {}).get("provider"),
        "expiration_date": user.get("expiration_date"),
    }


def _folder(folder: dict[str, Any]) -> dict[str, Any]:
    return {"mapped_path": folder.get("mapped_path"),
            "filesystem_provider": (folder.get("filesystem") or {}).get("provider"),
            "users": sorted(folder.get("users") or []), "groups": sorted(folder.get("groups") or [])}


def _group(group: dict[str, Any]) -> dict[str, Any]:
    settings = group.get("user_settings") or {}
    return {"description": group.get("description"), "home_dir": settings.get("home_dir"),
            "permissions": settings.get("permissions") or {}, "virtual_folders": _mappings(group)}


def _admin(admin: dict[str, Any]) -> dict[str, Any]:
    return {"status": admin.get("status"), "permissions": sorted(admin.get("permissions") or []),
            "password_sha256": _secret(admin.get("password")), "role": admin.get("role")}


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    actions = sorted(rule.get("actions") or [], key=lambda action: action.get("order") or 0)
    return {"status": rule.get("status"), "trigger": rule.get("trigger"),
            "actions": [action.get("name") for action in actions]}


# -- connections ---------------------------------------------------------------------------------

def parse_connections(text: str) -> list[dict[str, Any]]:
    """The API's ``ConnectionStatus`` list as sessions, each with its active transfers."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FactError(f"sftpgo connections: not JSON: {error}: {text[:80]!r}") from None
    if not isinstance(document, list):
        raise FactError(f"sftpgo connections: expected a list of connections: {text[:80]!r}")
    return [_connection(index, entry) for index, entry in enumerate(document)]


def _connection(index: int, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict) or not isinstance(entry.get("connection_id"), str):
        raise FactError(f"sftpgo connections: entry {index} has no connection_id")
    return {
        "id": f"connection {entry['connection_id']}",
        "user": entry.get("username"),
        "protocol": entry.get("protocol"),
        "remote": str(entry.get("remote_address") or ""),
        "since": _seconds(entry.get("connection_time")),
        "command": entry.get("command") or None,
        "transfers": [_transfer(transfer) for transfer in entry.get("active_transfers") or []
                      if isinstance(transfer, dict)],
    }


def _transfer(transfer: dict[str, Any]) -> dict[str, Any]:
    size = transfer.get("size")
    return {"direction": transfer.get("operation_type"), "path": transfer.get("path"),
            "bytes": size if isinstance(size, int) else None, "since": _seconds(transfer.get("start_time"))}


def _seconds(milliseconds: Any) -> int | None:
    return milliseconds // 1000 if isinstance(milliseconds, int) and milliseconds > 0 else None


def fetch_connections(vantage: Any, source: SftpgoSource, api_url: str, timeout: float) -> str:
    """``GET /api/v2/connections`` through a forward leaving from the host; the answer's text."""
    parts = urlsplit(api_url)
    if parts.scheme != "http" or not parts.hostname:
        raise FactError(f"sftpgo api_url {api_url!r}: expected http://HOST:PORT as the host reaches it "
                        "(a TLS name cannot be checked through a forward)")
    if source.token is None:
        raise FactError("sftpgo: no sftpgo.token (the API key reference) in the inventory")
    key = reveal(source.token, "sftpgo API key")
    path = parts.path.rstrip("/").removesuffix("/api/v2") + CONNECTIONS
    with vantage.forward(parts.hostname, parts.port or 80, timeout) as (host, port):
        session = requests.Session()
        session.trust_env = False
        try:
            response = session.get(f"http://{host}:{port}{path}", timeout=timeout,
                                   headers={"X-SFTPGO-API-KEY": key, "Accept": "application/json"})
        except requests.RequestException as error:
            raise FactError(f"sftpgo API {api_url}: {scrub(str(error), key)[:200]}") from None
        finally:
            session.close()
    if response.status_code != 200:
        raise FactError(f"sftpgo API {api_url}{CONNECTIONS}: HTTP {response.status_code} {response.reason or ''}".strip())
    return response.text

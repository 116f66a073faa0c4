"""The MFT service's configuration on each host: its newest export, and its live configuration.

Two commands per host, run in the batched script:

- ``export``: the newest file matching the side's export glob (by modification time), its size,
  mtime and SHA-256, the host's clock (an export's age is measured there), then its content in
  the form the export's format allows (:mod:`drverify.facts.mftscripts`): a ProFTPD export (the
  tree and its AuthUserFile, packed with tar) is read *on the host* with ``tar -xzOf``; a JSON or
  YAML export through ``python3`` there, keeping only the entries under ``key_path``;
- ``live``: the live ProFTPD configuration files and AuthUserFile (ProFTPD format only).

No secret leaves the host: a user's password hash travels only as the SHA-256 of the hash,
arguments of directives that carry secrets (``SQLConnectInfo``, ``LDAPBindDN``...) only as a
SHA-256, and a JSON/YAML field whose name says it holds one (password, secret, key...) as well.

Facts::

    {"now": 1796081016,
     "export": {"glob": "/srv/mft/export/*.tar.gz", "format": "proftpd",
                "path": "/srv/mft/export/proftpd-mft-20261129T1727.tar.gz",
                "mtime": 1795973257, "size": 977, "sha256": "...",
                "content": {"directives": [["", "Port", "2122"], ["IfModule mod_sftp.c", "SFTPEngine", "on"]],
                            "sections": ["IfModule mod_sftp.c"],
                            "users": {"acme": {"uid": 3001, "gid": 2001, "home": "/srv/...",
                                               "shell": "/bin/false", "hash_sha256": "..."}}}},
     "live": {"directives": [...], "sections": [...], "users": {...}, "files": [...]},
     "errors": {"live": "/etc/proftpd-mft/ftpd.passwd: unreadable"}}

``export.path`` is None when nothing matches (``export.why``: a directory missing, say), or
when the check account may not look (``export.denied``); ``export.content_error`` says why the content could not be read when the rest could;
``live`` is None when no live file exists (the product is not installed or restored there).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts import mftscripts
from drverify.facts.batch import Output, require
from drverify.facts.parts import Parts
from drverify.inventory.mft import ExportPaths, MftChecks
from drverify.inventory.model import Pair

NAME = "mft_config"


def export_format(mft: MftChecks, glob: str) -> str:
    """The format an export is read in: the inventory's, or the product's (``auto``)."""
    declared = mft.config_export.format
    if declared != "auto":
        return declared
    if mft.product in ("proftpd", "sftpgo"):
        return mft.product
    return {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(glob[glob.rfind("."):].lower(), "opaque")


def export_glob(paths: ExportPaths, pair: Pair, role: str) -> str:
    """The side's glob: recovery's own, or production's translated."""
    if role == "recovery" and paths.recovery is not None:
        return paths.recovery
    return pair.translation(role).text(paths.production)


def commands(pair: Pair, role: str) -> dict[str, str]:
    mft = pair.mft
    translate = pair.translation(role)
    glob = export_glob(mft.config_export, pair, role)
    fmt = export_format(mft, glob)
    conf_paths = [translate.text(path) for path in mft.config_paths]
    auth = translate.text(mft.auth_user_file) if mft.auth_user_file else ""
    found = {"export": mftscripts.export_script(glob, fmt, conf_paths, auth, mft.config_export.key_path or "")}
    if fmt == "proftpd" and (conf_paths or auth):
        found["live"] = mftscripts.live_script(conf_paths, auth)
    return found


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    parts = Parts()
    export = parts.read("export", read_export, outputs)
    facts: dict[str, Any] = {}
    if export is not None:
        facts["now"], facts["export"] = export
    if "live" in outputs:
        live = parts.read("live", read_live, outputs)
        if "live" not in parts.errors:
            facts["live"] = live
    return parts.facts(facts)


def read_export(outputs: Mapping[str, Output]) -> tuple[int, dict[str, Any]]:
    """(the host's clock, the newest export's facts) from the ``export`` command."""
    lines = require(outputs, "export").splitlines()
    header = dict(_tagged(line) for line in lines if line.startswith("@@") and " " in line)
    try:
        now = int(header["now"])
        export: dict[str, Any] = {"glob": header["glob"], "format": header["format"], "path": header.get("export")}
        if export["path"] is None:
            export["why"] = header.get("nomatch") or header.get("denied") or None
            export["denied"] = "denied" in header
            return now, export
        export.update(mtime=int(header["mtime"]), size=int(header["size"]), sha256=header["sha256"])
    except (KeyError, ValueError) as error:
        raise FactError(f"export: unexpected output from the export script ({error})") from None
    if "content-error" in header:
        export["content_error"] = header["content-error"]
    elif export["format"] != "opaque":
        export["content"] = content(lines, export["format"])
    return now, export


def read_live(outputs: Mapping[str, Output]) -> dict[str, Any] | None:
    """The live configuration (None when no live file exists); FactError when one is unreadable."""
    lines = require(outputs, "live").splitlines()
    unreadable = [line[len("@@unreadable "):] for line in lines if line.startswith("@@unreadable ")]
    if unreadable:
        raise FactError("; ".join(unreadable))
    if not any(line.startswith(("@@file ", "@@users ")) for line in lines):
        return None
    found = proftpd_content(lines)
    found["files"] = sorted(line.split(" ", 1)[1] for line in lines if line.startswith(("@@file ", "@@users ")))
    return found


def _tagged(line: str) -> tuple[str, str]:
    tag, _, value = line[2:].partition(" ")
    return tag, value


def content(lines: list[str], fmt: str) -> dict[str, Any]:
    """An export's content: ProFTPD directives and users, or JSON/YAML entries."""
    if fmt == "proftpd":
        return proftpd_content(lines)
    entries = [line[len("@@entries "):] for line in lines if line.startswith("@@entries ")]
    if len(entries) != 1:
        raise FactError("export: the entries reader printed no result")
    try:
        return {"entries": json.loads(entries[0])}
    except ValueError as error:
        raise FactError(f"export: unreadable entries ({error})") from None


def proftpd_content(lines: list[str]) -> dict[str, Any]:
    """Directives (with the sections they sit in) and virtual users from ``C``/``S``/``U`` lines."""
    directives: list[list[str]] = []
    sections: set[str] = set()
    users: dict[str, dict[str, Any]] = {}
    stack: list[str] = []
    for line in lines:
        if line.startswith(("@@file ", "@@users ")):
            stack = []  # every file starts at the top level
        elif line.startswith(("C ", "S ")):
            _directive(line[2:], stack, directives, sections)
        elif line.startswith("U "):
            name, user = _user(line[2:])
            users[name] = user
    return {"directives": directives, "sections": sorted(sections), "users": dict(sorted(users.items()))}


def _directive(text: str, stack: list[str], directives: list[list[str]], sections: set[str]) -> None:
    if text.startswith("</"):
        if stack:
            stack.pop()
    elif text.startswith("<"):
        stack.append(" ".join(text.strip("<>").split()))
        sections.add(" > ".join(stack))
    else:
        name, _, args = text.partition(" ")
        directives.append([" > ".join(stack), name, " ".join(args.split())])


def _user(text: str) -> tuple[str, dict[str, Any]]:
    fields = text.split(":")
    if len(fields) != 6:
        raise FactError(f"AuthUserFile: unexpected entry for {fields[0]!r}")
    name, uid, gid, home, shell, digest = fields
    try:
        return name, {"uid": int(uid), "gid": int(gid), "home": home, "shell": shell, "hash_sha256": digest}
    except ValueError:
        raise FactError(f"AuthUserFile: {name}: uid {uid!r} or gid {gid!r} is not a number") from None


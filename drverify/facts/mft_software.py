"""The MFT product's software on each host: its version, its installers, its service unit.

Three commands, each its own part (one that cannot be read costs only itself):

- ``version``: the installed package's version (``dpkg-query``, else ``rpm``), or the first line
  the inventory's version ``command`` prints;
- ``installers``: for each installer file, its SHA-256, or that it is missing or unreadable;
- ``service``: the unit as systemd reports it (``systemctl show``) when systemd runs the host;
  otherwise what the filesystem says (the unit file, the ``*.wants`` links that enable it) and,
  for ProFTPD, whether the daemon its PidFile names is alive. Without systemd nothing else can
  tell whether a unit runs: ``running`` is then None, with the reason (drift reports it
  unverified where the policy needs it, never guesses).

Facts::

    {"version": {"source": "package proftpd-core (dpkg)", "installed": true, "value": "1.3.8+dfsg-4+deb12u5"},
     "installers": {"/srv/mft/installers/a.tar.gz": {"sha256": "..."}, "/srv/.../b.tar.gz": {"missing": true},
                    "/srv/.../c.tar.gz": {"error": "permission denied"}},
     "service": {"unit": "proftpd.service", "manager": "none", "installed": true, "enabled": true,
                 "running": true, "evidence": "pid 2929 (proftpd) in /run/proftpd-mft/proftpd.pid",
                 "unknown": null},
     "errors": {...}}
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import Output, require
from drverify.facts.parts import Parts
from drverify.inventory.mft import MftChecks
from drverify.inventory.model import Pair

NAME = "mft_software"

_PACKAGE = r"""p={package}
if command -v dpkg-query >/dev/null 2>&1; then
  s=$(dpkg-query -W -f '${{db:Status-Status}} ${{Version}}' -- "$p" 2>/dev/null) || s=not-installed
  echo "dpkg $s"
elif command -v rpm >/dev/null 2>&1; then
  s=$(rpm -q --qf '%{{VERSION}}-%{{RELEASE}}' -- "$p" 2>/dev/null) && echo "rpm installed $s" || echo "rpm not-installed"
else
  echo "neither dpkg-query nor rpm is installed" >&2; exit 127
fi
"""

_INSTALLERS = r"""for f in {paths}; do
  if [ ! -e "$f" ]; then printf 'missing\t%s\n' "$f"
  elif [ ! -r "$f" ]; then printf 'unreadable\t%s\n' "$f"
  elif s=$(sha256sum -- "$f" 2>&1); then printf 'sha256\t%s\t%s\n' "$f" "${{s%% *}}"
  else printf 'error\t%s\t%s\n' "$f" "$(printf '%s' "$s" | tail -n 1)"; fi
done
"""

_SERVICE = r"""u={unit}
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  echo manager=systemd
  exec systemctl show -p LoadState -p UnitFileState -p ActiveState -p SubState -- "$u"
fi
echo manager=none
for d in /etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
  if [ -e "$d/$u" ] || [ -L "$d/$u" ]; then echo "unit_file=$d/$u"; [ "$(readlink -- "$d/$u")" = /dev/null ] && echo masked=yes; break; fi
done
for w in /etc/systemd/system/*.wants/"$u" /lib/systemd/system/*.wants/"$u"; do [ -e "$w" ] && echo "wanted_by=$w"; done
{pid_check}exit 0
"""

#: ProFTPD says where its pid is: the last PidFile directive of its configuration files
_PROFTPD_PID = r"""pf=$(cat -- {conf} 2>/dev/null | awk 'tolower($1) == "pidfile" {{ p = $2 }} END {{ print p }}')
[ -n "$pf" ] || pf=/run/proftpd.pid
echo "pid_file=$pf"
if [ -r "$pf" ]; then p=$(cat -- "$pf"); echo "pid=$p"; echo "comm=$(cat /proc/"$p"/comm 2>/dev/null)"; fi
"""


def commands(pair: Pair, role: str) -> dict[str, str]:
    mft, translate = pair.mft, pair.translation(role)
    found = {}
    if mft.version is not None and mft.version.package is not None:
        found["version"] = _PACKAGE.format(package=shlex.quote(mft.version.package))
    elif mft.version is not None:
        found["version"] = mft.version.command
    if mft.installers:
        found["installers"] = _INSTALLERS.format(
            paths=" ".join(shlex.quote(translate.text(item.path)) for item in mft.installers))
    if mft.service is not None:
        found["service"] = _SERVICE.format(unit=shlex.quote(mft.service.unit), pid_check=_pid_check(mft, pair, role))
    return found


def _pid_check(mft: MftChecks, pair: Pair, role: str) -> str:
    if mft.product != "proftpd" or not mft.config_paths:
        return ""
    # globs stay unquoted so that the shell expands them; the inventory (trusted) wrote them
    conf = " ".join(pair.translation(role).text(path) for path in mft.config_paths)
    return _PROFTPD_PID.format(conf=conf)


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    parts = Parts()
    facts = {}
    for part, reader in (("version", version), ("installers", installers), ("service", service)):
        if part in outputs:
            value = parts.read(part, reader, outputs[part])
            if part not in parts.errors:
                facts[part] = value
    return parts.facts(facts)


def version(output: Output) -> dict[str, Any]:
    """The package's state and version, or the version command's first line."""
    text = require({"version": output}, "version").strip()
    first = text.splitlines()[0].split() if text else []
    if first[:1] in (["dpkg"], ["rpm"]) and len(first) >= 2:
        installed = first[1] == "installed"
        return {"source": first[0], "installed": installed, "value": " ".join(first[2:]) if installed else None}
    if not text:
        raise FactError("version: the version command printed nothing")
    return {"source": "command", "installed": True, "value": text.splitlines()[0].strip()}


def installers(output: Output) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for line in require({"installers": output}, "installers").splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "sha256":
            path, _, digest = rest.rpartition("\t")
            found[path] = {"sha256": digest}
        elif kind == "missing":
            found[rest] = {"missing": True}
        elif kind == "unreadable":
            found[rest] = {"error": "permission denied"}
        elif kind == "error":
            path, _, why = rest.partition("\t")
            found[path] = {"error": why or "sha256sum failed"}
    return found


def service(output: Output) -> dict[str, Any]:
    """The unit's state: from systemd, or from its files and the product's pid file."""
    pairs = [line.partition("=") for line in require({"service": output}, "service").splitlines()]
    values: dict[str, list[str]] = {}
    for key, _, value in pairs:
        values.setdefault(key, []).append(value)
    one = {key: found[-1] for key, found in values.items()}
    if one.get("manager") == "systemd":
        return _systemd(one)
    return _files(one, values.get("wanted_by", []))


def _systemd(state: dict[str, str]) -> dict[str, Any]:
    loaded = state.get("LoadState") == "loaded"
    enabled = state.get("UnitFileState", "") in ("enabled", "enabled-runtime", "static", "alias")
    active = state.get("ActiveState") == "active"
    return {"manager": "systemd", "installed": loaded, "enabled": enabled, "running": active,
            "evidence": f"systemd: {state.get('LoadState')}, {state.get('UnitFileState')}, "
                        f"{state.get('ActiveState')} ({state.get('SubState')})", "unknown": None}


def _files(state: dict[str, str], wanted_by: list[str]) -> dict[str, Any]:
    masked = state.get("masked") == "yes"
    installed = "unit_file" in state and not masked
    evidence = [f"unit file {state['unit_file']}" if installed else "no unit file" + (" (masked)" if masked else "")]
    evidence += [f"enabled by {wanted_by[0]}"] if wanted_by else []
    found = {"manager": "none", "installed": installed, "enabled": bool(wanted_by) and not masked,
             "running": None, "unknown": "systemd does not run this host (no /run/systemd/system): "
                                         "nothing tells whether the unit runs"}
    if "pid_file" in state:
        alive = state.get("comm") == "proftpd"
        found.update(running=alive, unknown=None)
        evidence.append(f"pid {state['pid']} (proftpd) in {state['pid_file']}" if alive
                        else f"no live proftpd for {state['pid_file']}")
    found["evidence"] = "; ".join(evidence)
    return found

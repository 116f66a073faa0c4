"""PGP keyrings of the service accounts: which keys, which secret keys, until when, how trusted.

On the host, as the account itself (``setpriv``: no PAM, nothing written as root into its
home), ``gpg --with-colons --list-keys`` and ``--list-secret-keys`` print key *metadata* only;
secret key material never leaves the host (``--list-secret-keys`` lists, it does not export).
The agent gpg starts for the secret listing is stopped afterwards (LAB-NOTES pitfall 13), and a
keyring directory that does not exist is never created. The colon output is parsed here with
python-gnupg's own parser, fed line by line: no gpg runs and no file is written on this machine.

Facts::

    {"accounts": {"mftsvc": {"gnupghome": "/srv/mft/home/mftsvc/.gnupg", "exists": true,
      "keys": {"<FPR>": {"uids": ["MFT <mft@example.test>"], "algo": "22", "length": 255,
                         "created": "...Z", "expires": "...Z" | null, "ownertrust": "u",
                         "validity": "u", "secret": true,
                         "subkeys": {"<FPR>": {"usage": "e", "expires": null, "secret": true}}}}},
                  "mftout": {"error": "mftout: exit status 3: no account mftout"}}}

An account whose keyring cannot be listed (no such account, gpg failing, a malformed listing) is
recorded with its reason, the same way on either host; the other accounts are still listed.
Drift judges what it means (production's keyring cannot be the reference; recovery's is not
verified either: the check account, not the service, may be what cannot read it).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import gnupg

from drverify.errors import FactError
from drverify.facts.batch import Output, require
from drverify.inventory.keys import PgpAccount
from drverify.inventory.model import Pair

NAME = "pgp"
_GPG = ("gpg --homedir \"$H\" --batch --no-tty --no-auto-check-trustdb --no-permission-warning "
        "--with-colons --fixed-list-mode --with-fingerprint --with-fingerprint")
_COMMAND = """\
u={account}; H={home}
pw=$(getent passwd "$u") || {{ echo "no account $u" >&2; exit 3; }}
home=$(printf %s "$pw" | cut -d: -f6); uid=$(printf %s "$pw" | cut -d: -f3); gid=$(printf %s "$pw" | cut -d: -f4)
[ -n "$H" ] || H="$home/.gnupg"
printf '@@home %s\\n' "$H"
[ -d "$H" ] || {{ echo '@@absent'; exit 0; }}
as() {{ if [ "$(id -u)" = "$uid" ]; then env HOME="$home" "$@"
        else setpriv --reuid "$uid" --regid "$gid" --clear-groups env HOME="$home" "$@"; fi; }}
echo '@@public'; as {gpg} --list-keys || exit $?
echo '@@secret'; as {gpg} --list-secret-keys; rc=$?
as gpgconf --homedir "$H" --kill gpg-agent >/dev/null 2>&1
exit $rc
"""


def command(account: PgpAccount) -> str:
    home = shlex.quote(account.gnupghome) if account.gnupghome else "''"
    return _COMMAND.format(account=shlex.quote(account.name), home=home, gpg=_GPG)


def commands(pair: Pair, role: str) -> dict[str, str]:
    return {account.name: command(account) for account in pair.keys.pgp.accounts}


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    return {"accounts": {name: account(outputs, name) for name in sorted(outputs)}}


def account(outputs: Mapping[str, Output], name: str) -> dict[str, Any]:
    """One account's keyring, or ``{"error": why}``: one unlistable keyring costs only its account."""
    try:
        return parse_account(require(outputs, name), name)
    except FactError as error:
        return {"error": str(error)}


def parse_account(stdout: str, name: str) -> dict[str, Any]:
    """One account's keyring from the command's framed output."""
    parts = {"public": [], "secret": []}
    home, current, absent = None, None, False
    for line in stdout.splitlines():
        if line.startswith("@@home "):
            home = line[len("@@home "):]
        elif line == "@@absent":
            absent = True
        elif line in ("@@public", "@@secret"):
            current = line[2:]
        elif current is not None:
            parts[current].append(line)
    if home is None:
        raise FactError(f"{name}: gpg listing returned no keyring path")
    if absent:
        return {"gnupghome": home, "exists": False, "keys": {}}
    try:
        return {"gnupghome": home, "exists": True, "keys": keyring(parts["public"], parts["secret"])}
    except FactError as error:
        raise FactError(f"{name}: {error}") from None


_RECORDS = ("pub", "uid", "sec", "fpr", "sub", "ssb")
#: what python-gnupg's handlers, and our reading of their result, raise on a malformed line
_MALFORMED = (AttributeError, IndexError, KeyError, OSError, OverflowError, TypeError, ValueError)


def colon_listing(lines: list[str], what: str = "gpg listing") -> gnupg.ListKeys:
    """python-gnupg's parser fed directly, as ``GPG._get_list_output`` does (no gpg run here).

    Its handlers index fields and the current key blindly, so a malformed line (a ``pub`` with
    fields missing, a ``uid`` before any key) becomes a FactError naming the line."""
    result = gnupg.ListKeys(SimpleNamespace(check_fingerprint_collisions=False))
    for line in lines:
        fields = line.strip().split(":")
        if fields[0] not in _RECORDS:
            continue
        try:
            getattr(result, fields[0])(fields)
        except _MALFORMED as error:
            raise FactError(f"{what}: malformed colon line {line.strip()!r} ({type(error).__name__})") from None
        if fields[0] in ("pub", "sec"):
            result[-1]["line"] = line.strip()
    for key in result:
        if "fingerprint" not in key or any(fpr is None for _, _, fpr, _ in key["subkeys"]):
            raise FactError(f"{what}: no fingerprint (fpr line) for the key or a subkey of {key['line']!r}")
    return result


def _iso(epoch: str) -> str | None:
    if not epoch:
        return None
    stamp = datetime.fromtimestamp(int(epoch), UTC)
    return stamp.isoformat().replace("+00:00", "Z")


def _has_secret(token: str | None) -> bool:
    """``#`` marks a stub: the secret key is not on this host."""
    return token != "#"


def keyring(public: list[str], secret: list[str]) -> dict[str, Any]:
    secrets: dict[str, bool] = {}
    for key in colon_listing(secret, "gpg --list-secret-keys"):
        secrets[key["fingerprint"]] = _has_secret(key.get("token"))
        info = key.get("subkey_info", {})
        for keyid, _, fpr, _ in key["subkeys"]:
            secrets[fpr] = _has_secret(info.get(keyid, {}).get("token"))
    listing = sorted(colon_listing(public, "gpg --list-keys"), key=lambda k: k["fingerprint"])
    return {key["fingerprint"]: _checked_key(key, secrets) for key in listing}


def _checked_key(key: dict[str, Any], secrets: dict[str, bool]) -> dict[str, Any]:
    try:
        return _key(key, secrets)
    except _MALFORMED as error:
        raise FactError(f"gpg --list-keys: unusable key line {key['line']!r} ({error})") from None


def _key(key: dict[str, Any], secrets: dict[str, bool]) -> dict[str, Any]:
    info = key.get("subkey_info", {})
    subkeys = {
        fpr: {"usage": info.get(keyid, {}).get("cap", ""), "expires": _iso(info.get(keyid, {}).get("expires", "")),
              "secret": secrets.get(fpr, False)}
        for keyid, _, fpr, _ in key["subkeys"]
    }
    return {
        "uids": list(key["uids"]),
        "algo": key["algo"],
        "length": int(key["length"] or 0),
        "created": _iso(key["date"]),
        "expires": _iso(key["expires"]),
        "ownertrust": key["ownertrust"],
        "validity": key["trust"],
        "secret": secrets.get(key["fingerprint"], False),
        "subkeys": dict(sorted(subkeys.items())),
    }

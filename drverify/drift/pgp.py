"""Drift of service accounts' PGP keyrings: will files still decrypt, verify, encrypt and sign?

Per account and key (items ``ACCOUNT keyring`` and ``ACCOUNT key <last 16 hex of FPR> [aspect]``):

- the keyring (directory) missing on recovery while production's holds keys: CRITICAL;
- a key missing on recovery: CRITICAL. A partner's public key missing means files for that
  partner cannot be encrypted (nor its signatures verified): that partner's transfers fail;
- a secret key (primary or subkey) present on production and absent or a stub on recovery:
  CRITICAL: files encrypted to the account cannot be decrypted, outgoing files go unsigned;
- subkeys differ: CRITICAL when recovery lacks one of production's (e.g. the encryption subkey),
  MINOR when it only has extra ones;
- expiry: see :func:`drverify.drift.expiry.judge` (recovery expired: CRITICAL, gpg refuses it);
- owner trust differs: MAJOR (batch encryption to a key that is not trusted fails or prompts);
- user IDs differ: MAJOR (scripts choose recipients by user ID);
- a key only on recovery: MINOR.

Keys are copied verbatim between sites, so no translation applies here.

Production is the reference (:func:`reference`): an inventory account whose keyring production
cannot list, does not have (a wrong ``gnupghome``?) or its facts lack (a snapshot older than
the inventory) is *unverified* (item ``ACCOUNT keyring``) and the other accounts are still
compared. On recovery a keyring that cannot be listed is unverified too (the check account, not
the service, may be what cannot read it); one that does not exist is drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drverify.drift import expiry
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.keys import PgpChecks

TRUST = {"u": "ultimate", "f": "full", "m": "marginal", "n": "never", "q": "undefined", "-": "unknown", "": "unknown"}
#: what the comparison reads of a keyring's and of a key's facts
KEYRING_FIELDS = ("gnupghome", "exists", "keys")
KEY_FIELDS = ("uids", "expires", "ownertrust", "secret", "subkeys")


@dataclass(frozen=True)
class KeyTwins:
    """One key of an account's keyring as each host holds it (None: not in that keyring)."""

    account: str
    fpr: str
    production: Mapping[str, Any] | None
    recovery: Mapping[str, Any] | None

    @property
    def item(self) -> str:
        return f"{self.account} key {self.fpr[-16:]}"


def _lacking(entry: Mapping[str, Any], fields: tuple[str, ...]) -> str | None:
    """Why an entry cannot be compared: fields a snapshot lacks (None: it can)."""
    missing = [name for name in fields if name not in entry]
    if not missing and "subkeys" in fields and any("secret" not in sub for sub in entry["subkeys"].values()):
        missing = ["a subkey's secret"]
    return f"the facts lack {', '.join(missing)} (a snapshot of another drverify version?)" if missing else None


def _unlisted(keyring: Mapping[str, Any]) -> str | None:
    """Why a keyring's facts hold no listing (None: they do)."""
    if "error" in keyring:
        return f"the keyring cannot be listed ({keyring['error']})"
    return _lacking(keyring, KEYRING_FIELDS)


def _accounts(production: Mapping[str, Any], ctx: Context[PgpChecks]) -> list[str]:
    return sorted({entry.name for entry in ctx.policy.accounts} | set(production.get("accounts", {})))


def _not_reference(keyring: Mapping[str, Any] | None) -> str | None:
    """Why production's keyring cannot be the reference (None: it can)."""
    if keyring is None:
        return "not in production's facts (a snapshot older than the inventory?)"
    if _unlisted(keyring):
        return f"{_unlisted(keyring)}: nothing to compare recovery's with"
    if not keyring["exists"]:
        return f"the keyring {keyring['gnupghome']} does not exist on production (wrong gnupghome?)"
    return None


def reference(production: Mapping[str, Any], ctx: Context[PgpChecks]) -> dict[str, str]:
    """Production's keyrings (and keys) that cannot be the reference, with why."""
    accounts = production.get("accounts", {})
    found: dict[str, str] = {}
    for name in _accounts(production, ctx):
        why = _not_reference(accounts.get(name))
        if why:
            found[f"{name} keyring"] = why
        else:
            found |= {KeyTwins(name, fpr, key, None).item: lacks for fpr, key in accounts[name]["keys"].items()
                      if (lacks := _lacking(key, KEY_FIELDS))}
    return found


def compare(production: dict, recovery: dict, ctx: Context[PgpChecks], now: datetime | None = None) -> list[Drift]:
    """One record per difference, sorted by item; ``now`` defaults to the current time."""
    now = now or expiry.now_utc()
    records: list[Drift] = []
    for account in _accounts(production, ctx):
        item = f"{account} keyring"
        keyring = ctx.listed(recovery.get("accounts", {}), account, "recovery", item) if ctx.usable(item) else None
        if keyring is not None and _unlisted(keyring):
            ctx.unverified(item, "recovery", _unlisted(keyring))
        elif keyring is not None:
            records += compare_keyring(account, (production["accounts"][account], keyring), ctx, now)
    return sorted(records, key=lambda record: record.item)


def compare_keyring(account: str, keyrings: tuple[Mapping[str, Any], Mapping[str, Any]], ctx: Context[PgpChecks],
                    now: datetime) -> list[Drift]:
    """One account's keyrings, ``(production's, recovery's)``, key by key."""
    production, recovery = keyrings
    if production["keys"] and not recovery["exists"]:
        return [ctx.drift(f"{account} keyring", production["gnupghome"], None, Severity.CRITICAL,
                          f"{account}'s keyring {recovery['gnupghome'] or production['gnupghome']} does not "
                          f"exist on recovery ({len(production['keys'])} key(s) on production)",
                          kind="missing_keyring")]
    records: list[Drift] = []
    for fpr in sorted(set(production["keys"]) | set(recovery["keys"])):
        twins = KeyTwins(account, fpr, production["keys"].get(fpr), recovery["keys"].get(fpr))
        if not ctx.usable(twins.item):
            continue
        why = _lacking(twins.recovery, KEY_FIELDS) if twins.recovery is not None else None
        if why:
            ctx.unverified(twins.item, "recovery", why)
        else:
            records += compare_key(twins, ctx, now)
    return records


def _who(key: Mapping[str, Any]) -> str:
    return key["uids"][0] if key["uids"] else "no user ID"


def _secrets(key: Mapping[str, Any]) -> list[str]:
    return sorted((["primary"] if key["secret"] else []) + [fpr for fpr, sub in key["subkeys"].items() if sub["secret"]])


def compare_key(twins: KeyTwins, ctx: Context[PgpChecks], now: datetime) -> list[Drift]:
    if twins.production is None:
        return [_extra(twins, ctx)]
    if twins.recovery is None:
        return [_missing(twins, ctx)]
    records = [_secret(twins, ctx), _subkeys(twins, ctx), _field(twins, "trust", "ownertrust", ctx),
               _field(twins, "user IDs", "uids", ctx), _expiry(twins, ctx, now)]
    return [record for record in records if record is not None]


def _extra(twins: KeyTwins, ctx: Context) -> Drift:
    who = _who(twins.recovery)
    return ctx.drift(twins.item, None, who, Severity.MINOR,
                     f"{twins.account}'s keyring on recovery has an extra key {twins.fpr} ({who})", kind="extra")


def _missing(twins: KeyTwins, ctx: Context) -> Drift:
    who = _who(twins.production)
    if twins.production["secret"]:
        consequence = "files encrypted to it cannot be decrypted, and outgoing files cannot be signed"
        what = "key pair (public and secret)"
    else:
        consequence = "files for that partner cannot be encrypted, nor its signatures verified"
        what = "public key"
    return ctx.drift(twins.item, who, None, Severity.CRITICAL,
                     f"the {what} of {who} ({twins.fpr}) is missing from {twins.account}'s keyring on "
                     f"recovery: {consequence}", kind="missing")


def _expiry(twins: KeyTwins, ctx: Context[PgpChecks], now: datetime) -> Drift | None:
    production, recovery = twins.production["expires"], twins.recovery["expires"]
    judged = expiry.judge(f"{twins.account}'s key {twins.fpr} ({_who(twins.production)})", production, recovery,
                          ctx.policy.horizon_days, now)
    return ctx.drift(f"{twins.item} expiry", production, recovery, *judged, kind="expiry") if judged else None


def _secret(twins: KeyTwins, ctx: Context) -> Drift | None:
    production, recovery = _secrets(twins.production), _secrets(twins.recovery)
    missing = sorted(set(production) - set(recovery))
    if not missing:
        return None
    parts = ["the primary key" if part == "primary" else f"subkey {part[-16:]}" for part in missing]
    return ctx.drift(f"{twins.item} secret", production, recovery, Severity.CRITICAL,
                     f"{twins.account}'s own secret key for {_who(twins.production)} ({twins.fpr}) is missing on "
                     f"recovery ({' and '.join(parts)}): files encrypted to it cannot be decrypted, and "
                     "outgoing files cannot be signed", kind="secret")


def _subkeys(twins: KeyTwins, ctx: Context) -> Drift | None:
    production, recovery = set(twins.production["subkeys"]), set(twins.recovery["subkeys"])
    if production == recovery:
        return None
    severity = Severity.CRITICAL if production - recovery else Severity.MINOR
    return ctx.drift(f"{twins.item} subkeys", sorted(production), sorted(recovery), severity,
                     f"subkeys differ: recovery lacks {sorted(production - recovery) or 'none'}, "
                     f"has extra {sorted(recovery - production) or 'none'}", kind="subkeys")


def _field(twins: KeyTwins, aspect: str, field: str, ctx: Context) -> Drift | None:
    production, recovery = twins.production[field], twins.recovery[field]
    if production == recovery:
        return None
    shown = (TRUST.get(production, production), TRUST.get(recovery, recovery)) if field == "ownertrust" \
        else (production, recovery)
    return ctx.drift(f"{twins.item} {aspect}", production, recovery, Severity.MAJOR,
                     f"{aspect} differ: production {shown[0]}, recovery {shown[1]}", kind=field)

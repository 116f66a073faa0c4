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

Production is the reference: an inventory account that production's facts lack (a snapshot
older than the inventory) or whose keyring does not exist there (a wrong ``gnupghome``?) leaves
nothing to compare against, so the area is *unverified*
(:class:`~drverify.errors.FactsUnavailable`), never passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drverify.drift import expiry
from drverify.drift.records import Context, Drift, Severity, listed
from drverify.errors import FactsUnavailable
from drverify.inventory.keys import PgpChecks

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)
TRUST = {"u": "ultimate", "f": "full", "m": "marginal", "n": "never", "q": "undefined", "-": "unknown", "": "unknown"}


def _spec(ctx: Context) -> PgpChecks:
    return ctx.policy


def compare(production: dict, recovery: dict, ctx: Context, now: datetime | None = None) -> list[Drift]:
    """One record per difference, sorted by item; ``now`` defaults to the current time."""
    now = now or expiry.now_utc()
    spec = _spec(ctx)
    require_reference(production, spec)
    horizon = spec.horizon_days
    records: list[Drift] = []
    for account, prod in production["accounts"].items():
        rec = recovery["accounts"].get(account) or {"exists": False, "keys": {}, "gnupghome": None}
        if prod["keys"] and not rec["exists"]:
            records.append(ctx.drift(f"{account} keyring", prod["gnupghome"], None, Severity.CRITICAL,
                                     f"{account}'s keyring {rec['gnupghome'] or prod['gnupghome']} does not "
                                     f"exist on recovery ({len(prod['keys'])} key(s) on production)"))
            continue
        for fpr in sorted(set(prod["keys"]) | set(rec["keys"])):
            records += compare_key(account, fpr, prod["keys"].get(fpr), rec["keys"].get(fpr), ctx, horizon, now)
    return sorted(records, key=lambda record: record.item)


def require_reference(production: dict, spec: PgpChecks) -> None:
    """Every inventory account must have an existing keyring in production's facts."""
    for account in sorted({entry.name for entry in spec.accounts} | set(production["accounts"])):
        prod = listed(production["accounts"], account, "production", f"account {account}")
        if not prod["exists"]:
            raise FactsUnavailable(f"pgp: {account}'s keyring {prod['gnupghome']} does not exist on "
                                   "production (wrong gnupghome?)")


def _who(key: dict[str, Any]) -> str:
    return key["uids"][0] if key["uids"] else "no user ID"


def _secrets(key: dict[str, Any]) -> list[str]:
    return sorted((["primary"] if key["secret"] else []) + [fpr for fpr, sub in key["subkeys"].items() if sub["secret"]])


def compare_key(account: str, fpr: str, prod: dict | None, rec: dict | None, ctx: Context, horizon: int,
                now: datetime) -> list[Drift]:
    item = f"{account} key {fpr[-16:]}"
    if prod is None:
        return [ctx.drift(item, None, _who(rec), Severity.MINOR,
                          f"{account}'s keyring on recovery has an extra key {fpr} ({_who(rec)})")]
    if rec is None:
        if prod["secret"]:
            consequence = "files encrypted to it cannot be decrypted, and outgoing files cannot be signed"
            what = "key pair (public and secret)"
        else:
            consequence = "files for that partner cannot be encrypted, nor its signatures verified"
            what = "public key"
        return [ctx.drift(item, _who(prod), None, Severity.CRITICAL,
                          f"the {what} of {_who(prod)} ({fpr}) is missing from {account}'s keyring on "
                          "recovery: "
                          f"{consequence}")]
    records = [_secret(item, account, fpr, prod, rec, ctx), _subkeys(item, prod, rec, ctx),
               _field(item, "trust", prod, rec, ctx, "ownertrust"), _field(item, "user IDs", prod, rec, ctx, "uids")]
    judged = expiry.judge(f"{account}'s key {fpr} ({_who(prod)})", prod["expires"], rec["expires"], horizon, now)
    if judged:
        records.append(ctx.drift(f"{item} expiry", prod["expires"], rec["expires"], *judged))
    return [record for record in records if record is not None]


def _secret(item: str, account: str, fpr: str, prod: dict, rec: dict, ctx: Context) -> Drift | None:
    missing = sorted(set(_secrets(prod)) - set(_secrets(rec)))
    if not missing:
        return None
    parts = ["the primary key" if part == "primary" else f"subkey {part[-16:]}" for part in missing]
    return ctx.drift(f"{item} secret", _secrets(prod), _secrets(rec), Severity.CRITICAL,
                     f"{account}'s own secret key for {_who(prod)} ({fpr}) is missing on recovery "
                     f"({' and '.join(parts)}): files encrypted to it cannot be decrypted, and "
                     "outgoing files cannot be signed")


def _subkeys(item: str, prod: dict, rec: dict, ctx: Context) -> Drift | None:
    mine, theirs = set(prod["subkeys"]), set(rec["subkeys"])
    if mine == theirs:
        return None
    severity = Severity.CRITICAL if mine - theirs else Severity.MINOR
    return ctx.drift(f"{item} subkeys", sorted(mine), sorted(theirs), severity,
                     f"subkeys differ: recovery lacks {sorted(mine - theirs) or 'none'}, "
                     f"has extra {sorted(theirs - mine) or 'none'}")


def _field(item: str, aspect: str, prod: dict, rec: dict, ctx: Context, field: str) -> Drift | None:
    if prod[field] == rec[field]:
        return None
    shown = (TRUST.get(prod[field], prod[field]), TRUST.get(rec[field], rec[field])) if field == "ownertrust" \
        else (prod[field], rec[field])
    return ctx.drift(f"{item} {aspect}", prod[field], rec[field], Severity.MAJOR,
                     f"{aspect} differ: production {shown[0]}, recovery {shown[1]}")


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}

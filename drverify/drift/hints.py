"""What to do about a difference, said for someone who does not know the system.

A drift record says *what* differs; its hint says what to change, and where, in one sentence a
person on call during a drill can act on ("create user mftsvc with uid 2001, gid 2001 on
recovery"). Hints are keyed by (area, kind), filled from the record itself (production's value as
it reads on recovery when the pair translates it), with a generic sentence per kind for areas that
do not say more. A comparator that knows a figure the record does not hold (the size a disk needs
under the pair's policy) makes its hint with :func:`enlarge`.

Nothing here imports the record type: a record is anything with the attributes of
:class:`Finding`, so :mod:`drverify.drift.records` can call :func:`hint` without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from drverify.drift.units import human_bytes


class Finding(Protocol):
    area: str
    item: str
    kind: str
    production: Any
    recovery: Any
    translated: Any


def said(value: Any) -> str:
    """A value in a sentence: a list joined, a mapping as ``key value`` pairs, None as "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {said(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(said(item) for item in value) or "none"
    return str(value)


def target(record: Finding) -> Any:
    """What recovery should have: production's value as it reads on the recovery site."""
    return record.production if record.translated is None else record.translated


def enlarge(what: str, amount: str) -> str:
    """A volume to grow: ``extend /srv/mft on recovery to at least 1.8 TiB``."""
    return f"extend {what} on recovery to at least {amount}"


def provide(amount: str) -> str:
    """A resource the recovery machine needs more of: ``give recovery at least 32.0 GiB of memory``."""
    return f"give the recovery machine at least {amount}"


def _name(record: Finding) -> str:
    """The subject of ``user mftsvc uid/gid`` (``mftsvc``) or ``group sudo members`` (``sudo``)."""
    parts = record.item.split()
    return parts[1] if len(parts) > 1 else record.item


def _chain_and_rule(record: Finding) -> tuple[str, str]:
    """``ip4 filter/INPUT``, ``-p tcp … -j ACCEPT`` from a rule record's item."""
    rule = str(target(record) if record.recovery is None else record.recovery)
    return record.item.removesuffix(f" {rule}"), rule


def _rule_command(record: Finding, action: str) -> str:
    chain, rule = _chain_and_rule(record)
    family, _, where = chain.partition(" ")
    table, _, name = where.partition("/")
    tool = {"ip4": "iptables", "ip6": "ip6tables"}.get(family)
    if tool is None:
        return f"chain {chain} (nft rule {rule})"
    return f"`{tool} -t {table} {action} {name} {rule}`"


def _missing_rule(record: Finding) -> str:
    chain, _ = _chain_and_rule(record)
    return (f"copy the rule into recovery's ruleset, in chain {chain} at production's position: "
            f"{_rule_command(record, '-A')}, then save the ruleset so it survives a reboot")


def _extra_rule(record: Finding) -> str:
    return (f"if nobody needs it any more, delete the rule on recovery: {_rule_command(record, '-D')} "
            "and save the ruleset; if it is needed, add it to production too")


def _user(record: Finding) -> str:
    entry = target(record) or {}
    details = ", ".join(f"{key} {entry[key]}" for key in ("uid", "gid", "home", "shell") if key in entry)
    if "members" in entry:
        details = f"gid {entry.get('gid')}, members {said(entry['members'])}"
    what = record.item.split()[0]
    return f"create {what} {_name(record)} on recovery with {details}, as on production"


def _members(record: Finding) -> str:
    wanted, present = set(target(record) or ()), set(record.recovery or ())
    steps = [f"add {', '.join(sorted(wanted - present))}" if wanted - present else "",
             f"remove {', '.join(sorted(present - wanted))}" if present - wanted else ""]
    return f"on recovery, in group {_name(record)}: " + " and ".join(step for step in steps if step)


def _ids(record: Finding) -> str:
    wanted = target(record) or {}
    flags = " ".join(f"-{key[0]} {value}" for key, value in wanted.items())
    return (f"give {_name(record)} on recovery production's ids ({said(wanted)}): `usermod {flags} "
            f"{_name(record)}`, then chown the files it owns to the new ids")


def _password(record: Finding) -> str:
    """Lock it, or copy production's hash field (never shown: the operator copies it host to host)."""
    if str(record.production).startswith("locked"):
        return f"lock {_name(record)}'s password on recovery, as on production, before the switch (`passwd -l`)"
    return (f"set {_name(record)}'s password on recovery to the one production has, before the switch "
            "(copy the hash field of its /etc/shadow line: `usermod -p`)")


def _mount(record: Finding) -> str:
    entry = record.production or {}
    size = f" of at least {human_bytes(entry['used'])}" if isinstance(entry.get("used"), int) else ""
    return (f"create and mount {record.item} on recovery ({entry.get('fstype') or 'same type'}{size}, what "
            "production stores there) and add it to /etc/fstab")


def _too_small(record: Finding) -> str:
    entry = record.production or {}
    used, size = entry.get("used"), entry.get("size")
    if not isinstance(used, int):
        return f"extend {record.item} on recovery to production's size"
    better = f" (production's volume is {human_bytes(size)})" if isinstance(size, int) else ""
    return enlarge(record.item, human_bytes(used)) + f", the data production holds there{better}"


def _network_missing(record: Finding) -> str:
    what = record.item.split()[0]
    if what == "listener":
        return (f"start and enable at boot on recovery the service production runs on {record.item.split()[-1]} "
                f"({said(target(record))})")
    return f"configure the {what} {said(target(record))} on recovery, persistently (its network configuration)"


_LDAP_STAGES = {
    "tcp": "open the way from recovery to the directory server (firewall, route, server listening)",
    "tls": ("give the directory server recovery uses a certificate for the name recovery connects to, "
            "signed by the CA the inventory names"),
    "bind": "make the bind account work on recovery's directory (account present, same password, access rules)",
    "search": "let the bind account search recovery's directory as on production (access rules, base present)",
}


def _ldap_stage(record: Finding) -> str:
    stage = str(record.recovery).partition(":")[0]
    return f"{_LDAP_STAGES.get(stage, 'fix what stops the connection')}: {record.recovery}"


def _expiry(record: Finding) -> str:
    return (f"install production's current certificate or key (valid until {record.production or 'never'}) on "
            "recovery; if production's expires soon too, renew it first, then copy it to recovery")


def _generic_missing(record: Finding) -> str:
    return f"recreate {record.item} on recovery as production has it: {said(target(record))}"


def _generic_extra(record: Finding) -> str:
    return (f"remove {record.item} from recovery if nothing needs it (a leftover of a test?); "
            "if it is needed, add it to production too, or waive it with the reason")


def _generic_changed(record: Finding) -> str:
    return f"change {record.item} on recovery to production's value: {said(target(record))}"


Hint = Callable[[Finding], str]

_GENERIC: dict[str, Hint] = {"missing": _generic_missing, "extra": _generic_extra, "changed": _generic_changed}

_HINTS: dict[tuple[str, str], Hint] = {
    ("disks", "missing"): _mount,
    ("disks", "extra"): lambda r: (f"unmount {r.item} on recovery and remove it from /etc/fstab if it is a "
                                   "leftover, or list it in policies.disks.ignore_mounts"),
    ("disks", "fstype"): lambda r: f"recreate {r.item.split()[0]} on recovery as {r.production}, production's type",
    ("disks", "too_small"): _too_small,
    ("network", "missing"): _network_missing,
    ("network", "source"): lambda r: f"make the route leave from production's source: {said(target(r))}",
    ("network", "binds"): lambda r: f"make the service listen as on production: {said(target(r))}",
    ("network", "processes"): lambda r: f"serve {r.item.split()[-1]} with {said(r.production)} on recovery",
    ("firewall", "missing_rule"): _missing_rule,
    ("firewall", "extra_rule"): _extra_rule,
    ("firewall", "order"): lambda r: (f"reorder chain {r.item} on recovery like production's (rules are "
                                      "matched first to last, so order changes what is accepted)"),
    ("firewall", "policy"): lambda r: f"set the default policy of chain {r.item} on recovery to {r.production}",
    ("firewall", "missing_chain"): lambda r: (f"copy chain {r.item} with its policy and rules from production's "
                                              "saved ruleset to recovery's, and load it"),
    ("firewall", "extra_chain"): lambda r: (f"remove or empty chain {r.item} on recovery unless it is intended; "
                                            "then copy it to production too"),
    ("firewall", "missing_element"): lambda r: f"add {said(target(r))} to {r.item.rsplit(' ', 1)[0]} on recovery",
    ("firewall", "extra_element"): lambda r: f"remove {said(r.recovery)} from {r.item.rsplit(' ', 1)[0]} on recovery",
    ("users", "missing"): _user,
    ("users", "extra"): lambda r: (f"if {r.item} is a leftover (a drill or test account), delete it on recovery "
                                   f"(`{r.item.split()[0]}del {_name(r)}`)"),
    ("users", "ids"): _ids,
    ("users", "members"): _members,
    ("users", "home"): lambda r: f"create the home directory of {_name(r)} on recovery: {said(target(r))}",
    ("users", "password"): _password,
    ("users", "password_state"): _password,
    ("dns", "unreachable"): lambda r: f"let recovery query {r.item} over TCP port 53 (firewall, route, server up)",
    ("dns", "missing"): lambda r: (f"publish {r.item.split()[0]} in recovery's DNS with the addresses "
                                   f"{said(target(r))}"),
    ("dns", "ttl"): lambda r: (f"lower the TTL of {r.item.split()[0]}'s records in recovery's zone to "
                               f"production's {r.production} s or below the inventory's max_ttl"),
    ("dns", "shared_site"): lambda r: "give each site its own address in DNS, so partners reach the right site",
    ("dns", "resolver"): lambda r: f"set {r.item.split()[-1]} in recovery's /etc/resolv.conf to {said(target(r))}",
    ("ldap", "stage"): _ldap_stage,
    ("ldap", "search"): lambda r: "replicate production's directory entries to recovery's directory",
    ("egress", "proxy"): lambda r: f"make recovery's forward proxy reachable from recovery ({r.recovery})",
    ("egress", "echo"): lambda r: "let recovery's forward proxy reach the internet (its upstream route and firewall)",
    ("egress", "address"): lambda r: (f"make recovery's outgoing traffic leave from an address partners allow "
                                      f"(production's is {r.production}): a SNAT rule for the proxy, or have "
                                      f"partners add {r.recovery} to their allowlists first"),
    ("reachability", "unreachable"): lambda r: (f"open the path from recovery to {r.item.split()[-1]} "
                                                f"({r.recovery}): firewall, route or VPN"),
    ("certificates", "missing"): lambda r: (f"copy {r.item} from production to recovery (with its private key), "
                                            "readable by the service"),
    ("certificates", "certificate"): lambda r: (f"copy production's {r.item.split()[0]} to recovery: partners "
                                                "pinned or encrypt to production's certificate"),
    ("certificates", "expiry"): _expiry,
    ("certificates", "private_key"): lambda r: (f"copy the private key {r.production} from production to recovery "
                                                "(mode 0600, owned by the service account)"),
    ("certificates", "chain"): lambda r: (f"add the intermediate certificates to {r.item.split()[0]} on recovery "
                                          "(or to its CA bundle) so the chain builds"),
    ("tls", "missing"): lambda r: (f"start the service on {r.item} on recovery with production's certificate "
                                   "and chain"),
    ("tls", "certificate"): lambda r: f"configure the service on {r.item.rsplit(' ', 1)[0]} on recovery to serve "
                                      "production's certificate",
    ("tls", "expiry"): _expiry,
    ("tls", "chain"): lambda r: (f"configure the service on {r.item.rsplit(' ', 1)[0]} on recovery to send the "
                                 f"whole chain: {said(r.production)}"),
    ("ssh_hostkeys", "unreachable"): lambda r: f"start the SFTP listener on {r.item} on recovery",
    ("ssh_hostkeys", "missing"): lambda r: (f"copy production's {r.item.split()[-1]} host key (the private key "
                                            f"file) to recovery's SFTP server on {' '.join(r.item.split()[:2])}, so "
                                            f"partners see {said(r.production)}"),
    ("ssh_hostkeys", "changed"): lambda r: (f"copy production's {r.item.split()[-1]} host key (the private key "
                                            f"file) to recovery's SFTP server: partners pinned {said(r.production)}"),
    ("pgp", "missing_keyring"): lambda r: f"copy {r.item} (GNUPGHOME {r.production}) from production to recovery",
    ("pgp", "missing"): lambda r: (f"import the key of {said(r.production)} from production into "
                                   f"{r.item.split()[0]}'s keyring on recovery (gpg --export / --import)"),
    ("pgp", "secret"): lambda r: (f"export the secret key {r.item.split()[2]} from {r.item.split()[0]}'s keyring on "
                                  "production (gpg --export-secret-keys) and import it into its keyring on recovery"),
    ("pgp", "subkeys"): lambda r: "re-import the whole key from production, with all its subkeys",
    ("pgp", "expiry"): _expiry,
}


def hint(record: Finding) -> str:
    """The remediation sentence for a record: its area's for its kind, else the generic one."""
    found = _HINTS.get((record.area, record.kind)) or _GENERIC.get(record.kind) or _fallback
    try:
        return found(record)
    except (LookupError, TypeError, ValueError, AttributeError):
        # a value of an unexpected shape (an old snapshot): the hint is help, never a reason for a
        # check to stop, so the plain sentence stands in
        return _fallback(record)


def _fallback(record: Finding) -> str:
    return (f"make {record.item} on recovery match production ({said(target(record))}), or waive the "
            "difference with its reason")

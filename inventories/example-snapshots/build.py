"""Build the example's two snapshots from raw command outputs, with drverify's own parsers.

Usage: ``python inventories/example-snapshots/build.py [OUTPUT_DIR]`` (default: this directory).
It writes ``mft-eu.production.json`` and ``mft-eu.recovery.json`` the way ``--snapshot-out`` does
(:func:`drverify.facts.hostfacts.save_snapshot`, schema 1). The JSON files are build output:
change ``raw/`` and rebuild, never edit them by hand (``tests/unit/test_example.py`` rebuilds and
compares).

Inputs, under ``raw/<role>/`` (role ``production`` or ``recovery``), one file per area:

- ``<area>.txt`` for a *command area* (disks, network, firewall, users, reachability, pgp,
  mft_config, mft_software): the
  framed stdout of the batch script (:func:`drverify.facts.batch.build_script`) run with exactly
  that area's ``commands()``, under their own names (``findmnt``, ``cpus``...; the live
  collector prefixes them with the area, ``disks.findmnt``, which one file per area does not
  need). The boundary is read from the first frame. The area's real ``parse()`` turns it into
  facts; a command that failed (exit status in its frame) makes the area *unverified* with the
  parser's reason, exactly as a live collection would. An area whose commands probe the network
  (``PROBES_FROM``: reachability) gets its vantage point, as a live collection records it.
- ``<area>.json`` for a *probe area* (dns, ldap, egress, certificates, tls, ssh_hostkeys,
  load_balancer),
  whose facts come from talking to the network, not from commands: the area's entry as a
  snapshot stores it, ``{"status": "ok", "data": {...}, "vantage": "..."}``
  (``vantage`` optional) or ``{"status": "unverified", "reason": "..."}``.

Where ``raw/`` comes from: ``network.txt`` and ``firewall.txt`` were recorded on Debian 12
(iproute2 6.1, iptables 1.8.9 nf_tables, nftables 1.0.6) by running the areas' commands through
the real batch script inside throwaway network namespaces set up like these two hosts (a veth
standing in for the VM's NIC, real listening sockets under the services' process names, the
rules loaded with iptables-restore); only the dates in the iptables-save header comments were
changed to the snapshot times. ``disks.txt`` and ``users.txt`` were written in the formats
recorded under ``tests/data/disks`` and ``tests/data/users`` (an NFS mount and terabyte volumes
cannot be made in a namespace), then framed by the same batch script running ``cat``; their
``statfs`` frames are empty, as the command prints nothing when findmnt sizes every mount.
``reachability.txt`` was recorded like ``network.txt``: the area's real commands for this
inventory, through the batch script, in a namespace per host whose ``/etc/hosts`` named the
partners and whose partner addresses had listening sockets, except globex's on recovery
(behind a gateway that drops: the check times out). The probe areas' ``<area>.json`` were
written with the areas' own shaping functions (``dns.answer_chain`` on DNS messages,
``dns.resolver_view`` on resolv.conf and ``getent ahosts`` output, ``ldap.entries``,
``egress.parse_echo``), the vantage as :class:`~drverify.facts.vantage.Vantage` words it for
``HOSTS``' labels; recovery's LDAP reason is ldap3's own text for a certificate of another name.

The key areas were made from throwaway material in a temporary directory, deleted afterwards (no
key file, keystore or keyring is kept anywhere): a CA, an intermediate and leaf certificates
made with ``cryptography``, with fixed dates (valid until 2036, or expired for good in 2026, so
expiry drift does not change as time passes), written to files laid out as on the hosts. The
area's own scan script (``certificates.script``, the keystore's unlock phrase on its stdin) ran
over them, its output parsed by ``certificates.parse`` with the CA as bundle; ``tls.served``
described the chains the listeners present; ``ssh_hostkeys.parse_keyscan`` fingerprinted
``ssh-keygen`` host keys given as ssh-keyscan lines; ``pgp.txt`` is the area's real command
(``pgp.command``, gpg 2.2.40) run through the batch script over keyrings made with gpg (key
dates set with ``--faked-system-time``), with the keyring path replaced by the host's.

The failback areas' raw files were written in the formats recorded from real ProFTPD 1.3.8
servers under ``tests/data/mft`` (see its ``record.py``: xferlog lines as mod_sftp and FTP write
them, ``ls -lb`` listings, ``ftpwho -o json`` with each session's ``/proc/PID/fd``), then framed by
the batch script running ``cat``: ``transfer_ledger.txt`` (both sides' clock and bounded log: the
DR drill of 17-18 November moved partners to recovery, and its history was shipped back into
production's log, except acme's download of its November report), ``pending_files.txt``
(recovery only: production runs no command for it, so its facts are parsed from no output, as a
live collection does) and ``active_transfers.json`` (a probe area: the facts
``active_transfers.parse`` makes of recovery's framed ``sessions`` and ``growth``; production's
are ``{}``, never read). Those three areas are checked when failing back, with recovery as the
reference; ``tests/unit/test_example.py`` judges them so.

The MFT areas' files (``mft_config.txt``, ``mft_software.txt``, ``load_balancer.json``) are made by
``record_mft.py`` here: the areas' real commands through the batch script in a throwaway mount
namespace per host set up with ProFTPD's tree, ``ftpasswd`` users and ``tar`` exports as on the
snapshot's date, and a real HAProxy in a throwaway network namespace; what cannot run on this
machine (systemd's view of the unit, recovery's older package) is written in the formats recorded
under ``tests/data/mft``. Its docstring says which is which.

The ``shadow`` frame of each ``users.txt`` is made by ``record_shadow.py`` here: the users area's
own command through the batch script, in a throwaway mount namespace whose /etc is a private
overlay where the host's accounts were written and their passwords set with the real ``chpasswd
-e`` (hashes made by ``openssl passwd -6``): the frame holds each password's state and the
SHA-256 of its hash, never a hash.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run from a checkout without installing drverify

from drverify.areas import AREAS  # noqa: E402
from drverify.errors import FactError, InventoryError  # noqa: E402
from drverify.facts.batch import Output, split_output  # noqa: E402
from drverify.facts.gather import Commands, Probe  # noqa: E402
from drverify.facts.hostfacts import HostFacts, save_snapshot  # noqa: E402
from drverify.inventory import Pair, load_inventory  # noqa: E402

PAIR = "mft-eu"
INVENTORY = HERE.parent / "example.yaml"
RAW = HERE / "raw"


@dataclass(frozen=True)
class Host:
    """What a live collection of the host would have recorded besides its facts."""

    label: str
    collected_at: str


#: Fixed times, so a rebuild is byte-for-byte the same: production's last nightly snapshot is a
#: week older than recovery's, the usual state when production is down and recovery is checked
#: against what production looked like last (the report shows each snapshot's age).
HOSTS = {
    "production": Host("ssh://drverify@mft-prod-01.example.com", "2026-11-19T02:00:00+00:00"),
    "recovery": Host("ssh://drverify@mft-dr-01.example.com", "2026-11-26T02:00:00+00:00"),
}

_FIRST_FRAME = re.compile(r"^(@@drverify-[0-9a-f]+@@) begin ", re.MULTILINE)


class BuildError(Exception):
    """A raw file that cannot be turned into facts; the message names the file and the cause."""


def vantage(area, facts: HostFacts) -> str | None:
    """Where a probe area's facts come from, worded as a live collection words it."""
    return area.origin.describe(facts.role, facts.label) if area.origin is not None else None


def read_frames(path: Path) -> dict[str, Output]:
    """The outputs of one framed file, by command name."""
    text = path.read_text(encoding="utf-8")
    match = _FIRST_FRAME.search(text)
    if match is None:
        raise BuildError(f"{path}: no '@@drverify-...@@ begin' frame")
    try:
        return split_output(text, match.group(1))
    except ValueError as error:
        raise BuildError(f"{path}: {error}") from None


def command_area(facts: HostFacts, name: str, path: Path, pair: Pair) -> None:
    """Parse a command area's framed outputs; their names must be the area's commands."""
    area = AREAS[name]
    outputs = read_frames(path)
    expected = set(area.gather.commands(pair, facts.role))
    if set(outputs) != expected:
        missing, extra = sorted(expected - set(outputs)), sorted(set(outputs) - expected)
        raise BuildError(f"{path}: frames do not match {name}'s commands "
                         f"(missing {missing}, unexpected {extra})")
    try:
        facts.set_ok(name, area.gather.parse(outputs), vantage=vantage(area, facts))
    except FactError as error:
        facts.set_unverified(name, str(error))
        print(f"note: {path}: {name} is unverified: {error}", file=sys.stderr)


def probe_area(facts: HostFacts, name: str, path: Path) -> None:
    """Take a probe area's snapshot entry after checking its shape; the vantage is worded as a live
    collection words it (:meth:`~drverify.facts.gather.Origin.describe`)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BuildError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(entry, dict):
        raise BuildError(f"{path}: expected an object with 'status'")
    status = entry.get("status")
    if status == "ok" and "data" in entry and set(entry) == {"status", "data"}:
        facts.set_ok(name, entry["data"], vantage=vantage(AREAS[name], facts))
    elif status == "unverified" and isinstance(entry.get("reason"), str) and set(entry) == {"status", "reason"}:
        facts.set_unverified(name, entry["reason"])
    else:
        raise BuildError(f"{path}: expected {{'status': 'ok', 'data': ...}} "
                         "or {'status': 'unverified', 'reason': ...}")


def host_facts(role: str, raw: Path, pair: Pair) -> HostFacts:
    """One side's facts from ``raw/<role>/``, every file an area."""
    host = HOSTS[role]
    facts = HostFacts(PAIR, role, host.label, collected_at=host.collected_at, source="snapshot")
    files = sorted((raw / role).iterdir()) if (raw / role).is_dir() else []
    if not files:
        raise BuildError(f"{raw / role}: no raw outputs")
    for path in files:
        name = path.stem
        if name in facts.areas:
            raise BuildError(f"{path}: area {name} is given twice")
        _add_area(facts, name, path, pair)
    _without_commands(facts, pair)
    return facts


def _without_commands(facts: HostFacts, pair: Pair) -> None:
    """A command area with no command for this role (the failback areas on production) is
    parsed from no output, as a live collection does: it needs no raw file."""
    for name, area in AREAS.items():
        if (name not in facts.areas and isinstance(area.gather, Commands) and area.applies(pair)
                and not area.gather.commands(pair, facts.role)):
            facts.set_ok(name, area.gather.parse({}))


def _add_area(facts: HostFacts, name: str, path: Path, pair: Pair) -> None:
    if name not in AREAS:
        raise BuildError(f"{path}: unknown area {name!r} (areas: {', '.join(AREAS)})")
    probe = isinstance(AREAS[name].gather, Probe)
    if path.suffix == ".txt" and not probe:
        command_area(facts, name, path, pair)
    elif path.suffix == ".json" and probe:
        probe_area(facts, name, path)
    else:
        wanted = f"{name}.json (its snapshot entry)" if probe else f"{name}.txt (framed outputs)"
        raise BuildError(f"{path}: {name} is a {'probe' if probe else 'command'} area: "
                         f"give it as {wanted}")


def build(out_dir: Path = HERE, raw: Path = RAW,
          inventory: Path = INVENTORY) -> list[Path]:
    """Write both snapshots into ``out_dir``; returns their paths."""
    pair = load_inventory(inventory).pair(PAIR)
    paths = [save_snapshot(host_facts(role, raw, pair), out_dir) for role in HOSTS]
    for path in paths:
        path.chmod(0o644)  # save_snapshot keeps real snapshots private; these are public examples
    return paths


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else HERE
    try:
        paths = build(out_dir)
    except (BuildError, InventoryError) as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

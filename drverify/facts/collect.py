"""Collect facts: each host once, its command areas in one round trip, hosts concurrently.

Command areas share one batched script; probe areas then run concurrently over the same
connection. Whatever fails, fails for its own area only, with the reason recorded. How many
hosts at once, and how many connections one sshd gets at once: :mod:`drverify.facts.slots`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from drverify.errors import FactError, FactsUnavailable
from drverify.facts.batch import run_batch
from drverify.facts.gather import Commands, Gathered, Probe
from drverify.facts.hostfacts import HostFacts, load_snapshot
from drverify.facts.slots import HostSlots, workers
from drverify.facts.vantage import Vantage
from drverify.inventory import Pair, ssh_options
from drverify.inventory.model import ROLES

if TYPE_CHECKING:
    from drverify.facts.transport import Transport

#: how long one command may run on a host before its area is unverified ("timed out")
COMMAND_TIMEOUT = 20
#: probe areas of one host that run at once (each may hold a forward open)
PROBES_PER_HOST = 4


def collect_host(pair: Pair, role: str, areas: Iterable[Gathered], workdir: Path,
                 connect=None) -> HostFacts:
    """One side of a pair: from its snapshot, or live over one reused connection.

    ``connect(host, ssh_options, sudo, workdir)`` opens the transport (tests pass a fake; by
    default :func:`drverify.facts.transport.connect`, imported only for a live host: a run from
    snapshots loads no SSH client); a host it cannot open makes every area unverified with the reason.
    """
    spec = pair.host(role)
    wanted = [area for area in areas if area.applies(pair)]
    if spec.snapshot is not None:
        try:
            return load_snapshot(spec.snapshot, pair.name, role)
        except FactsUnavailable as error:
            return _all_unverified(HostFacts(pair.name, role, spec.label, source="snapshot"), wanted, str(error))
    facts = HostFacts(pair.name, role, spec.label)
    if connect is None:
        from drverify.facts.transport import connect
    try:
        transport = connect(spec.host, ssh_options(pair, spec), spec.sudo, workdir)
    except FactsUnavailable as error:
        return _all_unverified(facts, wanted, str(error))
    try:
        commands = [area for area in wanted if isinstance(area.gather, Commands)]
        probes = [area for area in wanted if isinstance(area.gather, Probe)]
        if not probes:
            transport.expect_one_round_trip()
        unreachable = _collect_commands(facts, transport, pair, commands)
        if unreachable is not None:
            _all_unverified(facts, probes, unreachable)
        elif probes:
            _collect_probes(facts, Vantage(transport, role, spec.label, workdir), pair, probes)
    finally:
        transport.close()
        facts.round_trips = transport.round_trips
    return facts


def _collect_commands(facts: HostFacts, transport: Transport, pair: Pair,
                      areas: Sequence[Gathered]) -> str | None:
    """Run every command area's commands in one script; the reason when the host was not reached."""
    commands = {
        f"{area.name}.{command}": text
        for area in areas
        for command, text in area.gather.commands(pair, facts.role).items()
    }
    if not commands:
        return None
    try:
        outputs = run_batch(transport, commands, COMMAND_TIMEOUT)
    except (FactsUnavailable, FactError) as error:
        _all_unverified(facts, areas, str(error))
        return str(error)
    for area in areas:
        prefix = f"{area.name}."
        own = {key[len(prefix):]: value for key, value in outputs.items() if key.startswith(prefix)}
        _record(facts, area, lambda area=area, own=own: area.gather.parse(own))
    return None


def _record(facts: HostFacts, area: Gathered, read) -> None:
    """Store what ``read()`` returns, or the reason it could not: one area, never the run."""
    vantage = area.origin.describe(facts.role, facts.label) if area.origin is not None else None
    try:
        facts.set_ok(area.name, read(), vantage=vantage)
    except (FactError, FactsUnavailable) as error:
        facts.set_unverified(area.name, str(error))
    except Exception as error:  # noqa: BLE001 - a parser or probe bug must cost one area, not the run
        facts.set_unverified(area.name, internal_error(error))


def _collect_probes(facts: HostFacts, vantage: Vantage, pair: Pair, areas: Sequence[Gathered]) -> None:
    def one(area: Gathered) -> None:
        _record(facts, area, lambda: area.gather.probe(pair, facts.role, vantage))

    with ThreadPoolExecutor(max_workers=PROBES_PER_HOST) as pool:
        for future in [pool.submit(one, area) for area in areas]:
            future.result()


def internal_error(error: BaseException) -> str:
    """The reason recorded when drverify itself failed on what a host returned."""
    return f"internal error: {type(error).__name__}: {error}"


def _safe_collect(pair: Pair, role: str, areas: Sequence[Gathered], workdir: Path, slots: HostSlots,
                  connect=None) -> HostFacts:
    """collect_host, but whatever goes wrong stays with this host's areas; a live host's
    connection is held within its slots (:mod:`drverify.facts.slots`)."""
    spec = pair.host(role)
    try:
        with contextlib.nullcontext() if spec.snapshot is not None else slots.slot(spec.host):
            return collect_host(pair, role, areas, workdir, connect)
    except Exception as error:  # noqa: BLE001 - one host must never stop the others
        facts = HostFacts(pair.name, role, spec.label)
        return _all_unverified(facts, [area for area in areas if area.applies(pair)], internal_error(error))


def _all_unverified(facts: HostFacts, areas: Iterable[Gathered], reason: str) -> HostFacts:
    for area in areas:
        facts.set_unverified(area.name, reason)
    return facts


def collect_pairs(pairs: Iterable[Pair], areas: Sequence[Gathered], workdir: Path,
                  max_workers: int | None = None) -> dict[tuple[str, str], HostFacts]:
    """Every side of every pair at once, the same areas for each."""
    return collect_each([(pair, areas) for pair in pairs], workdir, max_workers)


def collect_each(jobs: Iterable[tuple[Pair, Sequence[Gathered]]], workdir: Path, max_workers: int | None = None,
                 connect=None, slots: HostSlots | None = None) -> dict[tuple[str, str], HostFacts]:
    """Every side of every pair at once, each pair with its own areas (a pair checked for the way
    back needs other areas than one checked for a takeover): as many at once as the machine
    takes (:func:`~drverify.facts.slots.workers`), a host named by several sides within its slots."""
    sides = [(pair, role, areas) for pair, areas in jobs for role in ROLES]
    slots = slots or HostSlots()
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers or workers(), len(sides)))) as pool:
        futures = {
            (pair.name, role): pool.submit(_safe_collect, pair, role, areas, workdir, slots, connect)
            for pair, role, areas in sides
        }
    return {key: future.result() for key, future in futures.items()}

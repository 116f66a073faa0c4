"""Collect facts: each host once, its command areas in one round trip, all hosts concurrently.

Command areas share one batched script; probe areas then run concurrently over the same
connection. Whatever fails, fails for its own area only, with the reason recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from drverify.errors import FactsUnavailable
from drverify.facts.area import FactError, applies, is_probe
from drverify.facts.batch import build_script, new_boundary, split_output
from drverify.facts.hostfacts import HostFacts, load_snapshot
from drverify.facts.transport import Connection
from drverify.facts.vantage import Vantage, describe_vantage
from drverify.inventory import Pair, ssh_options

ROLES = ("production", "recovery")
#: how long one command may run on a host before its area is unverified ("timed out")
COMMAND_TIMEOUT = 20
#: probe areas of one host that run at once (each may hold a forward open)
PROBES_PER_HOST = 4


def collect_host(pair: Pair, role: str, areas: Mapping[str, object], workdir: Path) -> HostFacts:
    """One side of a pair: from its snapshot, or live over one reused connection."""
    spec = getattr(pair, role)
    wanted = {name: area for name, area in areas.items() if applies(area, pair)}
    if spec.snapshot is not None:
        try:
            return load_snapshot(spec.snapshot, pair.name, role)
        except FactsUnavailable as error:
            return _all_unverified(HostFacts(pair.name, role, spec.label, source="snapshot"), wanted, str(error))
    facts = HostFacts(pair.name, role, spec.label)
    connection = Connection(spec.host, ssh_options(pair, spec), spec.sudo, workdir)
    try:
        commands = {name: area for name, area in wanted.items() if not is_probe(area)}
        probes = {name: area for name, area in wanted.items() if is_probe(area)}
        unreachable = _collect_commands(facts, connection, pair, commands)
        if unreachable is not None:
            _all_unverified(facts, probes, unreachable)
        elif probes:
            _collect_probes(facts, Vantage(connection, role, spec.label), pair, probes)
    finally:
        connection.close()
        facts.round_trips = connection.round_trips
    return facts


def _collect_commands(facts: HostFacts, connection: Connection, pair: Pair,
                      areas: Mapping[str, object]) -> str | None:
    """Run every command area's commands in one script; the reason when the host was not reached."""
    commands = {
        f"{name}.{command}": text
        for name, area in areas.items()
        for command, text in area.commands(pair, facts.role).items()
    }
    boundary = new_boundary()
    try:
        result = connection.run(build_script(commands, boundary, COMMAND_TIMEOUT))
    except FactsUnavailable as error:
        _all_unverified(facts, areas, str(error))
        return str(error)
    try:
        outputs = split_output(result.stdout, boundary)
    except ValueError as error:
        reason = f"{error} (exit status {result.rc}: {result.stderr.strip()[-200:]})"
        _all_unverified(facts, areas, reason)
        return reason
    for name, area in areas.items():
        prefix = f"{name}."
        own = {key[len(prefix):]: value for key, value in outputs.items() if key.startswith(prefix)}
        try:
            facts.set_ok(name, area.parse(own), vantage=describe_vantage(area, facts.role, facts.label))
        except FactError as error:
            facts.set_unverified(name, str(error))
        except Exception as error:  # noqa: BLE001 - a parser bug must cost one area, not the run
            facts.set_unverified(name, internal_error(error))
    return None


def _collect_probes(facts: HostFacts, vantage: Vantage, pair: Pair, areas: Mapping[str, object]) -> None:
    def one(name: str, area: object) -> None:
        try:
            facts.set_ok(name, area.probe(pair, facts.role, vantage),
                         vantage=describe_vantage(area, facts.role, facts.label))
        except (FactError, FactsUnavailable) as error:
            facts.set_unverified(name, str(error))
        except Exception as error:  # noqa: BLE001 - a probe bug must cost one area, not the run
            facts.set_unverified(name, internal_error(error))

    with ThreadPoolExecutor(max_workers=PROBES_PER_HOST) as pool:
        for future in [pool.submit(one, name, area) for name, area in areas.items()]:
            future.result()


def internal_error(error: BaseException) -> str:
    """The reason recorded when drverify itself failed on what a host returned."""
    return f"internal error: {type(error).__name__}: {error}"


def _safe_collect(pair: Pair, role: str, areas: Mapping[str, object], workdir: Path) -> HostFacts:
    """collect_host, but whatever goes wrong stays with this host's areas."""
    try:
        return collect_host(pair, role, areas, workdir)
    except Exception as error:  # noqa: BLE001 - one host must never stop the others
        facts = HostFacts(pair.name, role, getattr(pair, role).label)
        return _all_unverified(facts, [name for name, area in areas.items() if applies(area, pair)],
                               internal_error(error))


def _all_unverified(facts: HostFacts, areas: Iterable[str], reason: str) -> HostFacts:
    for name in areas:
        facts.set_unverified(name, reason)
    return facts


def collect_pairs(pairs: Iterable[Pair], areas: Mapping[str, object], workdir: Path,
                  max_workers: int = 16) -> dict[tuple[str, str], HostFacts]:
    """Every side of every pair at once; each host is contacted by exactly one worker."""
    jobs = [(pair, role) for pair in pairs for role in ROLES]
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(jobs)))) as pool:
        futures = {
            (pair.name, role): pool.submit(_safe_collect, pair, role, areas, workdir)
            for pair, role in jobs
        }
    return {key: future.result() for key, future in futures.items()}

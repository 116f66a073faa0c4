"""collect_host offline: a fake transport answers the real batched script from recorded outputs.

The recordings are the parsers' own (tests/data/*), so collection must give exactly the facts the
parsers give on them; what fails costs its own area, an unreachable host every area.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_transport import FakeTransport, for_areas, framed, script_recording
from support import DATA, recorded_outputs

from drverify.areas import AREAS
from drverify.errors import FactError, FactsUnavailable
from drverify.facts.batch import Output, build_script, new_boundary, run_batch
from drverify.facts.collect import collect_host
from drverify.facts.gather import Origin, Probe
from drverify.facts.transport import connect
from drverify.inventory import Pair, SshOptions

PAIR = Pair(name="mft", production={"host": "ssh://drverify@mft-prod-01", "sudo": True},
            recovery="ssh://drverify@mft-dr-01")
COMMAND_AREAS = ("disks", "network", "firewall", "users")
REFUSED = "cannot connect: ssh: connect to host mft-dr-01 port 22: Connection refused"


def recordings(users: str = "lab-production", firewall: str = "production.txt") -> dict[str, dict[str, Output]]:
    """One recorded host: each command area's outputs as the parsers' tests read them."""
    return {
        "disks": recorded_outputs(DATA / "disks" / "lab-production"),
        "network": script_recording(DATA / "network" / "production.txt"),
        "firewall": script_recording(DATA / "firewall" / firewall),
        # the users cases recorded before /etc/shadow was read take its output from shadow-production
        "users": {**recorded_outputs(DATA / "users" / "shadow-production"), **recorded_outputs(DATA / "users" / users)},
    }


@dataclass(frozen=True)
class ProbeArea:
    """A probe area of the test's own: it asks the host one command through its vantage."""

    name: str = "kernel"
    origin: Origin | None = Origin.HOST
    gather: Probe = Probe(lambda pair, role, vantage: vantage.run({"uname": "uname -s"})["uname"].stdout.strip())

    def applies(self, pair: Pair) -> bool:
        return True


def collect(fake: FakeTransport, tmp_path: Path, *extra, role: str = "production"):
    return collect_host(PAIR, role, [*(AREAS[name] for name in COMMAND_AREAS), *extra], tmp_path, connect=fake)


def test_collection_gives_the_facts_the_parsers_give_in_one_round_trip(tmp_path):
    recorded = recordings()
    fake = FakeTransport(for_areas(recorded))
    facts = collect(fake, tmp_path)
    for name in COMMAND_AREAS:
        assert facts.data(name) == AREAS[name].gather.parse(recorded[name]), name
    assert facts.round_trips == 1 and len(fake.scripts) == 1
    assert fake.opened == [("ssh://drverify@mft-prod-01", True)] and fake.closed
    assert fake.one_round_trip  # told so: no connection kept for reuse that nothing would reuse


def test_an_area_whose_every_command_fails_costs_that_area_only(tmp_path):
    recorded = recordings(firewall="nobody.txt")
    facts = collect(FakeTransport(for_areas(recorded)), tmp_path)
    with pytest.raises(FactError) as parsed:
        AREAS["firewall"].gather.parse(recorded["firewall"])
    assert facts.areas["firewall"] == {"status": "unverified", "reason": str(parsed.value)}
    assert "you must be root" in str(parsed.value)
    assert [name for name in COMMAND_AREAS if facts.areas[name]["status"] == "ok"] == ["disks", "network", "users"]


def test_a_failing_command_of_several_costs_its_own_part_only(tmp_path):
    facts = collect(FakeTransport(for_areas(recordings(users="group-unreadable"))), tmp_path)
    users = facts.data("users")
    assert users["errors"] == {"groups": "group: exit status 1: cut: /etc/group: Permission denied"}
    assert users["users"] and "groups" not in users


def test_probes_run_after_the_batch_over_the_same_connection(tmp_path):
    fake = FakeTransport({**for_areas(recordings()), "uname": Output(0, "Linux\n", "")})
    facts = collect(fake, tmp_path, ProbeArea())
    assert facts.data("kernel") == "Linux"
    assert facts.vantage("kernel") == ("from production ssh://drverify@mft-prod-01 "
                                       "(probes leave from the host itself)")
    assert facts.round_trips == 2 and not fake.one_round_trip


def test_an_ssh_host_read_in_one_round_trip_gets_no_control_master(tmp_path):
    """Options on ssh's command line win over drverify's own ssh_config (ControlMaster auto)."""
    transport = connect("ssh://drverify@mft-prod-01", SshOptions(), False, tmp_path)
    assert "ControlMaster=no" not in transport.argv()
    transport.expect_one_round_trip()
    argv = transport.argv()
    assert argv[argv.index("ControlMaster=no") - 1] == "-o" and "ControlPath=none" in argv
    assert argv[-2:] == ["--", "mft-prod-01"]


def test_an_unreachable_host_makes_every_area_unverified_with_the_reason(tmp_path):
    fake = FakeTransport({}, unreachable=REFUSED)
    facts = collect(fake, tmp_path, ProbeArea(), role="recovery")
    assert facts.areas == {name: {"status": "unverified", "reason": REFUSED}
                           for name in (*COMMAND_AREAS, "kernel")}
    assert facts.round_trips == 1 and fake.closed  # one attempt; the probe never ran


def test_a_transport_that_cannot_be_opened_makes_every_area_unverified(tmp_path):
    def refuse(spec, options, sudo, workdir):
        raise FactsUnavailable("cannot connect: no such backend here")

    facts = collect_host(PAIR, "production", [AREAS["users"], ProbeArea()], tmp_path, connect=refuse)
    assert {entry["reason"] for entry in facts.areas.values()} == {"cannot connect: no such backend here"}
    assert set(facts.areas) == {"users", "kernel"}


def test_the_fake_frames_exactly_as_the_real_script_does(tmp_path):
    commands = {"two-lines": "printf 'a\\nb'", "fails": "echo oops >&2; exit 3", "empty": "true"}
    script = build_script(commands, new_boundary(), 5)
    local = connect("local://", SshOptions(), False, tmp_path)
    outputs = run_batch(local, commands, 5)
    assert outputs["fails"] == Output(3, "", "oops\n") and outputs["two-lines"].stdout == "a\nb"
    assert local.run(script).stdout == framed(script, outputs)
    assert run_batch(FakeTransport(outputs), commands) == outputs

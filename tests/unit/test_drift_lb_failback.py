"""The load balancer on the way back: would the same balancer send partners to production again?

On HAProxy 2.6's own answers recorded under tests/data/mft (``show servers state`` and ``show
stat``, see record_readiness.py there): ``lb-lab`` has ``mft-prod`` UP and active, ``mft-dr``
in maintenance and a backup; ``lb-drain`` has ``mft-dr`` drained and active; ``lb-stopped``'s
``show stat`` failed. Where the recorded ``mft-dr`` stands for production's member, the inventory
names it so: the balancer knows servers by name, not by site.
"""

from __future__ import annotations

from pathlib import Path

from support import make_pair, recorded_outputs

from drverify.areas import AREAS
from drverify.facts import load_balancer

DATA = Path(__file__).resolve().parents[1] / "data" / "mft"
HOSTS = {"production": "production ssh://prod", "recovery": "recovery ssh://dr"}
LB = {"host": "ssh://root@lb.example.com", "backend": "mft_sftp", "production_member": "mft-prod",
      "recovery_member": "mft-dr"}


def lb_facts(case: str, stat_from: str | None = None) -> dict:
    outputs = recorded_outputs(DATA / case)
    if stat_from is not None:
        outputs["stat"] = recorded_outputs(DATA / stat_from)["stat"]
    return {"source": "ssh://root@lb.example.com /run/haproxy/admin.sock", "backend": "mft_sftp",
            **load_balancer.parse(outputs, "mft_sftp")}


def failback(production: dict, recovery: dict, **members: str):
    return AREAS["load_balancer"].judge(make_pair(load_balancer={**LB, **members}), production, recovery, HOSTS,
                                        "failback")


def found(outcome) -> list[tuple[str, str]]:
    return [(record.item, record.severity.label) for record in outcome.drift]


def test_the_load_balancer_is_checked_both_ways():
    pair = make_pair(load_balancer=LB)
    assert AREAS["load_balancer"].checked(pair, "takeover") and AREAS["load_balancer"].checked(pair, "failback")


def test_production_up_and_active_is_ready_for_the_switch_back():
    """The lab's balancer: recovery's member in maintenance is the takeover's finding, not the way back's."""
    outcome = failback(lb_facts("lb-lab"), lb_facts("lb-lab"))
    assert outcome.drift == () and outcome.unverified == ()


def test_production_s_member_absent_from_the_backend_is_critical():
    outcome = failback(lb_facts("lb-lab"), lb_facts("lb-lab"), production_member="mft-prod-new")
    assert found(outcome) == [("member mft-prod-new", "critical")]
    [record] = outcome.drift
    assert (record.production, record.recovery) == (None, "MAINT (backup)")  # recovery's member beside it
    assert "cannot send partners back to production (members: mft-dr, mft-prod)" in record.message
    assert record.hint.startswith("add production's server mft-prod-new to backend mft_sftp")


def test_production_s_member_in_maintenance_and_a_backup():
    outcome = failback(lb_facts("lb-lab"), lb_facts("lb-lab"), production_member="mft-dr", recovery_member="mft-prod")
    assert found(outcome) == [("member mft-dr", "major"), ("member mft-dr backup", "major")]
    state, backup = outcome.drift
    assert (state.production, state.recovery) == ("MAINT (backup)", "UP (active)")
    assert state.message == ("production's member mft-dr of mft_sftp is in maintenance: the balancer would not send "
                             "it traffic after the switch back (recovery's mft-prod: UP (active))")
    assert "set server mft_sftp/mft-dr state ready" in state.hint
    assert "partners would stay on recovery" in backup.message


def test_production_s_member_drained_and_active_is_judged_on_production_s_read():
    """Production's read says drained; recovery's read (another moment) is only shown."""
    outcome = failback(lb_facts("lb-drain"), lb_facts("lb-lab"), production_member="mft-dr", recovery_member="mft-prod")
    assert found(outcome) == [("member mft-dr", "major")]
    assert "is drained" in outcome.drift[0].message


def test_whether_production_s_member_is_a_backup_is_unverified_without_show_stat():
    outcome = failback(lb_facts("lb-lab", stat_from="lb-stopped"), lb_facts("lb-lab"))
    assert outcome.drift == ()
    [(item, host, reason)] = [(u.item, u.host, u.reason) for u in outcome.unverified]
    assert (item, host) == ("member mft-prod backup", "production ssh://prod") and "Connection refused" in reason


def test_an_unreadable_balancer_on_production_s_side_is_unverified():
    production = {"errors": {"servers": "servers: Connection refused"}}
    outcome = failback(production, lb_facts("lb-lab"))
    assert [(u.item, u.host, u.reason) for u in outcome.unverified] == [
        ("member mft-prod", "production ssh://prod", "servers: Connection refused")]

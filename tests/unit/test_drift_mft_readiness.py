"""Drift of the MFT areas: exact records for each rule, on facts parsed from the recordings under
tests/data/mft (the lab's ProFTPD and HAProxy, crafted trees), changed where a rule needs it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from support import judge, make_pair, recorded_outputs

from drverify.facts import load_balancer, mft_config, mft_software

DATA = Path(__file__).resolve().parents[1] / "data" / "mft"
LAB_MFT = {"product": "proftpd", "config_export": {"production": "/srv/mft/export/proftpd-mft-*.tar.gz"},
           "config_paths": ["/etc/proftpd-mft/proftpd.conf", "/etc/proftpd-mft/conf.d/*.conf"],
           "auth_user_file": "/etc/proftpd-mft/ftpd.passwd", "version": {"package": "proftpd-core"},
           "service": {"unit": "proftpd.service", "policy": "running"}}
LB = {"host": "ssh://root@lb.example.com", "backend": "mft_sftp", "production_member": "mft-prod",
      "recovery_member": "mft-dr"}


def facts(module, case: str) -> dict:
    return module.parse(recorded_outputs(DATA / case))


def lab(module) -> tuple[dict, dict]:
    return facts(module, "lab-production"), facts(module, "lab-recovery")


def found(outcome) -> list[tuple[str, str]]:
    return [(record.item, record.severity.label) for record in outcome.drift]


def unverified(outcome) -> list[tuple[str, str, str]]:
    return [(item.item, item.host, item.reason) for item in outcome.unverified]


def mft_pair(**changes):
    return make_pair(mft={**LAB_MFT, **changes}, translate={"198.51.100.10": "198.51.100.20"})


# --- mft_config --------------------------------------------------------------------------------

def test_the_lab_s_seeded_export_drift():
    production, recovery = lab(mft_config)
    outcome = judge("mft_config", production, recovery, mft_pair())
    assert found(outcome) == [("export age", "critical"), ("user initech", "major")]
    age, user = outcome.drift
    assert "older than the 24 h RPO" in age.message and " h old (taken " in age.message
    assert user.production == {"uid": 3003, "gid": 2001, "home": "/srv/mft/sftp/initech", "shell": "/bin/false"}
    assert outcome.unverified == ()


def test_a_recent_export_that_is_not_production_s_newest():
    production, recovery = lab(mft_config)
    recovery["now"] = recovery["export"]["mtime"] + 3600
    production["export"].update(sha256="f" * 64, mtime=recovery["export"]["mtime"] + 26 * 3600, path="/x/new.tar.gz")
    outcome = judge("mft_config", production, recovery, mft_pair(rpo_hours=48))
    assert found(outcome) == [("export sha256", "major"), ("user initech", "major")]
    assert "production's is 26.0 h newer" in outcome.drift[0].message


def test_no_export_on_recovery_is_critical():
    production, _ = lab(mft_config)
    recovery = facts(mft_config, "config-nomatch")
    outcome = judge("mft_config", production, recovery, mft_pair())
    assert found(outcome) == [("export", "critical")]
    assert "(no directory /srv/none): there is nothing to restore from" in outcome.drift[0].message


def test_an_export_directory_the_account_may_not_read_is_unverified_not_missing():
    production, _ = lab(mft_config)
    recovery = facts(mft_config, "config-nobody")
    outcome = judge("mft_config", production, recovery, mft_pair())
    assert found(outcome) == []
    assert unverified(outcome) == [("export", "recovery", "permission denied on /srv/export: cannot tell whether "
                                    "an export matches /srv/export/mft-*.tar.gz")]


def test_no_export_on_production_leaves_the_checksum_unverified_and_the_rpo_judged():
    production, recovery = lab(mft_config)
    production["export"] = {"glob": "/g", "format": "proftpd", "path": None, "why": "no directory /g"}
    outcome = judge("mft_config", production, recovery, mft_pair())
    assert found(outcome) == [("export age", "critical"), ("user initech", "major")]
    assert unverified(outcome) == [("export sha256", "production",
                                    "no export on production matches /g (no directory /g): nothing to compare recovery's with")]


def test_users_changed_since_the_export_never_show_their_hash():
    production, recovery = lab(mft_config)
    users = production["live"]["users"]
    users["acme"]["hash_sha256"] = "0" * 64
    users["globex"]["uid"] = 4000
    del users["initech"]
    outcome = judge("mft_config", production, recovery, mft_pair(rpo_hours=8000))
    assert found(outcome) == [("user acme password", "major"), ("user globex uid", "major")]
    password = outcome.drift[0]
    assert (password.production, password.recovery) == ("(not shown)", "(not shown)")
    assert "0" * 16 not in password.message and "never shown" in password.message
    assert outcome.drift[1].production == {"uid": 4000} and outcome.drift[1].recovery == {"uid": 3002}


def test_directives_and_sections_missing_changed_or_extra_in_the_export():
    production, recovery = lab(mft_config)
    directives = production["live"]["directives"]
    directives[:] = [d for d in directives if d[0] != "IfModule mod_sftp.c"]  # the section vanishes from production
    production["live"]["sections"] = []
    directives.append(["", "MaxClients", "50"])
    next(d for d in directives if d[1] == "MaxInstances")[2] = "60"
    outcome = judge("mft_config", production, recovery, mft_pair(rpo_hours=8000))
    assert found(outcome) == [("directive MaxClients", "major"), ("directive MaxInstances", "major"),
                              ("section <IfModule mod_sftp.c>", "minor"), ("user initech", "major")]
    assert outcome.drift[1].message == (f"MaxInstances differs: production 60, recovery's newest export "
                                        f"({recovery['export']['path']}) 30")


def test_recovery_s_live_configuration_against_its_export_translated():
    production, recovery = lab(mft_config)
    exported = recovery["export"]["content"]
    exported["directives"].append(["", "DefaultAddress", "198.51.100.10"])
    recovery["live"]["directives"].append(["", "DefaultAddress", "198.51.100.20"])  # production's, translated
    production["live"]["directives"].append(["", "DefaultAddress", "198.51.100.10"])
    del recovery["live"]["users"]["globex"]
    recovery["live"]["users"]["tempuser"] = dict(recovery["live"]["users"]["acme"])
    outcome = judge("mft_config", production, recovery, mft_pair(rpo_hours=8000))
    assert found(outcome) == [("live user globex", "major"), ("live user tempuser", "minor"), ("user initech", "major")]
    assert "recovery runs without the account" in outcome.drift[0].message


def test_unreadable_parts_are_unverified_one_by_one():
    production, recovery = lab(mft_config)
    recovery["export"]["content_error"] = "cannot list the archive: tar: Error is not recoverable"
    del recovery["export"]["content"]
    outcome = judge("mft_config", production, recovery, mft_pair())
    assert found(outcome) == [("export age", "critical")]
    assert [item[:2] for item in unverified(outcome)] == [("export content", "recovery")]

    production, recovery = lab(mft_config)
    del production["live"]
    production["errors"] = {"live": "/etc/proftpd-mft/ftpd.passwd: permission denied"}
    del recovery["live"]
    recovery["errors"] = {"live": "/etc/proftpd-mft/proftpd.conf: permission denied"}
    outcome = judge("mft_config", production, recovery, mft_pair())
    assert found(outcome) == [("export age", "critical")]
    assert unverified(outcome) == [
        ("configuration", "production", "production's live configuration: /etc/proftpd-mft/ftpd.passwd: permission denied"),
        ("live configuration", "recovery", "/etc/proftpd-mft/proftpd.conf: permission denied")]


def test_json_entries_compared_field_by_field_secrets_hidden():
    production = facts(mft_config, "config-json")
    recovery = copy.deepcopy(production)
    entries = recovery["export"]["content"]["entries"]
    entries["acme"]["password"] = {"digest": "sha256:" + "1" * 64}
    entries["globex"]["status"] = 1
    entries["initech"] = {"uid": 3003}
    pair = make_pair(mft={"config_export": {"production": "/srv/export/dump-*.json", "key_path": "users"},
                          "rpo_hours": 8000})
    outcome = judge("mft_config", production, recovery, pair)
    assert found(outcome) == [("entry acme password", "major"), ("entry globex status", "major"),
                              ("entry initech", "minor")]
    assert (outcome.drift[0].production, outcome.drift[0].recovery) == ("(not shown)", "(not shown)")


# --- mft_software ------------------------------------------------------------------------------

def installers(**paths: str) -> list[dict]:
    return [{"path": path, "sha256": sha} for path, sha in paths.items()]


def software_pair(**changes):
    production, _ = lab(mft_software)
    expected = [{"path": path, "sha256": state["sha256"]} for path, state in production["installers"].items()]
    return make_pair(mft={**LAB_MFT, "installers": expected, **changes})


def test_the_lab_s_missing_installer():
    production, recovery = lab(mft_software)
    outcome = judge("mft_software", production, recovery, software_pair())
    assert found(outcome) == [("installer /srv/mft/installers/proftpd-mod-crypto_1.3.8-bundle.tar.gz", "critical")]
    assert outcome.unverified == ()


def test_versions_differ_or_recovery_lacks_the_package():
    production, recovery = lab(mft_software)
    recovery["version"]["value"] = "1.3.7a+dfsg-12"
    outcome = judge("mft_software", production, recovery, software_pair(installers=[]))
    assert found(outcome) == [("version", "critical")]
    assert outcome.drift[0].message.startswith("recovery runs 1.3.7a+dfsg-12, production 1.3.8+dfsg-4+deb12u5")
    recovery["version"] = {"source": "dpkg", "installed": False, "value": None}
    assert found(judge("mft_software", production, recovery, software_pair(installers=[]))) == [("version", "critical")]
    production["version"] = recovery["version"]
    outcome = judge("mft_software", production, recovery, software_pair(installers=[]))
    assert found(outcome) == [] and unverified(outcome)[0][:2] == ("version", "production")


def test_installers_another_file_or_unreadable():
    production, recovery = lab(mft_software)
    crafted = facts(mft_software, "software-nobody")
    recovery["installers"] = crafted["installers"]
    pair = software_pair(installers=installers(**{
        "/srv/installers/one.tar.gz": crafted["installers"]["/srv/installers/one.tar.gz"]["sha256"],
        "/srv/installers/two.tar.gz": "a" * 64, "/srv/installers/private.tar.gz": "b" * 64}))
    outcome = judge("mft_software", production, recovery, pair)
    assert found(outcome) == [("installer /srv/installers/two.tar.gz", "critical")]
    assert unverified(outcome) == [("installer /srv/installers/private.tar.gz", "recovery",
                                    "/srv/installers/private.tar.gz: permission denied")]


@pytest.mark.parametrize(("policy", "state", "expected"), [
    ("running", {"running": False}, [("service proftpd.service running", "critical")]),
    ("running", {"enabled": False}, [("service proftpd.service", "major")]),
    ("installed", {"enabled": False, "running": False}, [("service proftpd.service", "major")]),
    ("cold", {"enabled": False, "running": False}, []),
    ("cold", {"installed": False}, [("service proftpd.service", "critical")]),
])
def test_the_service_unit_by_policy(policy, state, expected):
    production, recovery = lab(mft_software)
    recovery["service"].update(state)
    pair = software_pair(installers=[], service={"unit": "proftpd.service", "policy": policy})
    assert found(judge("mft_software", production, recovery, pair)) == expected


def test_running_unknown_without_systemd_is_unverified_where_the_policy_needs_it():
    production, recovery = lab(mft_software)
    recovery["service"] = facts(mft_software, "software-crafted")["service"] | {"installed": True, "enabled": True}
    outcome = judge("mft_software", production, recovery, software_pair(installers=[]))
    assert found(outcome) == []
    ((item, host, reason),) = unverified(outcome)
    assert (item, host) == ("service proftpd.service running", "recovery")
    assert "systemd does not run this host" in reason


# --- load_balancer -----------------------------------------------------------------------------

def lb_facts(case: str) -> dict:
    return {"source": "ssh://root@lb.example.com /run/haproxy/admin.sock", "backend": "mft_sftp",
            **load_balancer.parse(recorded_outputs(DATA / case), "mft_sftp")}


def test_the_lab_s_recovery_member_in_maintenance():
    production = recovery = lb_facts("lb-lab")
    outcome = judge("load_balancer", production, recovery, make_pair(load_balancer=LB))
    assert found(outcome) == [("member mft-dr", "major")]
    record = outcome.drift[0]
    assert (record.production, record.recovery) == ("UP (active)", "MAINT (backup)")
    assert "is in maintenance" in record.message


def test_a_member_absent_from_the_backend_is_critical():
    outcome = judge("load_balancer", lb_facts("lb-lab"), lb_facts("lb-lab"),
                    make_pair(load_balancer={**LB, "recovery_member": "mft-dr2"}))
    assert found(outcome) == [("member mft-dr2", "critical")]
    assert "members: mft-dr, mft-prod" in outcome.drift[0].message


def test_a_drained_active_member_where_a_backup_is_expected():
    outcome = judge("load_balancer", lb_facts("lb-lab"), lb_facts("lb-drain"), make_pair(load_balancer=LB))
    assert found(outcome) == [("member mft-dr", "major"), ("member mft-dr backup", "major")]
    assert "drained" in outcome.drift[0].message and "takes a share of production's traffic" in outcome.drift[1].message


def test_a_member_found_by_address_and_expected_ready():
    recovery = lb_facts("lb-lab")
    recovery["servers"]["mft-dr"].update(status="UP", backup=True)
    pair = make_pair(load_balancer={**LB, "recovery_member": "198.51.100.20:2122", "expect": "ready"})
    outcome = judge("load_balancer", lb_facts("lb-lab"), recovery, pair)
    assert found(outcome) == [("member 198.51.100.20:2122 backup", "major")]


def test_backup_unknown_when_show_stat_failed():
    recovery = {"source": "x", "backend": "mft_sftp",
                **load_balancer.parse({**recorded_outputs(DATA / "lb-lab"),
                                       "stat": recorded_outputs(DATA / "lb-stopped")["stat"]}, "mft_sftp")}
    outcome = judge("load_balancer", lb_facts("lb-lab"), recovery, make_pair(load_balancer=LB))
    assert found(outcome) == [("member mft-dr", "major")]
    ((item, host, reason),) = unverified(outcome)
    assert item == "member mft-dr backup" and "Connection refused" in reason

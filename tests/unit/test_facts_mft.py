"""The MFT areas' parsers on outputs recorded from real commands (tests/data/mft, see record_readiness.py
there): ProFTPD 1.3.8 trees and exports, JSON/YAML dumps, dpkg-query, HAProxy 2.6's Runtime API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fake_transport import FakeTransport
from support import make_pair, recorded_outputs

from drverify.areas import AREAS
from drverify.errors import FactError
from drverify.facts import load_balancer, mft_config, mft_software
from drverify.facts.batch import Output
from drverify.facts.collect import collect_host
from drverify.facts.vantage import Vantage

DATA = Path(__file__).resolve().parents[1] / "data" / "mft"
RECORDER = (DATA / "record_readiness.py").read_text()
CRAFTED_SECRETS = re.findall(r"crafted-(?:[a-z]+-)?(?:pw|secret|token)-\d", RECORDER)


def recorded(case: str) -> dict[str, Output]:
    return recorded_outputs(DATA / case)


# --- what leaves the host --------------------------------------------------------------------

def test_no_recording_holds_a_password_a_hash_or_a_secret_argument():
    assert len(CRAFTED_SECRETS) >= 5
    texts = {path: path.read_text() for path in DATA.rglob("*") if path.is_file() and path.suffix != ".py" and "sftpgo" not in path.parts}
    for path, text in texts.items():
        assert not any(secret in text for secret in CRAFTED_SECRETS), path
        assert not re.search(r"\$(?:1|2[aby]|5|6|y)\$", text), path  # no crypt hash, only digests of them
        assert "mftuser" not in text  # SQLConnectInfo's arguments travel as a digest


def test_commands_read_exports_and_live_files_on_the_host():
    pair = make_pair(mft={"product": "proftpd", "config_export": {"production": "/srv/export/mft-*.tar.gz"},
                          "config_paths": ["/etc/mft/proftpd.conf"], "auth_user_file": "/etc/mft/ftpd.passwd"},
                     translate={"mft-prod": "mft-dr"})
    found = mft_config.commands(pair, "production")
    assert set(found) == {"export", "live"}
    assert "tar -x${z}Of" in found["export"] and "sha256sum" in found["export"]
    assert 'users <"$auth"' in found["live"]  # the AuthUserFile is read through users() only: digests out


def test_recovery_uses_its_own_glob_or_production_s_translated():
    own = make_pair(mft={"config_export": {"production": "/srv/mft-prod/*.json", "recovery": "/dr/*.json"}},
                    translate={"mft-prod": "mft-dr"})
    translated = make_pair(mft={"config_export": {"production": "/srv/mft-prod/*.json"}}, translate={"mft-prod": "mft-dr"})
    assert "g='/dr/*.json'" in mft_config.commands(own, "recovery")["export"]
    assert "g='/srv/mft-dr/*.json'" in mft_config.commands(translated, "recovery")["export"]
    assert "g='/srv/mft-prod/*.json'" in mft_config.commands(translated, "production")["export"]
    assert "live" not in mft_config.commands(translated, "production")  # a generic JSON export has no live part


# --- mft_config --------------------------------------------------------------------------------

def test_a_proftpd_export_read_on_the_host():
    facts = mft_config.parse(recorded("config-crafted"))
    export = facts["export"]
    assert (export["path"], export["mtime"], export["size"], export["format"]) == (
        "/srv/export/mft-20261130.tar.gz", 1795996800, 808, "proftpd")
    assert re.fullmatch(r"[0-9a-f]{64}", export["sha256"])
    content = export["content"]
    assert content["users"]["acme"] == {"uid": 3001, "gid": 2001, "home": "/srv/mft/sftp/acme", "shell": "/bin/false",
                                        "hash_sha256": content["users"]["acme"]["hash_sha256"]}
    assert sorted(content["users"]) == ["acme", "globex"]  # the comment line is skipped
    assert content["sections"] == ["IfModule mod_sftp.c", "VirtualHost 198.51.100.10",
                                   "VirtualHost 198.51.100.10 > Directory /srv/mft/sftp/*/inbound"]
    directives = {(context, name): args for context, name, args in content["directives"]}
    assert directives[("", "PassivePorts")] == "60000 60100"  # the continuation line joined
    assert directives[("VirtualHost 198.51.100.10 > Directory /srv/mft/sftp/*/inbound", "Umask")] == "007"
    assert directives[("IfModule mod_sftp.c", "SFTPEngine")] == "on"  # CRLF line ends dropped
    assert directives[("", "SQLConnectInfo")].startswith("sha256:")
    assert directives[("VirtualHost 198.51.100.10", "LDAPBindDN")].startswith("sha256:")
    assert facts["now"] > export["mtime"]


def test_the_live_tree_reads_like_the_export_it_was_packed_from():
    facts = mft_config.parse(recorded("config-crafted"))
    live, exported = facts["live"], facts["export"]["content"]
    assert live["files"] == ["/srv/etc/mft/conf.d/sftp.conf", "/srv/etc/mft/ftpd.passwd", "/srv/etc/mft/proftpd.conf"]
    assert {key: live[key] for key in exported} == exported


def test_an_unreadable_export_directory_and_auth_file_as_an_unprivileged_account():
    facts = mft_config.parse(recorded("config-nobody"))
    assert facts["export"] == {"glob": "/srv/export/mft-*.tar.gz", "format": "proftpd", "path": None,
                               "why": "permission denied on /srv/export", "denied": True}
    assert "live" not in facts
    assert facts["errors"] == {"live": "/srv/etc/mft/ftpd.passwd: permission denied"}


def test_nothing_matches_and_a_corrupt_archive():
    nomatch = mft_config.parse(recorded("config-nomatch"))["export"]
    assert (nomatch["why"], nomatch["denied"]) == ("no directory /srv/none", False)
    export = mft_config.parse(recorded("config-corrupt"))["export"]
    assert export["content_error"].startswith("cannot list the archive: tar: ")
    assert "content" not in export


def test_json_and_sftpgo_dumps_keep_secret_fields_as_digests():
    users = mft_config.parse(recorded("config-json"))["export"]["content"]["entries"]
    assert sorted(users) == ["acme", "globex"]
    assert users["acme"]["uid"] == 3001 and users["acme"]["home_dir"] == "/srv/mft/sftp/acme"
    assert set(users["acme"]["password"]) == {"digest"} and set(users["acme"]["public_keys"]) == {"digest"}
    assert users["acme"]["permissions"].startswith("sha256:")  # nested values as a digest
    sftpgo = mft_config.parse(recorded("config-sftpgo"))["export"]["content"]["entries"]
    assert sorted(sftpgo) == ["folders/shared", "groups/partners", "users/acme", "users/globex"]


def test_a_yaml_export_with_a_key_path():
    accounts = mft_config.parse(recorded("config-yaml"))["export"]["content"]["entries"]
    assert accounts["acme"]["uid"] == 3001 and set(accounts["acme"]["token"]) == {"digest"}
    assert accounts["globex"] == {"uid": 3002, "home": "/srv/mft/sftp/globex"}


def test_the_lab_hosts():
    production, recovery = (mft_config.parse(recorded(f"lab-{role}")) for role in ("production", "recovery"))
    assert production["export"]["sha256"] == recovery["export"]["sha256"]  # shipped as is
    assert sorted(production["live"]["users"]) == ["acme", "globex", "initech"]
    assert sorted(recovery["live"]["users"]) == sorted(recovery["export"]["content"]["users"]) == ["acme", "globex"]


def test_output_cut_short_is_a_fact_error():
    outputs = {"export": Output(0, "@@now 1\n@@glob /x\n", "")}
    with pytest.raises(FactError, match="unexpected output from the export script"):
        mft_config.parse(outputs)


# --- mft_software ------------------------------------------------------------------------------

def test_the_lab_software():
    facts = mft_software.parse(recorded("lab-recovery"))
    assert facts["version"] == {"source": "dpkg", "installed": True, "value": "1.3.8+dfsg-4+deb12u5"}
    assert list(facts["installers"].values())[1] == {"missing": True}
    service = facts["service"]
    assert (service["manager"], service["installed"], service["enabled"], service["running"]) == ("none", True, True, True)
    assert "in /run/proftpd-mft/proftpd.pid" in service["evidence"]


def test_a_package_not_installed_an_unknown_unit_and_installers():
    facts = mft_software.parse(recorded("software-crafted"))
    assert facts["version"] == {"source": "dpkg", "installed": False, "value": None}
    assert facts["service"]["installed"] is False and facts["service"]["running"] is None
    assert "systemd does not run this host" in facts["service"]["unknown"]
    installers = facts["installers"]
    assert installers["/srv/installers/three.tar.gz"] == {"missing": True}
    assert re.fullmatch(r"[0-9a-f]{64}", installers["/srv/installers/private.tar.gz"]["sha256"])
    nobody = mft_software.parse(recorded("software-nobody"))["installers"]
    assert nobody["/srv/installers/private.tar.gz"] == {"error": "permission denied"}


def test_a_version_command():
    assert mft_software.parse(recorded("software-command"))["version"] == {
        "source": "command", "installed": True, "value": "ProFTPD Version 1.3.8"}


def test_systemd_s_view_of_a_unit():
    """``systemctl show -p ...`` prints KEY=VALUE lines (systemd.unit(5)); none runs here to record."""
    output = Output(0, "manager=systemd\nLoadState=loaded\nActiveState=inactive\nSubState=dead\n"
                       "UnitFileState=disabled\n", "")
    service = mft_software.service(output)
    assert (service["installed"], service["enabled"], service["running"]) == (True, False, False)


# --- load_balancer -----------------------------------------------------------------------------

def test_the_lab_balancer():
    servers = load_balancer.parse(recorded("lb-lab"), "mft_sftp")["servers"]
    assert servers["mft-dr"] == {"status": "MAINT", "backup": True, "weight": 1, "check": None,
                                 "address": "198.51.100.20:2122", "op_state": 0, "admin_state": 5}
    assert servers["mft-prod"]["status"] == "UP" and servers["mft-prod"]["backup"] is False


def test_a_drained_active_server():
    dr = load_balancer.parse(recorded("lb-drain"), "mft_sftp")["servers"]["mft-dr"]
    assert (dr["status"], dr["backup"], dr["admin_state"]) == ("DRAIN 1/3", False, 8)


def test_one_answer_is_enough_the_other_s_reason_kept():
    outputs = {**recorded("lb-lab"), "stat": recorded("lb-stopped")["stat"]}
    facts = load_balancer.parse(outputs, "mft_sftp")
    assert facts["servers"]["mft-dr"]["status"] == "MAINT" and facts["servers"]["mft-dr"]["backup"] is None
    assert "Connection refused" in facts["errors"]["stat"]


def test_a_stopped_balancer_and_an_unknown_backend_are_fact_errors():
    with pytest.raises(FactError, match="Connection refused"):
        load_balancer.parse(recorded("lb-stopped"), "mft_sftp")
    with pytest.raises(FactError, match="backend nosuch: HAProxy says: Can't find backend."):
        load_balancer.parse(recorded("lb-unknown-backend"), "nosuch")


def test_the_http_stats_page():
    servers = load_balancer.from_stats_csv((DATA / "lb-http" / "stats.csv").read_text(), "mft_sftp")
    assert sorted(servers) == ["mft-dr", "mft-prod"]
    assert servers["mft-dr"]["status"] == "DRAIN 1/3"


LB_PAIR = {"host": "ssh://root@lb.example.com", "backend": "mft_sftp", "sudo": True,
           "production_member": "mft-prod", "recovery_member": "mft-dr"}


def side(role: str, run: Path | None = None) -> Vantage:
    """The side's own host (the probe never uses its connection), in collection run ``run``."""
    return Vantage(FakeTransport({}, unreachable="the side's host is not used"), role, f"ssh://{role}", run)


def test_the_probe_reads_the_balancer_over_its_own_connection(monkeypatch):
    fake = FakeTransport(recorded("lb-lab"))
    monkeypatch.setattr(load_balancer, "connect", fake)
    facts = load_balancer.probe(make_pair(load_balancer=LB_PAIR), "recovery", side("recovery"))
    assert facts["source"] == "ssh://root@lb.example.com /run/haproxy/admin.sock"
    assert fake.opened == [("ssh://root@lb.example.com", True)] and fake.closed
    assert "show servers state mft_sftp" in fake.scripts[0] and "socat" in fake.scripts[0]


def test_one_read_per_run_shared_by_every_side_and_pair(monkeypatch, tmp_path):
    fake = FakeTransport(recorded("lb-lab"))
    monkeypatch.setattr(load_balancer, "connect", fake)
    pairs = [make_pair(name, load_balancer=LB_PAIR) for name in ("eu", "us")]
    found = [load_balancer.probe(pair, role, side(role, tmp_path / "run1")) for pair in pairs
             for role in ("production", "recovery")]
    assert len(fake.opened) == 1 and all(facts == found[0] for facts in found)
    found[0]["servers"].clear()  # each side holds its own copy
    assert load_balancer.probe(pairs[0], "recovery", side("recovery", tmp_path / "run1"))["servers"]
    load_balancer.probe(pairs[0], "recovery", side("recovery", tmp_path / "run2"))
    assert len(fake.opened) == 2  # another run reads again


def test_an_unreachable_balancer_names_it(monkeypatch, tmp_path):
    fake = FakeTransport({}, unreachable="cannot connect: refused")
    monkeypatch.setattr(load_balancer, "connect", fake)
    pair = make_pair(load_balancer=LB_PAIR)
    for role in ("production", "recovery"):  # the failure is shared too: one attempt per run
        with pytest.raises(FactError, match=r"^balancer ssh://root@lb.example.com: cannot connect: refused$"):
            load_balancer.probe(pair, role, side(role, tmp_path))
    assert len(fake.opened) == 1


def test_collection_hands_probes_the_run_so_both_sides_share_one_read(monkeypatch, tmp_path):
    balancer = FakeTransport(recorded("lb-lab"))
    monkeypatch.setattr(load_balancer, "connect", balancer)
    pair = make_pair(load_balancer=LB_PAIR)
    sides = [collect_host(pair, role, [AREAS["load_balancer"]], tmp_path, connect=FakeTransport({}))
             for role in ("production", "recovery")]
    assert [facts.data("load_balancer")["servers"]["mft-dr"]["status"] for facts in sides] == ["MAINT", "MAINT"]
    assert len(balancer.opened) == 1

"""The inventory loader: valid files load with defaults merged; every mistake is one clear line."""

from pathlib import Path

import pytest

from drverify.errors import InventoryError
from drverify.inventory import HostSpec, load_inventory, ssh_options
from drverify.inventory.connection import Destination, parse_connection_string

VALID = """\
version: 1
defaults:
  ssh: {known_hosts: known_hosts, connect_timeout: 7}
  service_accounts: [mftsvc]
  policies: {disks: {headroom_percent: 20}}
pairs:
  - name: mft-eu
    production: ssh://root@198.51.100.10
    recovery:
      host: paramiko://root@198.51.100.20
      sudo: true
      ssh: {identity_file: keys/dr}
    translate: {198.51.100.10: 198.51.100.20, mft-prod: mft-dr}
    policies: {disks: {default: equal, mounts: {/srv/mft: at_least}}}
  - name: mft-us
    production: {snapshot: snapshots/mft-us.production.json}
    recovery: ssh://203.0.113.20
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(text)
    return path


def test_valid_inventory_merges_defaults_under_each_pair(tmp_path):
    inventory = load_inventory(write(tmp_path, VALID))
    eu, us = inventory.pairs
    assert [eu.name, us.name] == ["mft-eu", "mft-us"]
    assert eu.policies.disks.default == "equal"
    assert eu.policies.disks.headroom_percent == 20  # from defaults
    assert eu.policies.disks.mounts == {"/srv/mft": "at_least"}
    assert us.policies.disks.default == "at_least_used"  # the built-in default
    assert eu.service_accounts == ["mftsvc"] == us.service_accounts
    assert eu.translate == {"198.51.100.10": "198.51.100.20", "mft-prod": "mft-dr"}


def test_paths_are_relative_to_the_inventory_file(tmp_path):
    eu, us = load_inventory(write(tmp_path, VALID)).pairs
    options = ssh_options(eu, eu.recovery)
    assert options.identity_file == tmp_path / "keys/dr"
    assert options.known_hosts == tmp_path / "known_hosts"  # pair level (defaults) kept
    assert options.connect_timeout == 7
    assert options.strict_host_key_checking == "yes"  # host-key checking on by default
    assert us.production.snapshot == tmp_path / "snapshots/mft-us.production.json"
    assert us.production.label.startswith("snapshot:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pairs: [{name: a, production: ssh://x}]", "pairs[0](a).recovery: required key is missing"),
        ("pairs: [{name: a, production: ftp://x, recovery: ssh://y}]",
         "pairs[0](a).production: expected a pytest-testinfra connection string"),
        ("pairs: [{name: a, production: {host: ftp://x}, recovery: ssh://y}]",
         "pairs[0](a).production.host: expected a pytest-testinfra connection string"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y, polices: {}}]",
         "pairs[0](a).polices: unknown key (expected one of: ssh, sudo, translate, service_accounts,"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y, policies: {disk: {}}}]",
         "pairs[0](a).policies.disk: unknown key (expected one of: disks, sizing, network, firewall, users)"),
        ("pairs: [{name: a, production: {host: ssh://x, ssh: {knownhosts: f}}, recovery: ssh://y}]",
         "pairs[0](a).production.ssh.knownhosts: unknown key (expected one of: config, identity_file,"
         " known_hosts, strict_host_key_checking, connect_timeout)"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y},"
         " {name: a, production: ssh://x, recovery: ssh://y}]",
         "pairs: pair names must be unique: 'a' appears twice"),
        ("pairs: [{name: a, production: {host: ssh://x, snapshot: f.json}, recovery: ssh://y}]",
         "pairs[0](a).production: expected exactly one of 'host'"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y,"
         " policies: {disks: {default: bigger}}}]",
         "pairs[0](a).policies.disks.default: input should be 'equal', 'at_least' or 'at_least_used'"
         " (got 'bigger')"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y,"
         " ssh: {strict_host_key_checking: 'no'}}]",
         "pairs[0](a).ssh.strict_host_key_checking: input should be 'yes' or 'accept-new'"),
        ("defaults: {policies: {disks: {headroom_percent: lots}}}\n"
         "pairs: [{name: a, production: ssh://x, recovery: ssh://y}]",
         "defaults.policies.disks.headroom_percent: input should be a valid number"),
        ("pairs: [{name: a", ":1:17: not valid YAML: expected ',' or '}'"),
        ("- just\n- a list\n", "expected a mapping with a 'pairs' list"),
        ("pairs: []", "pairs: list should have at least 1 item"),
    ],
)
def test_mistakes_give_one_line_naming_file_key_and_expectation(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InventoryError, match="cannot read the inventory: No such file"):
        load_inventory(tmp_path / "nope.yaml")


def test_the_bundled_example_loads():
    inventory = load_inventory(Path(__file__).parents[2] / "inventories/example.yaml")
    assert inventory.pairs


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("production: ssh://root:hunter2@198.51.100.10", "a password in a URL or connection string"),
        ("network: {egress: {proxy: 'http://u:hunter2@proxy:3128'}}", "a password in a URL"),
        ("network: {ldap: {servers: ['ldaps://cn:hunter2@ldap:636']}}", "a password in a URL"),
        ("network: {ldap: {password: hunter2}}", "(value hidden)"),
    ],
)
def test_secrets_are_refused_and_never_echoed(tmp_path, fragment, expected):
    base = {"production": "ssh://root@198.51.100.10", "recovery": "ssh://root@198.51.100.20"}
    lines = [f"    {key}: {value}" for key, value in base.items() if key not in fragment.split(":")[0]]
    text = "pairs:\n  - name: a\n" + "\n".join(lines) + f"\n    {fragment}\n"
    with pytest.raises(InventoryError) as caught:
        load_inventory(write(tmp_path, text))
    assert expected in str(caught.value) and "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("198.51.100.0/24", "203.0.113.5", "expected both sides to be networks"),
        ("198.51.100.0/24", "203.0.113.0/25", "expected the same prefix length"),
        ("198.51.100.10", "mft-dr", "expected both sides to be addresses"),
        ("198.51.100.10", "2001:db8::10", "expected the same IP version"),
    ],
)
def test_translations_that_cannot_work_are_refused(tmp_path, source, target, expected):
    text = ("pairs:\n  - name: a\n    production: ssh://x\n    recovery: ssh://y\n"
            f"    translate: {{'{source}': '{target}'}}\n")
    with pytest.raises(InventoryError, match=expected):
        load_inventory(write(tmp_path, text))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("ssh://h?ssh_config=/etc/other", "production: '?ssh_config=' is not read from connection strings:"
                                          " use the inventory's `ssh: {config: PATH}` instead"),
        ("ssh://h?sudo=true", "production: '?sudo=' is not read from connection strings: use the"
                              " inventory's `sudo: true` instead"),
        ("paramiko://h?timeout=5", "use the inventory's `ssh: {connect_timeout: SECONDS}` instead"),
        ("ssh://h?ssh_identity_file=~/.ssh/k", "use the inventory's `ssh: {identity_file: PATH}` instead"),
        ("docker://web?sudo=true", "use the inventory's `sudo: true` instead"),
        ("ssh://h?Compression=yes", "'?Compression=' is not an option drverify reads: ssh:// takes no"
                                    " query parameters"),
        ("kubectl://pod?sudo_user=app", "`sudo: true` (commands run as root through `sudo -n`)"),
        ("ssh://-oProxyCommand=x", "production: a host may not start with '-'"),
        ("ssh://-lroot@h", "production: a user may not start with '-'"),
        ("'ssh://root@mft prod'", "production: a host may not hold whitespace or control characters"),
        ('"ssh://ro\\tot@h"', "production: a user may not hold whitespace or control characters"),
        ('"ssh://h\\x07"', "production: a host may not hold whitespace or control characters"),
        ("ssh://h:70000", "expected a port from 1 to 65535 after the host (got '70000')"),
        ("ssh://2001:db8::1", "expected an IPv6 address in brackets"),
        ("ssh://h/srv", "expected ssh://[user@]host[:port] with nothing after the host"),
        ("local://elsewhere", "local:// means this machine"),
        ("{host: 'ssh://h?sudo=true', sudo: true}", "production.host: '?sudo=' is not read"),
    ],
)
def test_connection_strings_carry_only_what_drverify_validates(tmp_path, host, expected):
    text = f"pairs:\n  - name: a\n    production: {host}\n    recovery: ssh://y\n"
    with pytest.raises(InventoryError) as caught:
        load_inventory(write(tmp_path, text))
    message = str(caught.value)
    assert expected in message
    assert "pairs[0](a).production" in message and "\n" not in message


@pytest.mark.parametrize(
    ("host", "scheme", "user", "address", "port"),
    [
        ("ssh://root@198.51.100.10", "ssh", "root", "198.51.100.10", None),
        ("paramiko://drverify@mft-dr-01.example.com:2222", "paramiko", "drverify", "mft-dr-01.example.com", 2222),
        ("ssh://[2001:db8::10]:22", "ssh", None, "2001:db8::10", 22),
        ("local://", "local", None, "", None),
        ("kubectl://mft-0?namespace=mft&container=sftp", "kubectl", None, "mft-0", None),
        ("ansible://mft-prod?ansible_inventory=hosts.ini", "ansible", None, "mft-prod", None),
    ],
)
def test_connection_strings_drverify_reads(host, scheme, user, address, port):
    spec = HostSpec.model_validate(host)
    assert spec.host == host
    assert parse_connection_string(host) == Destination(host, scheme, address, user, port)

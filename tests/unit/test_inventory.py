"""The inventory loader: valid files load with defaults merged; every mistake is one clear line."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from drverify.errors import InventoryError
from drverify.inventory import HostSpec, load_inventory, shown, ssh_options, yamlsafe
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
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y,"
         " policies: {users: {compare_passwords: sometimes}}}]",
         "pairs[0](a).policies.users.compare_passwords: input should be a valid boolean"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y,"
         " policies: {users: {compare_password: false}}}]",
         "pairs[0](a).policies.users.compare_password: unknown key (expected one of: ignore_users, ignore_groups,"
         " compare_passwords)"),
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
        ("'ssh://h;touch${IFS}x'", "production: a host may not hold characters a shell would read ($;{})"),
        ("'ssh://`id`@h'", "production: a user may not hold characters a shell would read (`)"),
        ("ssh://h%7Cid", "production: a host may not hold characters a shell would read (|)"),
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


# --- hostile and broken files (issue 8): one line naming the file, the key, what was expected ---

PAIR = "pairs:\n  - name: a\n    production: ssh://x\n    recovery: ssh://y\n"
BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
                  for previous, name in zip("abcde", "bcdef"))
        + "pairs: [*f]\n")


def refused(path: Path) -> str:
    """The one-line message loading ``path`` gives (it must be one line)."""
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    message = str(caught.value)
    assert "\n" not in message and message.isprintable(), message
    return message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("pairs:\n  - name: café\n".encode("latin-1"), ":2:14: expected UTF-8 text (got byte 0xe9, as in Latin-1"),
        (PAIR.encode("utf-16"), ": expected UTF-8 text (got UTF-16 with a byte-order mark): save the file as UTF-8"),
        (PAIR.encode("utf-16-le"), ": expected UTF-8 text (got UTF-16 text)"),
        (PAIR.encode("utf-16-be"), ": expected UTF-8 text (got UTF-16 text)"),
        (PAIR.encode("utf-32"), ": expected UTF-8 text (got UTF-32 with a byte-order mark)"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03pairs", ": expected UTF-8 text (got binary data)"),
        (bytes(range(128, 256)), ":1:1: expected UTF-8 text (got byte 0x80"),
        (b"pairs:\n  - name: a\x1b]0;TITLE\x07\n", ":2:12: not valid YAML: unacceptable character #x001b"),
    ],
    ids=["latin-1", "utf-16-bom", "utf-16-le", "utf-16-be", "utf-32-bom", "gzip", "binary", "escape"],
)
def test_text_that_is_not_utf8_yaml_is_refused_with_its_position(tmp_path, data, expected):
    path = tmp_path / "inventory.yaml"
    path.write_bytes(data)
    assert refused(path).startswith(f"{path}{expected}")


def test_utf8_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + PAIR.encode())
    assert load_inventory(path).pairs[0].name == "a"


def test_special_files_are_refused_without_blocking_or_reading_forever(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    large = tmp_path / "large.yaml"
    with large.open("wb") as file:
        file.truncate(5 * 1024 * 1024)  # sparse: no disk used
    cases = {tmp_path: "a directory", fifo: "a FIFO", Path("/dev/zero"): "a character device",
             Path("/dev/null"): "a character device"}
    with ThreadPoolExecutor(1) as pool:  # a FIFO opened for reading would block: never wait forever
        messages = pool.submit(lambda: [refused(path) for path in cases]).result(timeout=30)
    assert messages == [f"{path}: expected an inventory file (got {kind})" for path, kind in cases.items()]
    assert refused(large) == f"{large}: expected an inventory of at most 4 MiB (got a larger file)"


def test_an_inventory_path_under_an_unknown_home_is_one_line():
    assert refused(Path("~nosuchuser/inventory.yaml")) == (
        "~nosuchuser/inventory.yaml: cannot read the inventory: ~nosuchuser names no user of this machine")


@pytest.mark.parametrize(
    ("fragment", "key"),
    [
        ("production: {snapshot: ~nosuchuser/p.json}", "pairs[0](a).production.snapshot"),
        ("ssh: {identity_file: ~nosuchuser/.ssh/id_ed25519}", "pairs[0](a).ssh.identity_file"),
        ("ssh: {config: ~nosuchuser/ssh_config}", "pairs[0](a).ssh.config"),
        ("keys: {tls: {ca_bundle: ~nosuchuser/ca.pem}}", "pairs[0](a).keys.tls.ca_bundle"),
        ("network: {ldap: {password: {file: ~nosuchuser/pw}}}", "pairs[0](a).network.ldap.password.file"),
    ],
)
def test_paths_under_an_unknown_home_name_their_key(tmp_path, fragment, key):
    base = "pairs:\n  - name: a\n    production: ssh://x\n    recovery: ssh://y\n"
    text = base.replace("    production: ssh://x\n", "") if fragment.startswith("production") else base
    path = write(tmp_path, text + f"    {fragment}\n")
    assert refused(path) == (f"{path}: {key}: expected a path, ~/PATH or ~USER/PATH for a user of this "
                             "machine ('~nosuchuser' names no user here)")


def test_paths_with_control_characters_are_refused(tmp_path):
    path = write(tmp_path, PAIR.replace("ssh://x", '{snapshot: "p\\0\\e[2J.json"}'))
    assert refused(path) == (f"{path}: pairs[0](a).production.snapshot: expected a path without control "
                             "characters (got 'p\\x00\\x1b[2J.json')")


LOADERS = [yamlsafe.PythonInventoryLoader] + ([yamlsafe.CInventoryLoader] if yaml.__with_libyaml__ else [])


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, "YAML aliases repeat more than 100000 values (an alias bomb?)"),
        ("a: &a x\nb: [" + ", ".join(["*a"] * 1001) + "]\n", "more than 1000 YAML aliases"),
        ("a: &a [*a]\n", "an alias refers to the mapping or list it is in"),
        ("a: &a {<<: *a}\n", "an alias refers to the mapping or list it is in"),
        ("a: " + "[" * 65 + "]" * 65 + "\n", "mappings and lists nested more than 64 levels deep"),
        ("".join(f"{' ' * level}k{level}:\n" for level in range(70)), "nested more than 64 levels deep"),
        ("a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n", "nested more than 64"),
        ("a: b: c", "mapping values are not allowed here"),
        ("a: !!python/object/apply:os.system ['true']", "could not determine a constructor for the tag"),
        ("a: 2020-13-45", "cannot read this value as a YAML timestamp (month must be in 1..12)"),
        ("a: !!bool maybe", "cannot read this value as a YAML bool"),
        ("a: !!int hunter2", "cannot read this value as a YAML int (invalid literal for int() with base 10)"),
        ("a: 1" + "0" * 5000, "cannot read this value as a YAML int (Exceeds the limit (4300 digits)"),
    ],
    ids=["bomb", "aliases", "recursive", "recursive-merge", "flow-depth", "block-depth", "alias-depth",
         "syntax", "python-tag", "timestamp", "bool", "int", "digits"],
)
def test_yaml_constructs_an_inventory_never_needs_are_refused(loader, text, expected):
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yamlsafe.load(text, loader)
    assert expected in caught.value.problem and "hunter2" not in caught.value.problem


def test_nesting_far_past_the_limit_is_refused_without_recursion_error(tmp_path):
    path = write(tmp_path, "pairs: " + "[" * 20000 + "]" * 20000 + "\n")
    assert refused(path) == f"{path}:1:71: mappings and lists nested more than 64 levels deep: expected an inventory"


def test_an_alias_bomb_is_refused_in_one_short_line(tmp_path):
    path = write(tmp_path, BOMB)
    assert len(BOMB) < 600
    assert refused(path) == (f"{path}:6:8: YAML aliases repeat more than 100000 values (an alias bomb?): "
                             "expected an anchor used a few times")


def test_anchors_aliases_and_merges_within_limits_load(tmp_path):
    text = ("pairs:\n"
            "  - &eu {name: eu, production: ssh://x, recovery: ssh://y, ssh: &ssh {known_hosts: kh}}\n"
            "  - {<<: *eu, name: us, recovery: ssh://z}\n"  # merged keys are overridden, not duplicates
            "  - {name: asia, production: ssh://p, recovery: ssh://q, ssh: *ssh}\n")
    eu, us, asia = load_inventory(write(tmp_path, text)).pairs
    assert (us.name, us.production.host, us.recovery.host) == ("us", "ssh://x", "ssh://z")
    assert eu.ssh == us.ssh == asia.ssh and asia.ssh.known_hosts == tmp_path / "kh"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PAIR + "pairs: [{name: b, production: ssh://x, recovery: ssh://y}]\n",
         "pairs: key given twice (lines 1 and 5)"),
        (PAIR + "    production: ssh://z\n", "pairs[0](a).production: key given twice (lines 3 and 5)"),
        (PAIR + "    translate:\n      mft-prod: mft-dr\n      mft-prod: mft-dr2\n",
         "pairs[0](a).translate.mft-prod: key given twice (lines 6 and 7)"),
        ("pairs: [{name: a, production: ssh://x, recovery: ssh://y, sudo: true, sudo: false}]\n",
         "pairs[0](a).sudo: key given twice (line 1, columns 59 and 71)"),
        (PAIR + "    policies: {disks: {mounts: {1: equal, 1.0: at_least}}}\n",
         "pairs[0](a).policies.disks.mounts.1.0: key given twice (line 5, columns 33 and 43)"),
    ],
    ids=["whole-pair-list", "pair-key", "translate", "flow", "equal-numbers"],
)
def test_duplicate_keys_are_refused_naming_both_lines(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert refused(path) == f"{path}: {expected}: expected each key once (YAML would silently keep only the last)"


@pytest.mark.parametrize(
    ("translate", "shown"),
    [("{'': mft-dr}", "'' -> 'mft-dr'"), ("{'  ': mft-dr}", "'  ' -> 'mft-dr'"),
     ("{mft-prod: ''}", "'mft-prod' -> ''"), ("{' mft-prod': mft-dr}", "' mft-prod' -> 'mft-dr'"),
     ('{"mft\\nprod": mft-dr}', "'mft\\nprod' -> 'mft-dr'")],
)
def test_empty_or_blank_translations_are_refused(tmp_path, translate, shown):
    path = write(tmp_path, PAIR + f"    translate: {translate}\n")
    assert refused(path) == (f"{path}: pairs[0](a).translate: {shown}: expected an address, network or name "
                             "on both sides, without surrounding spaces or control characters (an empty name "
                             "would match at every word boundary)")


@pytest.mark.parametrize(
    "fragment",
    [
        "network: {ldap: {bind_dn: {pass: hunter2}}}",
        "network: {ldap: {password: {env: LDAP_PW, hunter2: x}}}",
        "network: {ldap: {password: {file: [hunter2]}}}",
        "network: {egress: {credentials: hunter2}}",
        "keys: {certificates: {pkcs12_password: [hunter2]}}",
        "keys: {certificates: {keys: '-----BEGIN OPENSSH PRIVATE KEY----- hunter2'}}",
        "ssh: {identity_file: {key: hunter2}}",
        "ssh: {connect_timeout: {token: hunter2}}",
    ],
)
def test_values_that_could_be_secrets_are_never_echoed(tmp_path, fragment):
    message = refused(write(tmp_path, PAIR + f"    {fragment}\n"))
    assert "hunter2" not in message and message.startswith(f"{tmp_path}/inventory.yaml: pairs[0](a).")
    assert "(value hidden)" in message or "(got a mapping)" in message or "unknown key" in message


def test_echoed_values_are_cut_and_escaped(tmp_path):
    long = "x" * 5000
    message = refused(write(tmp_path, PAIR + f"    sudo: {long}\n"))
    assert message.endswith(f"(got '{'x' * 118}…)") and len(message) < 300
    message = refused(write(tmp_path, PAIR.replace("name: a", 'name: "a\\e]0;TITLE\\a\\e[2J"')))
    assert "(got 'a\\x1b]0;TITLE\\x07\\x1b[2J')" in message and "pairs[0](a\\x1b]0;TITLE\\x07\\x1b[2J).name" in message
    message = refused(write(tmp_path, PAIR + f"    {'k' * 1000}: 1\n"))  # YAML's longest plain key
    assert f"pairs[0](a).{'k' * 59}…: unknown key" in message and len(message) < 400


@pytest.mark.parametrize(
    ("key", "secret"),
    [("password", True), ("pkcs12_password", True), ("credentials", True), ("token", True),
     ("api_key", True), ("key", True), ("private_key_file", True), ("pass", True),
     ("ssh_key", True), ("keys", False), ("ssh_hostkeys", False), ("known_hosts", False), ("key_path", False),
     ("strict_host_key_checking", False), ("bind_dn", False), ("name", False)],
)
def test_secret_key_names(key, secret):
    assert shown.secret_key(key) is secret

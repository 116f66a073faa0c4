"""Hostile inventories, each through a real pytest run of the checks (issue 8).

Every case is an inventory a careless or hostile author could hand to ``./run.sh check``: text
that is not UTF-8, files that are not files, YAML bombs and tags, duplicate keys, commands hidden
in connection strings, secrets typed where a name was expected. The documented outcome is the
same for all: pytest's usage error (exit status 4) with exactly one line ``ERROR: FILE: KEY: ...``
(or ``FILE:LINE:COLUMN: ...`` where YAML itself is at fault) on stderr, under 400 characters, no
traceback, no secret echoed, a drift.json that says why and holds no results, and no command run:
no marker file from any injection attempt appears.

Inventories that are valid but hostile (markup and shell syntax in translation targets, DNS names
and endpoint hosts, which the schema allows) run to the end, and the HTML report shows them as text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECRET = "hunter2"
PAIR = "pairs:\n  - name: a\n    production: ssh://root@198.51.100.10\n    recovery: ssh://root@203.0.113.10\n"
BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
                  for previous, name in zip("abcde", "bcdef"))
        + "pairs: [*f]\n")
#: an ssh_config a connection string could point ssh at: it would run a command and trust any key
HOSTILE_SSH_CONFIG = "Host *\n  ProxyCommand touch @MARKER@\n  StrictHostKeyChecking no\n"


def pair(*lines: str, production: str = "ssh://root@198.51.100.10") -> str:
    """One pair named ``a`` with the given extra lines (YAML, indented under the pair)."""
    return ("pairs:\n  - name: a\n" + f"    production: {production}\n" * bool(production)
            + "    recovery: ssh://root@203.0.113.10\n" + "".join(f"    {line}\n" for line in lines))


def special(kind: str) -> Callable[[Path], Path]:
    """A path that is not an inventory file: made in the run's directory, or a device."""
    def make(directory: Path) -> Path:
        if kind == "fifo":
            os.mkfifo(directory / "inventory.yaml")
        elif kind == "directory":
            (directory / "inventory.yaml").mkdir()
        elif kind == "loop":
            (directory / "inventory.yaml").symlink_to(directory / "inventory.yaml")
        elif kind == "large":
            with (directory / "inventory.yaml").open("wb") as file:
                file.write(PAIR.encode())
                file.truncate(5 * 1024 * 1024)
        else:
            return Path(kind)
        return directory / "inventory.yaml"
    return make


class Case(NamedTuple):
    id: str
    #: the inventory's text or bytes (``@MARKER@``/``@DIR@`` filled in), or what makes its path
    source: str | bytes | Callable[[Path], Path]
    #: what the one error line says right after ``ERROR: FILE`` (from ``:``), or somewhere in it
    expected: str


CASES = [
    # -- not a UTF-8 text file
    Case("latin-1", pair("translate: {mft-prod: mft-récup}").encode("latin-1"),
         ":5:32: expected UTF-8 text (got byte 0xe9, as in Latin-1 or binary data): save the file as UTF-8"),
    Case("windows-1252", PAIR.replace("name: a", "name: \u201ca\u201d").encode("cp1252"), ":2:11: expected UTF-8 text (got byte 0x93"),
    Case("utf-16-bom", PAIR.encode("utf-16"), ": expected UTF-8 text (got UTF-16 with a byte-order mark)"),
    Case("utf-16-le", PAIR.encode("utf-16-le"), ": expected UTF-8 text (got UTF-16 text)"),
    Case("utf-16-be", PAIR.encode("utf-16-be"), ": expected UTF-8 text (got UTF-16 text)"),
    Case("utf-32-bom", PAIR.encode("utf-32"), ": expected UTF-8 text (got UTF-32 with a byte-order mark)"),
    Case("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)), ": expected UTF-8 text (got binary data)"),
    Case("binary-no-nul", bytes(range(0x80, 0x100)) * 4, ":1:1: expected UTF-8 text (got byte 0x80"),
    Case("elf", b"\x7fELF\x02\x01\x01\x00" + bytes(64), ": expected UTF-8 text (got binary data)"),
    Case("lone-surrogate", PAIR.encode() + b"    translate: {a: \xed\xa0\x80}\n", ":5:20: expected UTF-8 text (got byte 0xed"),
    # -- not a regular file, or not there
    Case("directory", special("directory"), ": expected an inventory file (got a directory)"),
    Case("fifo", special("fifo"), ": expected an inventory file (got a FIFO)"),
    Case("dev-zero", special("/dev/zero"), ": expected an inventory file (got a character device)"),
    Case("dev-urandom", special("/dev/urandom"), ": expected an inventory file (got a character device)"),
    Case("symlink-loop", special("loop"), ": cannot read the inventory: Too many levels of symbolic links"),
    Case("too-large", special("large"), ": expected an inventory of at most 4 MiB (got a larger file)"),
    Case("unknown-home", special("~nosuchuser/inventory.yaml"),
         ": cannot read the inventory: ~nosuchuser names no user of this machine"),
    Case("missing", special("/nonexistent/inventory.yaml"), ": cannot read the inventory: No such file or directory"),
    Case("empty", "", ": expected a mapping with a 'pairs' list at the top level"),
    Case("top-level-list", "- ssh://x\n- ssh://y\n", ": expected a mapping with a 'pairs' list at the top level"),
    Case("pairs-a-command", "pairs: $(touch @MARKER@)\n", ": pairs: expected a list of pairs"),
    # -- YAML an inventory never needs
    Case("alias-bomb", BOMB, ":6:8: YAML aliases repeat more than 100000 values (an alias bomb?)"),
    Case("many-aliases", "x: &x a\npairs: [" + ", ".join(["*x"] * 1001) + "]\n", ":2:4009: more than 1000 YAML aliases"),
    Case("alias-expands-list", "x: &x [" + ", ".join(["a"] * 500) + "]\npairs: [*x, *x]\n",
         ": pairs[0]: input should be a valid dictionary or instance of Pair (got a list) (and 2 more problems)"),
    Case("recursive-alias", "pairs: &p [*p]\n", ":1:12: an alias refers to the mapping or list it is in"),
    Case("recursive-merge", "defaults: &d {<<: *d}\n" + PAIR, ":1:19: an alias refers to the mapping or list it is in"),
    Case("undefined-alias", "pairs: [*nope]\n", ":1:9: not valid YAML: found undefined alias 'nope'"),
    Case("nested-20000", "pairs: " + "[" * 20000 + "]" * 20000 + "\n", ":1:71: mappings and lists nested more than 64 levels deep"),
    Case("nested-mappings", "pairs: " + "{a: " * 300 + "b" + "}" * 300 + "\n", ":1:"),
    Case("nested-block", "pairs:\n" + "".join(f"{' ' * (level + 1)}k{level}:\n" for level in range(80)),
         ":64:64: mappings and lists nested more than 64 levels deep"),
    Case("duplicate-pairs", PAIR + "pairs: [{name: b, production: ssh://x, recovery: ssh://y}]\n",
         ": pairs: key given twice (lines 1 and 5): expected each key once (YAML would silently keep only the last)"),
    Case("duplicate-host", PAIR + "    recovery: ssh://root@192.0.2.66\n", ": pairs[0](a).recovery: key given twice (lines 4 and 5)"),
    Case("duplicate-translate", pair("translate: {mft-prod: mft-dr, mft-prod: evil}"),
         ": pairs[0](a).translate.mft-prod: key given twice (line 5, columns 17 and 35)"),
    Case("duplicate-in-defaults", "defaults:\n  sudo: true\n  sudo: false\n" + PAIR, ": defaults.sudo: key given twice (lines 2 and 3)"),
    Case("duplicate-bool-keys", pair("policies: {disks: {mounts: {yes: equal, true: at_least}}}"),
         ": pairs[0](a).policies.disks.mounts.true: key given twice"),
    Case("python-apply", "pairs: !!python/object/apply:os.system ['touch @MARKER@']\n",
         ":1:8: not valid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    Case("python-new", "pairs: !!python/object/new:subprocess.Popen [[touch, '@MARKER@']]\n",
         ":1:8: not valid YAML: could not determine a constructor for the tag"),
    Case("python-name", pair("sudo: !!python/name:os.system"), ":5:11: not valid YAML: could not determine a constructor"),
    Case("custom-tag", pair("translate: !Ref mapping"), ":5:16: not valid YAML: could not determine a constructor for the tag '!Ref'"),
    Case("two-documents", PAIR + "---\n" + PAIR, ":5:1: not valid YAML: expected a single document in the stream, but found another document"),
    Case("bad-timestamp", pair("sudo: 2020-13-45"), ":5:11: not valid YAML: cannot read this value as a YAML timestamp (month must be in 1..12)"),
    Case("huge-integer", pair("ssh: {connect_timeout: 1" + "0" * 5000 + "}"), ":5:28: not valid YAML: cannot read this value as a YAML int (Exceeds the limit (4300 digits)"),
    Case("bool-tag", pair("sudo: !!bool maybe"), ":5:11: not valid YAML: cannot read this value as a YAML bool"),
    Case("tab-indent", PAIR + "\ttranslate: {}\n", ":5:1: not valid YAML: found character '\\t' that cannot start any token"),
    Case("unclosed-flow", "pairs: [{name: a", ":1:17: not valid YAML: expected ',' or '}'"),
    Case("terminal-escape-raw", b"pairs:\n  - name: a\x1b]0;TITLE\x07\x1b[2J\n", ":2:12: not valid YAML: unacceptable character #x001b"),
    # -- commands hidden in connection strings
    Case("command-substitution", pair(production="'$(touch @MARKER@)'"),
         ": pairs[0](a).production: expected a pytest-testinfra connection string such as ssh://user@host"),
    Case("semicolon", pair(production="'ssh://h;touch${IFS}@MARKERNAME@'"),
         ": pairs[0](a).production: a host may not hold characters a shell would read ($;{})"),
    Case("semicolon-space", pair(production="'ssh://h; touch @MARKERNAME@'"),
         ": pairs[0](a).production: a host may not hold whitespace or control characters"),
    Case("backquotes", pair(production="'ssh://`touch${IFS}@MARKERNAME@`'"),
         ": pairs[0](a).production: a host may not hold characters a shell would read ($`{})"),
    Case("pipe", pair(production="'paramiko://h|touch${IFS}@MARKERNAME@'"), "a host may not hold characters a shell would read"),
    Case("encoded-semicolon", pair(production="'ssh://h%3Btouch%20@MARKERNAME@'"),
         ": pairs[0](a).production: a host may not hold whitespace or control characters"),
    Case("proxycommand-host", pair(production="'ssh://-oProxyCommand=touch${IFS}@MARKERNAME@'"),
         ": pairs[0](a).production: a host may not start with '-' (it would read as a command-line option)"),
    Case("proxycommand-user", pair(production="'ssh://-oProxyCommand=touch@h'"), ": pairs[0](a).production: a user may not start with '-'"),
    Case("proxycommand-encoded", pair(production="'ssh://%2DoProxyCommand=x@h'"), ": pairs[0](a).production: a user may not start with '-'"),
    Case("ssh-config-query", pair(production="'ssh://root@h?ssh_config=@DIR@/hostile_ssh_config'"),
         ": pairs[0](a).production: '?ssh_config=' is not read from connection strings: use the inventory's `ssh: {config: PATH}` instead"),
    Case("identity-query", pair(production="'ssh://root@h?ssh_identity_file=/root/.ssh/id_rsa'"), "use the inventory's `ssh: {identity_file: PATH}`"),
    Case("sudo-query", pair(production="'paramiko://root@h?sudo=true&sudo_user=root'"), "'?sudo=' is not read from connection strings"),
    Case("unknown-query", pair(production="'ssh://h?StrictHostKeyChecking=no'"), "'?StrictHostKeyChecking=' is not an option drverify reads"),
    Case("newline-host", pair(production='"ssh://h\\ntouch @MARKERNAME@"'), "a host may not hold whitespace or control characters"),
    Case("local-with-command", pair(production="'local://;touch${IFS}@MARKERNAME@'"), "a host may not hold characters a shell would read ($;{})"),
    Case("port-with-command", pair(production="'ssh://h:22;touch'"), "expected a port from 1 to 65535 after the host (got '22;touch')"),
    Case("path-after-host", pair(production="'ssh://h/$(touch @MARKER@)'"), "with nothing after the host"),
    Case("host-keys-unchecked", pair("ssh: {strict_host_key_checking: 'no'}"),
         ": pairs[0](a).ssh.strict_host_key_checking: input should be 'yes' or 'accept-new' (got 'no')"),
    Case("timeout-word", pair("ssh: {config: @DIR@/hostile_ssh_config, connect_timeout: forever}"),
         ": pairs[0](a).ssh.connect_timeout: input should be a valid integer"),
    # -- secrets typed where they do not belong
    Case("password-in-url", pair(production=f"ssh://root:{SECRET}@198.51.100.10"), "a password in a URL or connection string"),
    Case("password-in-proxy", pair(f"network: {{egress: {{proxy: 'http://u:{SECRET}@proxy:3128'}}}}"), "a password in a URL"),
    Case("password-in-ldap-url", pair(f"network: {{ldap: {{servers: ['ldaps://cn=admin:{SECRET}@ldap:636']}}}}"), "a password in a URL"),
    Case("password-as-text", pair(f"network: {{ldap: {{password: {SECRET}}}}}"), ": pairs[0](a).network.ldap.password: input should be a valid dictionary"),
    Case("password-mapping-key", pair(f"network: {{ldap: {{password: {{env: LDAP_PW, {SECRET}: x}}}}}}"),
         ": pairs[0](a).network.ldap.password: unknown key (expected one of: env, file)"),
    Case("dn-as-mapping", pair(f"network: {{ldap: {{bind_dn: {{pass: {SECRET}}}}}}}"),
         ": pairs[0](a).network.ldap.bind_dn: input should be a valid string (got a mapping)"),
    Case("dn-as-list", pair(f"network: {{ldap: {{bind_dn: [{SECRET}]}}}}"), ": pairs[0](a).network.ldap.bind_dn: input should be a valid string (got a list)"),
    Case("credentials-as-text", pair(f"network: {{egress: {{credentials: 'proxy:{SECRET}'}}}}"), "(value hidden)"),
    Case("pkcs12-password", pair(f"keys: {{certificates: {{pkcs12_password: [{SECRET}]}}}}"), "(value hidden)"),
    Case("key-material", pair(f"keys: {{certificates: {{keys: '-----BEGIN OPENSSH PRIVATE KEY----- {SECRET}'}}}}"),
         ": pairs[0](a).keys.certificates.keys: input should be a valid list (value hidden)"),
    Case("identity-as-mapping", pair(f"ssh: {{identity_file: {{passphrase: {SECRET}}}}}"), "(got a mapping)"),
    Case("secret-under-unknown-key", pair(f"api_token: {SECRET}"), ": pairs[0](a).api_token: unknown key"),
    # -- names, translations and paths
    Case("xss-pair-name", PAIR.replace("name: a", "name: '<script>alert(1)</script>'"),
         ": pairs[0](<script>alert(1)</script>).name: string should match pattern"),
    Case("escape-pair-name", PAIR.replace("name: a", 'name: "a\\e]0;TITLE\\a\\e[2J"'),
         ": pairs[0](a\\x1b]0;TITLE\\x07\\x1b[2J).name: string should match pattern '^[A-Za-z0-9][A-Za-z0-9_.@-]*$' (got 'a\\x1b]0;TITLE\\x07\\x1b[2J')"),
    Case("long-pair-name", PAIR.replace("name: a", "name: '" + "<" * 10000 + "'"), "…)"),
    Case("duplicate-pair-names", PAIR + PAIR.replace("pairs:\n", ""), ": pairs: pair names must be unique: 'a' appears twice"),
    Case("translate-empty-key", pair("translate: {'': mft-dr}"), ": pairs[0](a).translate: '' -> 'mft-dr': expected an address, network or name"),
    Case("translate-blank-key", pair("translate: {' ': mft-dr}"), ": pairs[0](a).translate: ' ' -> 'mft-dr'"),
    Case("translate-empty-value", pair("translate: {mft-prod: ''}"), ": pairs[0](a).translate: 'mft-prod' -> ''"),
    Case("translate-newline", pair('translate: {mft-prod: "mft-dr\\n\\e[2J"}'), "'mft-prod' -> 'mft-dr\\n\\x1b[2J'"),
    Case("translate-long-mismatch", pair("translate: {198.51.100.10: '" + "x" * 10000 + "'}"), "…: expected both sides to be addresses"),
    Case("translate-as-list", pair("translate: [mft-prod, mft-dr]"), ": pairs[0](a).translate: input should be a valid dictionary (got a list)"),
    Case("snapshot-unknown-home", pair("production: {snapshot: ~nosuchuser/p.json}", production=""),
         ": pairs[0](a).production.snapshot: expected a path, ~/PATH or ~USER/PATH for a user of this machine ('~nosuchuser' names no user here)"),
    Case("identity-unknown-home", pair("ssh: {identity_file: '~nosuchuser/.ssh/id_ed25519'}"), ": pairs[0](a).ssh.identity_file: expected a path"),
    Case("known-hosts-unknown-home", "defaults: {ssh: {known_hosts: ~nosuchuser/known_hosts}}\n" + PAIR,
         ": defaults.ssh.known_hosts: expected a path, ~/PATH or ~USER/PATH"),
    Case("ca-unknown-home", pair("keys: {tls: {ca_bundle: ~nosuchuser/ca.pem}}"), ": pairs[0](a).keys.tls.ca_bundle: expected a path"),
    Case("password-file-unknown-home", pair("network: {ldap: {password: {file: ~nosuchuser/pw}}}"),
         ": pairs[0](a).network.ldap.password.file: expected a path"),
    Case("snapshot-nul", pair('production: {snapshot: "p\\0.json"}', production=""),
         ": pairs[0](a).production.snapshot: expected a path without control characters (got 'p\\x00.json')"),
    Case("unknown-escape-key", pair('"x\\e[2J": 1'), ": pairs[0](a).x\\x1b[2J: unknown key"),
    Case("unknown-long-key", pair("k" * 1000 + ": 1"), "…: unknown key"),
    Case("huge-value", pair("sudo: '" + "x" * 1_000_000 + "'"), "…)"),
    Case("version-2", "version: 2\n" + PAIR, ": version: input should be 1 (got 2)"),
    Case("sudo-command", pair("sudo: 'yes; touch @MARKER@'"), ": pairs[0](a).sudo: input should be a valid boolean"),
    Case("infinite-timeout", pair("ssh: {connect_timeout: .inf}"), ": pairs[0](a).ssh.connect_timeout: input should be a finite number"),
]


@pytest.fixture
def checks(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester directory holding a copy of checks/ and a conftest that loads the plugin."""
    (pytester.path / "checks").mkdir()
    for source in (REPO / "checks").glob("test_*.py"):
        (pytester.path / "checks" / source.name).write_text(source.read_text())
    pytester.makeconftest('pytest_plugins = ["drverify.plugin"]')
    pytester.makeini("[pytest]\n")
    return pytester


def fill(source: str | bytes, directory: Path, marker: Path) -> bytes:
    """The payload with its marker path (``@MARKER@``, or ``@MARKERNAME@`` relative to the run's
    directory, where pytester runs) and the run's directory (``@DIR@``) filled in."""
    data = source.encode() if isinstance(source, str) else source
    for token, value in ((b"@MARKERNAME@", marker.name), (b"@MARKER@", str(marker)), (b"@DIR@", str(directory))):
        data = data.replace(token, value.encode())
    return data


def hostile_inventory(checks: pytest.Pytester, case: Case, marker: Path) -> Path:
    """The case's inventory in the run's directory (beside an ssh_config that would run a command)."""
    (checks.path / "hostile_ssh_config").write_bytes(fill(HOSTILE_SSH_CONFIG, checks.path, marker))
    if callable(case.source):
        return case.source(checks.path)
    inventory = checks.path / "inventory.yaml"
    inventory.write_bytes(fill(case.source, checks.path, marker))
    return inventory


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_inventory_is_one_line_and_exit_status_4(checks, case):
    marker = checks.path / f"drv-pwned-{case.id}"
    inventory = hostile_inventory(checks, case, marker)
    (checks.path / "drift.json").write_text(LAST_NIGHT)
    result = checks.runpytest("checks", f"--inventory={inventory}", f"--drift-json={checks.path / 'drift.json'}")
    assert_refused(result, checks.path, inventory, case, marker)


@pytest.mark.parametrize("case", [case for case in CASES if case.id in ("fifo", "alias-bomb")],
                         ids=lambda case: case.id)
def test_under_xdist_the_controller_refuses_it_the_same_way(checks, case):
    """With ``-n``, the controller loads the inventory before any worker starts."""
    marker = checks.path / f"drv-pwned-{case.id}"
    inventory = hostile_inventory(checks, case, marker)
    result = checks.runpytest_subprocess("checks", f"--inventory={inventory}",
                                         f"--drift-json={checks.path / 'drift.json'}", "-n", "2", timeout=120)
    assert_refused(result, checks.path, inventory, case, marker, report=False)


def test_under_xdist_a_refused_inventory_leaves_the_last_report_as_it_was(checks):
    """A run that checked nothing never replaces the evidence of the last one that did."""
    (checks.path / "drift.json").write_text(LAST_NIGHT)
    inventory = checks.path / "inventory.yaml"
    inventory.write_text(PAIR + "    recovery: ssh://root@192.0.2.66\n")
    result = checks.runpytest_subprocess("checks", f"--inventory={inventory}",
                                         f"--drift-json={checks.path / 'drift.json'}", "-n", "2", timeout=120)
    assert result.ret == pytest.ExitCode.USAGE_ERROR and "key given twice" in result.stderr.str()
    assert (checks.path / "drift.json").read_text() == LAST_NIGHT


#: the drift.json of the last run that checked something: a refused inventory must leave it alone
LAST_NIGHT = '{"verdict": "drift", "checked": true, "note": "last night\'s evidence"}\n'


def assert_refused(result: pytest.RunResult, directory: Path, inventory: Path, case: Case, marker: Path,
                   report: bool = True) -> None:
    """Exit status 4, one short printable ``ERROR:`` line naming the file (and the key), no
    traceback, no secret, the last run's drift.json left as it was (``report``), and no command run."""
    output = result.stdout.str() + result.stderr.str()
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert result.ret == pytest.ExitCode.USAGE_ERROR, output[-3000:]
    assert len(errors) == 1, errors
    [line] = errors
    assert re.match(rf"ERROR: {re.escape(str(inventory))}(:\d+:\d+)?: \S", line), line
    if case.expected.startswith(":"):
        assert line.startswith(f"ERROR: {inventory}{case.expected}"), line
    else:
        assert case.expected in line, line
    assert len(line) < 400 and line.isprintable(), line
    assert "Traceback" not in output and SECRET not in output
    assert not marker.exists()
    if report:
        assert (directory / "drift.json").read_text() == LAST_NIGHT


def test_the_corpus_covers_each_kind_of_hostile_inventory():
    assert len(CASES) >= 70 and len({case.id for case in CASES}) == len(CASES)



#: markup that would change the page's title if it ever ran
MARKUP = "<img src=x onerror=\"document.title='pwned'\">"
VALID_BUT_HOSTILE = """\
pairs:
  - name: markup
    production: local://
    recovery: local://
    translate: {localhost: "@MARKUP@"}
    network:
      connect_timeout: 1
      endpoints:
        - {name: substitution, host: "$(touch @MARKER@)", port: 9}
        - {name: backquotes, host: "`touch @MARKER@`", port: 9}
        - {name: markup, host: "<script>document.title='pwned'</script>", port: 9}
      dns:
        resolver_names: [localhost, "<svg onload=alert(1)>.invalid"]
        timeout: 1
"""


def test_a_valid_but_hostile_inventory_runs_and_its_markup_stays_text(checks, tmp_path):
    """Endpoint hosts, DNS names and translation targets are free text the schema allows: the
    run goes to the end, runs none of it, and the report shows it as text."""
    marker = checks.path / "drv-pwned-valid"
    inventory = checks.path / "inventory.yaml"
    inventory.write_bytes(fill(VALID_BUT_HOSTILE.replace("@MARKUP@", MARKUP.replace('"', '\\"')), checks.path, marker))
    page = checks.path / "report.html"
    result = checks.runpytest("checks", f"--inventory={inventory}", f"--drift-json={checks.path / 'drift.json'}",
                              f"--html={page}", "--self-contained-html", "-k", "reachability or dns")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED), output[-3000:]
    assert "Traceback" not in output and "INTERNALERROR" not in output
    report = (checks.path / "drift.json").read_text()
    assert "<script>document.title" in json.loads(report)["unverified"][-1]["reason"]  # the payloads got there
    assert "<img src=x onerror=" in report  # localhost's translation: the name recovery must resolve
    assert not marker.exists()
    text = page.read_text()
    assert "<script>document.title" not in text and "<img src=x onerror" not in text and "<svg onload" not in text
    if CHROMIUM is not None:
        dom = dump_dom(page, tmp_path / "profile")
        assert "<title>pwned</title>" not in dom and "&lt;script&gt;document.title" in dom
        assert "<script>document.title" not in dom and "<img src=x" not in dom and "<svg onload" not in dom


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM after the page's scripts ran in headless Chromium, without network access."""
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout

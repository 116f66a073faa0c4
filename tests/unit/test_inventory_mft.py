"""The MFT and load balancer inventory keys: what the areas need, with the usual one-line errors."""

from __future__ import annotations

import pytest

from drverify.errors import InventoryError
from drverify.inventory import load_inventory

PAIR = "pairs: [{name: a, production: ssh://x, recovery: ssh://y, %s}]"


def load(tmp_path, fragment: str):
    path = tmp_path / "inventory.yaml"
    path.write_text(PAIR % fragment)
    return load_inventory(path)


def test_the_lab_s_keys_load(tmp_path):
    pair = load(tmp_path, "mft: {product: proftpd, config_export: {production: /e/*.tar.gz}, "
                          "version: {package: proftpd-core}, service: {unit: proftpd.service, policy: running}, "
                          "installers: [{path: /i/a.tgz, sha256: " + "a" * 64 + "}]}, "
                          "load_balancer: {host: ssh://root@lb, backend: b, production_member: p, "
                          "recovery_member: r, sudo: true}").pairs[0]
    assert pair.mft.config_export.recovery is None and pair.mft.rpo_hours == 24
    assert pair.load_balancer.sudo and pair.load_balancer.socket == "/run/haproxy/admin.sock"


@pytest.mark.parametrize(("fragment", "expected"), [
    ("load_balancer: {host: 'ssh://-oProxyCommand=x', backend: b, production_member: p, recovery_member: r}",
     "pairs[0](a).load_balancer.host: "),
    ("load_balancer: {host: 'ssh://u:pw@lb', backend: b, production_member: p, recovery_member: r}",
     "pairs[0](a).load_balancer.host: a password in a URL"),
    ("load_balancer: {url: 'http://u:pw@lb/stats;csv', backend: b, production_member: p, recovery_member: r}",
     "pairs[0](a).load_balancer.url: a password in a URL"),
    ("load_balancer: {backend: b, production_member: p, recovery_member: r}",
     "pairs[0](a).load_balancer: expected exactly one of 'host'"),
    ("mft: {version: {package: p, command: c}}", "pairs[0](a).mft.version: expected exactly one of 'package'"),
    ("mft: {installers: [{path: /a, sha256: abc}]}", "pairs[0](a).mft.installers[0].sha256: "),
    ("mft: {service: {unit: u, policy: warm}}", "pairs[0](a).mft.service.policy: input should be"),
])
def test_mistakes_are_one_line_naming_the_key(tmp_path, fragment, expected):
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, fragment)
    assert expected in str(caught.value) and "\n" not in str(caught.value)
    assert "pw" not in str(caught.value).split(":", 1)[1].replace("password", "")

"""Re-record the dns/ldap/egress/reachability parser test data against the lab (as root, repository root).

    python -m drverify.lab up && PYTHONPATH=. python tests/data/netchecks/record.py

Runs on the lab's real hosts and servers, as the areas do: the resolver commands and the
reachability checks through the real batch script inside each host (``nsenter`` into its
namespaces), DNS answers from the lab's BIND with dnspython (stored as ``Message.to_text()``),
and an LDAPS search of the lab's slapd with ldap3 (stored as JSON, raw values as text; the bind
password is read from the lab's secret file and never stored). Outputs go to ``<case>.json``.
"""

from __future__ import annotations

import json
import shlex
import ssl
from pathlib import Path

import dns.message
import dns.query
import ldap3

from drverify.facts import dns as dns_facts
from drverify.facts.batch import build_script, new_boundary, split_output
from drverify.facts.vantage import tcp_check_command
from drverify.lab.default import default_lab

HERE = Path(__file__).resolve().parent
LAB = default_lab()


def batch(host: str, commands: dict[str, str]) -> dict[str, dict]:
    boundary = new_boundary()
    result = LAB.exec(host, ["sh", "-c", build_script(commands, boundary)])
    return {name: vars(output) for name, output in split_output(result.stdout, boundary).items()}


def record_resolver() -> None:
    names = ["ldap.example.com", "nosuchname.example.com"]
    for host in ("production", "recovery"):
        outputs = batch(host, dns_facts.resolver_commands(names))
        (HERE / f"resolver-{host}.json").write_text(json.dumps(outputs, indent=1) + "\n")


def record_reachability() -> None:
    commands = {"open": tcp_check_command("198.51.100.9", 443), "refused": tcp_check_command("198.51.100.8", 22),
                "ldaps": tcp_check_command("ldap.example.com", 636),
                "noname": tcp_check_command("nosuchname.example.com", 22),
                "timeout": "timeout 1 sh -c " + shlex.quote(tcp_check_command("198.51.100.77", 22))}
    (HERE / "reach-recovery.json").write_text(json.dumps(batch("recovery", commands), indent=1) + "\n")


def record_dns() -> None:
    for name in ("sftp.mft-dr.example.com", "site-a.mft-prod.example.com", "nosuchname.example.com"):
        texts = [dns.query.tcp(dns.message.make_query(name, rdtype), "198.51.100.2", timeout=3).to_text()
                 for rdtype in ("A", "AAAA")]
        (HERE / f"answer-{name.split('.')[0]}.json").write_text(json.dumps(texts, indent=1) + "\n")


def record_ldap() -> None:
    password = (LAB.state_dir / "secrets" / "ldap-bind.password").read_text()
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(LAB.state_dir / "ldap-ca.pem"),
                    valid_names=["ldap.example.com"])
    server = ldap3.Server("198.51.100.3", port=636, use_ssl=True, tls=tls, get_info=ldap3.NONE)
    with ldap3.Connection(server, "cn=mftbind,ou=services,dc=example,dc=com", password, auto_bind=True) as conn:
        conn.search("ou=groups,dc=example,dc=com", "(objectClass=*)", attributes=["cn", "gidNumber", "memberUid"])
        response = [{"type": item["type"], "dn": item["dn"],
                     "raw_attributes": {k: [v.decode() for v in vs] for k, vs in item["raw_attributes"].items()}}
                    for item in conn.response]
    (HERE / "ldap-search.json").write_text(json.dumps(response, indent=1) + "\n")


if __name__ == "__main__":
    record_resolver()
    record_reachability()
    record_dns()
    record_ldap()

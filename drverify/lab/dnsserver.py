"""The lab's DNS: BIND, authoritative for example.com, with per-record TTLs (LAB-NOTES pitfall 9).

Production's names and their recovery twins (the pair translates ``mft-prod`` to ``mft-dr``):

- ``sftp.mft-prod`` CNAME ``mft-prod`` A 198.51.100.10, TTL 300 everywhere;
  ``sftp.mft-dr`` CNAME ``mft-dr`` A 198.51.100.20 -- seeded: ``mft-dr`` has a TTL of a day;
- MFT sites ``site-a``/``site-b``: production's have addresses of their own (.12, .10);
  seeded: recovery's both resolve to 198.51.100.20;
- the names the MFT host depends on: ldap, proxy-prod/proxy-dr, partner-sftp, partner-https.

named runs in the foreground (``-g``) as root inside the services namespace, answering on
198.51.100.2 only, with no control channel; SIGHUP reloads the zone in ~0.1 s.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import dns.message
import dns.query

from drverify.lab.errors import LabError
from drverify.lab.files import FileSpec

if TYPE_CHECKING:
    from subprocess import Popen

    from drverify.lab.handle import LabHandle

DNS_ADDRESS = "198.51.100.2"
ZONE = "example.com"
RUN_DIR = "/run/named"

ZONE_TEXT = f"""\
$TTL 300
@               SOA   ns.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 300
@               NS    ns.{ZONE}.
ns              A     {DNS_ADDRESS}
ldap            A     198.51.100.3
proxy-prod      A     198.51.100.4
proxy-dr        A     198.51.100.5
partner-sftp    A     198.51.100.8
partner-https   A     198.51.100.9
sftp.mft-prod   CNAME mft-prod
mft-prod        A     198.51.100.10
sftp.mft-dr     CNAME mft-dr
mft-dr    86400 A     198.51.100.20
site-a.mft-prod A     198.51.100.12
site-b.mft-prod A     198.51.100.10
site-a.mft-dr   A     198.51.100.20
site-b.mft-dr   A     198.51.100.20
"""

ARGV = ("named", "-g", "-n", "1", "-c", f"{RUN_DIR}/named.conf")
NAMED_CONF = f"""\
options {{
    directory "{RUN_DIR}";
    pid-file "{RUN_DIR}/named.pid";
    session-keyfile "{RUN_DIR}/session.key";
    managed-keys-directory "{RUN_DIR}";
    listen-on {{ {DNS_ADDRESS}; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
}};
controls {{ }};
zone "{ZONE}" {{ type primary; file "{RUN_DIR}/{ZONE}.zone"; }};
"""


def start(lab: LabHandle, node: str) -> Popen[bytes]:
    """Place named.conf and the zone in the node's private /run, start named in the foreground."""
    lab.put_files(node, [
        FileSpec.dir(RUN_DIR, 0o755),
        FileSpec.text(f"{RUN_DIR}/named.conf", NAMED_CONF),
        FileSpec.text(f"{RUN_DIR}/{ZONE}.zone", ZONE_TEXT),
    ])
    return lab.spawn(node, ARGV, "named.log")


def wait_until_answering(deadline: float) -> None:
    """Poll the zone's SOA over TCP until named answers, or LabError at ``deadline``."""
    query = dns.message.make_query(ZONE, "SOA")
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            response = dns.query.tcp(query, DNS_ADDRESS, timeout=0.5)
            if response.answer:
                return
            last = f"rcode {response.rcode()}"
        except (OSError, EOFError, dns.exception.DNSException) as error:
            last = str(error) or type(error).__name__
        time.sleep(0.02)
    raise LabError(f"named on {DNS_ADDRESS} did not answer for {ZONE}: {last}")

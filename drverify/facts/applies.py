"""Whether a pair's inventory asks for an area: questions about the inventory only.

Kept apart from the facts modules so that deciding which checks exist (pytest asks it of every
area while collecting, ``-k firewall`` included) imports no area's library: a facts module is
imported when its area is gathered (:mod:`drverify.deferred`), never to answer this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drverify.inventory.model import Pair


def dns(pair: Pair) -> bool:
    return bool(pair.network.dns)


def ldap(pair: Pair) -> bool:
    return bool(pair.network.ldap and pair.network.ldap.servers)


def egress(pair: Pair) -> bool:
    egress = pair.network.egress
    return bool(egress and egress.proxy and egress.echo_url)


def reachability(pair: Pair) -> bool:
    return bool(pair.network.endpoints)


def certificates(pair: Pair) -> bool:
    return bool(pair.keys.certificates and pair.keys.certificates.paths)


def tls(pair: Pair) -> bool:
    return bool(pair.keys.tls and pair.keys.tls.ports)


def ssh_hostkeys(pair: Pair) -> bool:
    return bool(pair.keys.ssh_hostkeys and pair.keys.ssh_hostkeys.ports)


def pgp(pair: Pair) -> bool:
    return bool(pair.keys.pgp and pair.keys.pgp.accounts)


def mft_config(pair: Pair) -> bool:
    return pair.mft is not None and pair.mft.config_export is not None


def mft_software(pair: Pair) -> bool:
    mft = pair.mft
    return mft is not None and (mft.version is not None or bool(mft.installers) or mft.service is not None)


def load_balancer(pair: Pair) -> bool:
    return pair.load_balancer is not None


def active_transfers(pair: Pair) -> bool:
    """A pair with an MFT service whose adapter has what it reads."""
    mft = pair.mft
    if mft is None:
        return False
    if mft.product == "proftpd":
        return mft.scoreboard is not None
    if mft.product == "sftpgo":
        return mft.sftpgo is not None and mft.sftpgo.api_url is not None
    return True


def pending_files(pair: Pair) -> bool:
    return pair.mft is not None and bool(pair.mft.transfer_log or pair.mft.inbound_paths)


def transfer_ledger(pair: Pair) -> bool:
    return pair.mft is not None and pair.mft.transfer_log is not None

"""Firewalls: each host's own iptables ruleset, and the one rule the lab needs in the root namespace.

Host rulesets are loaded with `iptables-restore` inside the host's network namespace, so they
are the host's own (and what `iptables-save` there shows). The root-namespace rule exists
because with br_netfilter loaded, frames bridged between lab hosts traverse the root FORWARD
chain (LAB-NOTES pitfall 16): a machine whose FORWARD policy is DROP (Docker sets that) would
silently cut host-to-host traffic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drverify.lab.errors import LabError
from drverify.lab.netns import run

RULE_COMMENT = "drverify-lab"
BRIDGE_NF_SYSCTL = Path("/proc/sys/net/bridge/bridge-nf-call-iptables")


@dataclass(frozen=True)
class FilterRuleset:
    """An IPv4 filter table: chain policies, INPUT and OUTPUT rules (iptables syntax without `-A CHAIN`)."""

    input_rules: tuple[str, ...]
    output_rules: tuple[str, ...] = ()
    input_policy: str = "DROP"
    forward_policy: str = "ACCEPT"
    output_policy: str = "ACCEPT"


def restore_text(ruleset: FilterRuleset) -> str:
    """The ruleset in `iptables-restore` format (replaces the whole filter table)."""
    lines = [
        "*filter",
        f":INPUT {ruleset.input_policy} [0:0]",
        f":FORWARD {ruleset.forward_policy} [0:0]",
        f":OUTPUT {ruleset.output_policy} [0:0]",
        *(f"-A INPUT {rule}" for rule in ruleset.input_rules),
        *(f"-A OUTPUT {rule}" for rule in ruleset.output_rules),
        "COMMIT",
    ]
    return "\n".join(lines) + "\n"


def _bridge_rule(bridge: str) -> list[str]:
    """The FORWARD rule (without the chain name) accepting traffic bridged within one lab bridge."""
    return ["-i", bridge, "-o", bridge, "-m", "comment", "--comment", RULE_COMMENT, "-j", "ACCEPT"]


def bridged_traffic_filtered() -> bool:
    """True when bridged IPv4 frames go through iptables (br_netfilter loaded and enabled)."""
    try:
        return BRIDGE_NF_SYSCTL.read_text().strip() == "1"
    except OSError:
        return False


def allow_bridges(bridges: Sequence[str]) -> None:
    """Insert the root FORWARD accept rule for each lab bridge, once, if bridged traffic is filtered."""
    if not bridged_traffic_filtered():
        return
    for bridge in bridges:
        if not forward_rule_present(bridge):
            run(["iptables", "-w", "-I", "FORWARD", "1", *_bridge_rule(bridge)])


def forward_rule_present(bridge: str) -> bool:
    """True if the root FORWARD chain holds the lab's accept rule for this bridge."""
    return _iptables(["-C", "FORWARD", *_bridge_rule(bridge)]) == 0


def remove_bridge_rules(bridges: Sequence[str]) -> None:
    """Delete every copy of the lab's FORWARD rules; a no-op when there are none (or no iptables)."""
    for bridge in bridges:
        for _ in range(16):  # bounded: a rule that cannot be deleted must not loop forever
            if _iptables(["-D", "FORWARD", *_bridge_rule(bridge)]) != 0:
                break


def _iptables(args: list[str]) -> int:
    """Exit status of a root-namespace iptables call; 127 when iptables cannot run at all."""
    try:
        return run(["iptables", "-w", *args], check=False).returncode
    except LabError:
        return 127

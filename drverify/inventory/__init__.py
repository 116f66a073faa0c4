"""Inventory: which hosts to compare, what differs by design, and the policies that judge drift."""

from drverify.inventory.loader import load_inventory, ssh_options
from drverify.inventory.model import HostSpec, Inventory, Pair, Policies, SshOptions

__all__ = ["HostSpec", "Inventory", "Pair", "Policies", "SshOptions", "load_inventory", "ssh_options"]

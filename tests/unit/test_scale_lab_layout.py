"""The scale lab's layout, without building it: distinct names and addresses for every pair, all
inside the lab's documentation range, and an inventory that translates each pair onto itself."""

from __future__ import annotations

import pytest

from drverify.lab.scale import MAX_PAIRS, inventory_pairs, scale_hosts


def test_every_host_has_its_own_names_and_addresses_inside_the_lab_range():
    hosts = scale_hosts(MAX_PAIRS)
    for spec in hosts:
        spec.node.validate()
    addresses = [a for spec in hosts for link in spec.node.links for a in link.addresses]
    assert len(hosts) == 2 * MAX_PAIRS
    assert len(set(addresses)) == len(addresses) == 3 * MAX_PAIRS
    assert len({spec.node.netns for spec in hosts}) == len({spec.node.hostname for spec in hosts}) == len(hosts)


def test_the_inventory_translates_each_pair_s_own_addresses_and_names():
    second = inventory_pairs(2)[1]
    assert (second["name"], second["production"], second["recovery"]) == (
        "scale-002", "ssh://root@198.51.100.11", "ssh://root@198.51.100.131")
    assert second["translate"] == {"198.51.100.11": "198.51.100.131", "198.51.100.71": "198.51.100.191",
                                   "mft-prod-002": "mft-dr-002"}


@pytest.mark.parametrize("pairs", [0, MAX_PAIRS + 1])
def test_a_size_out_of_range_is_refused(pairs):
    with pytest.raises(ValueError, match=f"between 1 and {MAX_PAIRS}"):
        scale_hosts(pairs)

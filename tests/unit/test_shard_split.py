"""``--shard K/N``: which pairs a shard checks, and what is refused."""

from __future__ import annotations

import pytest

from drverify.shard import Shard, parse


def test_pairs_are_dealt_round_robin_over_their_sorted_names():
    names = ["mft-c", "mft-a", "mft-e", "mft-b", "mft-d"]
    shards = [Shard(index, 2).names(names) for index in (1, 2)]
    assert shards == [{"mft-a", "mft-c", "mft-e"}, {"mft-b", "mft-d"}]


@pytest.mark.parametrize("count", [1, 2, 3, 7, 11])
def test_the_shards_of_a_split_are_disjoint_cover_every_pair_and_differ_by_one_at_most(count):
    names = [f"mft-{number:03d}" for number in range(23)]
    shards = [Shard(index, count).names(reversed(names)) for index in range(1, count + 1)]
    assert set().union(*shards) == set(names)
    assert sum(len(shard) for shard in shards) == len(names)
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


@pytest.mark.parametrize(("text", "shard"), [("1/1", Shard(1, 1)), ("2/3", Shard(2, 3)), (" 10/10 ", Shard(10, 10))])
def test_k_of_n_is_read(text, shard):
    assert parse(text) == shard and str(shard) == text.strip()


@pytest.mark.parametrize(("text", "expected"), [
    ("0/2", "1 <= K <= N"), ("3/2", "1 <= K <= N"), ("1/0", "1 <= K <= N"),
    ("2", "expected K/N"), ("1/2/3", "expected K/N"), ("a/b", "expected K/N"), ("-1/2", "expected K/N"),
    ("1234567/1234567", "expected K/N"),
])
def test_anything_else_is_refused_saying_what_was_expected(text, expected):
    with pytest.raises(ValueError, match=expected):
        parse(text)

"""Under pytest-xdist, every check of one pair runs on one worker, so each host is contacted once.

A worker collects a host's facts once and keeps them for all the checks it runs; xdist's default
``load`` scheduling spreads one pair's checks over every worker, and each would open its own
connections to the same two hosts. :class:`PairScheduling` is xdist's own scope scheduling with the
pair as the scope: pairs still run in parallel, one worker per pair at a time. Imported only when
xdist asks for a scheduler.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling


def pair_of(nodeid: str) -> str:
    """``checks/test_users.py::test_users[mft-eu]`` -> ``mft-eu`` (pair names hold no brackets);
    any other test is its own scope."""
    if nodeid.endswith("]") and "[" in nodeid:
        return nodeid[nodeid.rindex("[") + 1:-1]
    return nodeid


class PairScheduling(LoadScopeScheduling):
    """xdist's scope scheduling, one scope per pair."""

    def _split_scope(self, nodeid: str) -> str:
        return pair_of(nodeid)

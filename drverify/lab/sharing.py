"""One lab shared by several processes, e.g. pytest-xdist workers, on one machine.

Namespace and bridge names are fixed, so there is only ever one lab per machine. Each xdist
worker has its own "session": without coordination every worker's fixture would run `up`
(which starts with `down`) under the others' feet. `SharedLab` keeps a user count under a file
lock: the first process to join builds the lab, the last to leave tears it down. Tests hold a
shared lock while they use the lab; a test that rebuilds it takes the exclusive lock, so it
waits for running tests and holds the others back until the lab is whole again.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from drverify.lab.lab import Lab


class SharedLab:
    """A lab joined and left by cooperating processes through files in `lock_dir`."""

    def __init__(self, lab: Lab, lock_dir: Path) -> None:
        self.lab = lab
        self.lock_path = lock_dir / "drverify-lab.lock"
        self.users_path = lock_dir / "drverify-lab.users"

    def join(self) -> None:
        """Count this process in; build the lab if it is the first user or the lab is not whole."""
        with self.exclusive():
            users = self._users()
            if users == 0 or not self._complete():
                self.lab.up()
            self._set_users(users + 1)

    def leave(self) -> None:
        """Count this process out; the last one out tears the lab down."""
        with self.exclusive():
            users = max(self._users() - 1, 0)
            if users == 0:
                self.lab.down()
            self._set_users(users)

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold while using the lab: no process may rebuild it meanwhile."""
        with self._flock(fcntl.LOCK_SH):
            yield

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold while building, rebuilding or removing the lab."""
        with self._flock(fcntl.LOCK_EX):
            yield

    @contextmanager
    def _flock(self, operation: int) -> Iterator[None]:
        """A blocking flock on the lock file (released when the file is closed)."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, operation)
            yield
        finally:
            os.close(fd)

    def _users(self) -> int:
        """How many processes currently use the lab (0 if never recorded)."""
        try:
            return int(self.users_path.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _set_users(self, users: int) -> None:
        """Record the user count (only ever called under the exclusive lock)."""
        self.users_path.write_text(str(users))

    def _complete(self) -> bool:
        """True when every node's namespace exists and the inventory was written."""
        namespaces = set(self.lab.status().namespaces)
        nodes = {node.spec.netns for node in self.lab.nodes.values()}
        return nodes <= namespaces and self.lab.inventory_path.exists()

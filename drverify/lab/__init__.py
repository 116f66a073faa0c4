"""A disposable lab of real hosts (Linux namespaces) for drverify's own tests.

`Lab(state_dir).up()` builds a production host (mft-prod, 198.51.100.10) and its recovery twin
(mft-dr, 198.51.100.20), each a network namespace with its own mount and UTS namespaces and
its own sshd, seeded with known drift; `down()` removes every trace. Needs root on Linux.
"""

from drverify.lab.errors import LabError
from drverify.lab.files import FileSpec
from drverify.lab.hosts import PRODUCTION, RECOVERY, HostSeed, HostSpec, Tmpfs
from drverify.lab.lab import DEFAULT_STATE_DIR, Lab, Provisioner
from drverify.lab.netns import Result
from drverify.lab.nodes import BridgeSpec, Link, Node, NodeSpec
from drverify.lab.teardown import LabStatus

__all__ = [
    "DEFAULT_STATE_DIR",
    "PRODUCTION",
    "RECOVERY",
    "BridgeSpec",
    "FileSpec",
    "HostSeed",
    "HostSpec",
    "Lab",
    "LabError",
    "LabStatus",
    "Link",
    "Node",
    "NodeSpec",
    "Provisioner",
    "Result",
    "Tmpfs",
]

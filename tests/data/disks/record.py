"""Re-record the disks parser test data on a real Debian 12 host (as root, from the repository root).

    PYTHONPATH=. python tests/data/disks/record.py [CASE...]

(no case named: every case).

Each case runs the area's real commands through the real batch script (:mod:`drverify.facts.batch`)
inside a throwaway mount namespace (``unshare --mount --propagation private``), after a setup
snippet that mounts sized tmpfs filesystems there; nothing outside the namespace changes, and the
namespace goes away with the process. Each command's output is stored as ``CASE/COMMAND.out``, with
``COMMAND.err`` and ``COMMAND.rc`` only when stderr is not empty or the exit status is not 0.
The unit tests assert values read from these recordings (sizes, memory): update them after
re-recording.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from drverify.facts import disks

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from recording import record_case  # noqa: E402

HERE = Path(__file__).resolve().parent

LAB_PRODUCTION = """
mount -t tmpfs -o size=16M tmpfs /srv && mkdir /srv/mft /srv/archive
mount -t tmpfs -o size=256M tmpfs /srv/mft
dd if=/dev/zero of=/srv/mft/data bs=1M count=96 status=none
mount -t tmpfs -o size=1G tmpfs /srv/archive
"""

LAB_RECOVERY = """
mount -t tmpfs -o size=16M tmpfs /srv && mkdir /srv/mft
mount -t tmpfs -o size=64M tmpfs /srv/mft
"""

#: statfs is refused on a mount below a directory the user cannot enter: findmnt prints null sizes
STATFS_REFUSED = """
mount -t tmpfs -o size=16M tmpfs /srv && mkdir -m 700 /srv/private && mkdir /srv/private/data
mount -t tmpfs -o size=8M tmpfs /srv/private/data
"""

#: a mount hidden under a later mount on its parent: findmnt still lists /srv/mft/data (the
#: kernel's mount table has it) but its statfs("/srv/mft/data") now looks inside the new /srv/mft,
#: where there is no such directory: ENOENT, and findmnt prints null sizes. Beside it, a bind
#: mount whose source directory was removed afterwards: findmnt sizes it all the same (statfs
#: on the mount point still reaches the filesystem), so that case needs nothing of drverify.
MOUNT_HIDDEN = """
mount -t tmpfs -o size=16M tmpfs /srv && mkdir /srv/mft /srv/bind-source /srv/bind
mount -t tmpfs -o size=8M tmpfs /srv/mft && mkdir /srv/mft/data
mount -t tmpfs -o size=4M tmpfs /srv/mft/data
mount --bind /srv/bind-source /srv/bind && rmdir /srv/bind-source
mount -t tmpfs -o size=32M tmpfs /srv/mft
"""

#: a /usr/bin without findmnt: hard links of the real one, minus findmnt, bound over it
FINDMNT_MISSING = """
cp -al /usr/bin "$SCRATCH/bin" && rm "$SCRATCH/bin/findmnt"
mount --bind "$SCRATCH/bin" /usr/bin
"""

#: case name -> (setup run as root, run the commands as nobody?)
CASES = {
    "debian12-host": ("", False),
    "lab-production": (LAB_PRODUCTION, False),
    "lab-recovery": (LAB_RECOVERY, False),
    "statfs-refused": (STATFS_REFUSED, True),
    "mount-hidden": (MOUNT_HIDDEN, False),
    "findmnt-missing": (FINDMNT_MISSING, False),
}


def record(case: str, setup: str, as_nobody: bool, scratch: Path) -> None:
    commands = disks.commands(None, "production")  # type: ignore[arg-type]
    record_case(HERE / case, commands, setup, as_nobody, scratch)


def main(cases: list[str]) -> None:
    for case in cases or CASES:
        setup, as_nobody = CASES[case]
        with tempfile.TemporaryDirectory(dir="/var/tmp", prefix="drvrec-") as scratch:
            record(case, setup, as_nobody, Path(scratch))
        print(f"recorded {HERE / case}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Re-record the users parser test data on a real Debian 12 host (as root, from the repository root).

    PYTHONPATH=. python tests/data/users/record.py [CASE...]

(no case named: every case).

Each case runs the area's real commands through the real batch script (:mod:`drverify.facts.batch`)
inside a throwaway mount namespace (``unshare --mount --propagation private``), where crafted
passwd and group files are bound over ``/etc/passwd`` and ``/etc/group`` and home directories made
on private tmpfs mounts; nothing outside the namespace changes (``/etc/shadow`` is never touched).
Each command's output is stored as ``CASE/COMMAND.out``, with ``COMMAND.err`` and ``COMMAND.rc``
only when stderr is not empty or the exit status is not 0. The unit tests assert values read
from these recordings (ids, homes, members): update them after re-recording.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from drverify.facts import users

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from recording import record_case  # noqa: E402

HERE = Path(__file__).resolve().parent

#: binds $SCRATCH/passwd and $SCRATCH/group over the real ones; homes on private tmpfs mounts
CRAFTED = """
mount --bind "$SCRATCH/passwd" /etc/passwd && mount --bind "$SCRATCH/group" /etc/group
mount -t tmpfs -o size=1M tmpfs /srv && mkdir /srv/mft
mount -t tmpfs -o size=1M tmpfs /home && mkdir /home/alice
"""

LAB_PRODUCTION = (
    "mftsvc:x:2001:2001:MFT service:/srv/mft:/bin/sh\nalice:x:1001:1001:Alice:/home/alice:/bin/bash\n",
    "mftgrp:x:2001:mftsvc,alice\nalice:x:1001:\n",
)

#: mftsvc's uid differs, alice left mftgrp, tempadmin was added by hand (no final newline)
LAB_RECOVERY = (
    "mftsvc:x:2002:2001:MFT service:/srv/mft:/bin/sh\nalice:x:1001:1001:Alice:/home/alice:/bin/bash\n"
    "tempadmin:x:1002:1002::/home/tempadmin:/bin/bash",
    "mftgrp:x:2001:mftsvc\nalice:x:1001:\ntempadmin:x:1002:\n",
)

#: mftsvc's home lies below a directory of mode 700: run as nobody, the check cannot tell whether
#: it exists (stat: Permission denied), while alice's home and a missing one are told apart
HOME_UNREADABLE = (
    "mftsvc:x:2001:2001:MFT service:/srv/private/mft:/bin/sh\n"
    "alice:x:1001:1001:Alice:/home/alice:/bin/bash\ngone:x:1003:1003::/home/gone:/bin/sh\n",
    "mftgrp:x:2001:mftsvc,alice\n",
    CRAFTED + "mkdir -m 700 /srv/private && mkdir /srv/private/mft\n",
)

#: case name -> (lines added to the real passwd, to the real group, setup, run as nobody?)
CASES = {
    "debian12-host": ("", "", "", False),
    "lab-production": (*LAB_PRODUCTION, CRAFTED, False),
    "lab-recovery": (*LAB_RECOVERY, CRAFTED, False),
    "group-unreadable": ("", "", 'chmod 600 "$SCRATCH/group"' + CRAFTED, True),
    "passwd-empty": (None, "", CRAFTED, False),
    "home-unreadable": (*HOME_UNREADABLE, True),
}


def write_files(scratch: Path, passwd: str | None, group: str) -> None:
    """Crafted copies: the real files plus the case's lines (``None``: an empty passwd)."""
    real_passwd = Path("/etc/passwd").read_text()
    (scratch / "passwd").write_text("" if passwd is None else real_passwd + passwd)
    (scratch / "group").write_text(Path("/etc/group").read_text() + group)


def record(case: str, setup: str, as_nobody: bool, scratch: Path) -> None:
    commands = users.commands(None, "production")  # type: ignore[arg-type]
    record_case(HERE / case, commands, setup, as_nobody, scratch)


def main(cases: list[str]) -> None:
    for case in cases or CASES:
        passwd, group, setup, as_nobody = CASES[case]
        with tempfile.TemporaryDirectory(dir="/var/tmp", prefix="drvrec-") as scratch:
            write_files(Path(scratch), passwd, group)
            record(case, setup, as_nobody, Path(scratch))
        print(f"recorded {HERE / case}")


if __name__ == "__main__":
    main(sys.argv[1:])

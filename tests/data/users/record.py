"""Re-record the users parser test data on a real Debian 12 host (as root, from the repository root).

    PYTHONPATH=. python tests/data/users/record.py [CASE...]

(no case named: every case).

Each case runs the area's real commands through the real batch script (:mod:`drverify.facts.batch`)
inside a throwaway mount namespace (``unshare --mount --propagation private``), where crafted
passwd and group files are bound over ``/etc/passwd`` and ``/etc/group`` and home directories made
on private tmpfs mounts; nothing outside the namespace changes. The ``shadow-*`` cases put a
private overlay over ``/etc`` and create accounts and passwords there with the real ``useradd``,
``chpasswd`` and ``passwd`` (this machine's own accounts are never touched); the area's command
hashes each password field on the spot, so no hash is in the recordings.
Each command's output is stored as ``CASE/COMMAND.out``, with ``COMMAND.err`` and ``COMMAND.rc``
only when stderr is not empty or the exit status is not 0. The unit tests assert values read
from these recordings (ids, homes, members): update them after re-recording.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from drverify.facts import users
from drverify.inventory.model import Pair

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

#: /etc itself under a private overlay (upper layer on a tmpfs): the real useradd, chpasswd and
#: passwd below change only the namespace's copy of the account files
OVERLAY = """
mount -t tmpfs -o size=4M tmpfs "$SCRATCH" && mkdir "$SCRATCH/upper" "$SCRATCH/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work" /etc
mountpoint -q /etc
/usr/sbin/useradd -M -u 2001 -d /srv/mft -s /bin/sh mftsvc
/usr/sbin/useradd -M -u 1001 -d /home/alice alice
/usr/sbin/useradd -M -u 1004 -d /home/kiosk kiosk
/usr/sbin/useradd -M -u 1005 -d /home/bob bob
/usr/bin/passwd -q -d kiosk
"""
#: alice's hash is copied to both hosts as a sync would (``chpasswd -e``, made with ``openssl passwd
#: -6``); mftsvc's password is set on each host with chpasswd (another salt each time)
ALICE = "echo \"alice:$(openssl passwd -6 -salt drvrecalice 'alice on both')\" | /usr/sbin/chpasswd -e\n"
#: production: mftsvc and alice set, kiosk empty, bob locked (useradd's !)
SHADOW_PRODUCTION = OVERLAY + ALICE + "echo 'mftsvc:set on production' | /usr/sbin/chpasswd\n"
#: recovery: mftsvc's password changed during the outage, kiosk locked there, bob given one
SHADOW_RECOVERY = (OVERLAY + ALICE + "echo 'mftsvc:changed on recovery' | /usr/sbin/chpasswd\n"
                   "/usr/bin/passwd -q -l kiosk\necho 'bob:set on recovery' | /usr/sbin/chpasswd\n")

#: case name -> (lines added to the real passwd, to the real group, setup, run as nobody?)
CASES = {
    "debian12-host": ("", "", "", False),
    "lab-production": (*LAB_PRODUCTION, CRAFTED, False),
    "lab-recovery": (*LAB_RECOVERY, CRAFTED, False),
    "group-unreadable": ("", "", 'chmod 600 "$SCRATCH/group"' + CRAFTED, True),
    "passwd-empty": (None, "", CRAFTED, False),
    "home-unreadable": (*HOME_UNREADABLE, True),
    "shadow-production": ("", "", SHADOW_PRODUCTION, False),
    "shadow-recovery": ("", "", SHADOW_RECOVERY, False),
    "shadow-unreadable": ("", "", "", True),
}


def write_files(scratch: Path, passwd: str | None, group: str) -> None:
    """Crafted copies: the real files plus the case's lines (``None``: an empty passwd)."""
    real_passwd = Path("/etc/passwd").read_text()
    (scratch / "passwd").write_text("" if passwd is None else real_passwd + passwd)
    (scratch / "group").write_text(Path("/etc/group").read_text() + group)


def record(case: str, setup: str, as_nobody: bool, scratch: Path) -> None:
    commands = users.commands(Pair.model_validate({"name": "rec", "production": "local://", "recovery": "local://"}),
                              "production")
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

"""Record the ``shadow`` frame of the example's ``raw/<role>/users.txt`` (root, Debian 12).

    PYTHONPATH=. python inventories/example-snapshots/record_shadow.py

then run ``build.py``. Per host, in a throwaway mount namespace (``unshare --mount``) whose /etc
is a private overlay (upper layer on a tmpfs: this machine's own accounts are never touched), the
host's accounts are written as ``/etc/passwd`` and ``/etc/shadow`` lines (names from the frame's
``passwd`` output; Debian's defaults: ``*`` for system accounts, ``!`` for people until a
password is set), the passwords below are set with the real ``chpasswd -e`` (hashes made by
``openssl passwd -6`` with fixed salts, so a re-recording gives the same digests), and the users
area's own ``shadow`` command runs through the real batch script with the file's boundary. Its
frame replaces the file's ``shadow`` frame (or is added before the ``end`` line). The command
hashes each password field on the host: the recording holds digests, never a hash.

The example's story: the people's hashes were copied from production to recovery (the same on
both); mftsvc's password, used by the back office's pickup job, was changed on recovery during
the DR drill of 17-18 November and never on production: one record each way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from drverify.facts import users  # noqa: E402
from drverify.facts.batch import build_script  # noqa: E402

#: account -> (password, salt) per role; other accounts keep their locked default
PASSWORDS = {
    "production": {"alice": ("alice example", "exalice1"), "bob": ("bob example", "exbob001"),
                   "carol": ("carol example", "excarol1"), "mftsvc": ("pickup before the drill", "exmftsvc")},
    "recovery": {"alice": ("alice example", "exalice1"), "bob": ("bob example", "exbob001"),
                 "carol": ("carol example", "excarol1"), "mftsvc": ("pickup during the drill", "exmftdr1"),
                 "drtest": ("drill account", "exdrtest")},
}
#: accounts a person logs in to (``!`` until a password is set); the rest are system accounts (``*``)
PEOPLE = ("alice", "bob", "carol", "drtest", "mftsvc")

SETUP = """set -e
mount -t tmpfs -o size=4M tmpfs "$SCRATCH" && mkdir "$SCRATCH/upper" "$SCRATCH/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work" /etc
mountpoint -q /etc
printf '%s' "$PASSWD" >/etc/passwd && printf '%s' "$SHADOW" >/etc/shadow
printf '%s' "$HASHES" | /usr/sbin/chpasswd -e
set +e
sh <<"@@SCRIPT@@"
"""


def crypt(password: str, salt: str) -> str:
    """The SHA-512 crypt string ``openssl passwd -6`` makes (only ever handed to chpasswd)."""
    return subprocess.run(["openssl", "passwd", "-6", "-salt", salt, "-stdin"], input=password,
                          capture_output=True, text=True, check=True).stdout.strip()


def hashes(role: str) -> list[str]:
    """The crypt strings set on that host: what no report may ever hold (tests grep for them)."""
    return [crypt(password, salt) for password, salt in PASSWORDS[role].values()]


def shadow_frame(role: str, text: str) -> str:
    """The ``shadow`` command's frame for the host whose users.txt is ``text``."""
    boundary = re.search(r"^(@@drverify-[0-9a-f]{16}@@) begin ", text, re.MULTILINE).group(1)
    passwd = text.split(f"{boundary} begin passwd 0\n", 1)[1].split(f"\n{boundary} stderr", 1)[0]
    names = [line.split(":", 1)[0] for line in passwd.splitlines() if line]
    accounts = "".join(f"{name}:x:{1000 + i}:{1000 + i}::/nonexistent:/bin/sh\n" for i, name in enumerate(names))
    shadow = "".join(f"{name}:{'!' if name in PEOPLE else '*'}:20000:0:99999:7:::\n" for name in names)
    given = "".join(f"{name}:{crypt(password, salt)}\n" for name, (password, salt) in PASSWORDS[role].items())
    script = build_script({"shadow": users.SHADOW}, boundary)
    result = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                             f"{SETUP}{script}@@SCRIPT@@\n"], capture_output=True, text=True, check=True,
                            env={"SCRATCH": "/mnt", "PATH": "/usr/bin:/bin", "PASSWD": accounts,
                                 "SHADOW": shadow, "HASHES": given})
    out = result.stdout
    return out[out.index(f"{boundary} begin shadow "):out.rindex(f"{boundary} end")]


def record(role: str) -> None:
    path = HERE / "raw" / role / "users.txt"
    text = path.read_text()
    boundary = re.search(r"^(@@drverify-[0-9a-f]{16}@@) begin ", text, re.MULTILINE).group(1)
    kept = re.sub(rf"{re.escape(boundary)} begin shadow .*?(?={re.escape(boundary)} (?:begin|end))", "", text,
                  flags=re.DOTALL)
    head, _, tail = kept.rpartition(f"{boundary} end")
    path.write_text(head + shadow_frame(role, text) + f"{boundary} end" + tail)
    print(f"recorded the shadow frame of {path}")


if __name__ == "__main__":
    for side in ("production", "recovery"):
        record(side)

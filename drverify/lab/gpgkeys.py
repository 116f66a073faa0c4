"""PGP keyrings for the service account `mftsvc`: production's complete, recovery's seeded short.

Production: mftsvc's own key (secret key present, passphrase-protected), Partner A's and
Partner B's public keys, owner trust ultimate/full. Recovery: the same minus Partner B's public
key and minus mftsvc's secret key (seeded drift).

The first key generation of a fresh gpg home takes ~3 s here (gpg-agent seeding its random
pool), far over the lab's budget, so the built keyring files are cached outside the state dir
(`~/.cache/drverify-lab/pgp`, 0700) and reused by later `up`s. Temporary gpg homes live under the
state dir (short paths: socket limit) and their agents are stopped (LAB-NOTES pitfall 13).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from drverify.lab.errors import LabError

CACHE_VERSION = "v1"
MFTSVC_UID = "MFT Service <mftsvc@mft.example.test>"
PARTNERS = ("Partner A <pgp@partner-a.example>", "Partner B <pgp@partner-b.example>")
KEYRING_FILES = ("pubring.kbx", "trustdb.gpg")


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "drverify-lab" / "pgp" / CACHE_VERSION


def _gpg(home: Path, *args: str, stdin: bytes | None = None) -> bytes:
    argv = ["gpg", "--homedir", str(home), "--batch", "--no-tty", "--quiet", *args]
    done = subprocess.run(argv, input=stdin, capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        raise LabError(f"gpg {args[0] if args else ''} failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
    return done.stdout


def _home(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, mode=0o700)
    return path


def _stop_agent(home: Path) -> None:
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30, check=False)


def _fingerprints(home: Path) -> dict[str, str]:
    out = _gpg(home, "--with-colons", "--list-keys").decode()
    fprs, current = {}, None
    for line in out.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            current = None
        elif fields[0] == "fpr" and current is None:
            current = fields[9]
        elif fields[0] == "uid" and current:
            fprs.setdefault(fields[9], current)
    return fprs


def generate(work: Path, passphrase: str) -> dict[str, bytes]:
    """Keys made in a scratch home: public exports, mftsvc's secret export, fingerprints."""
    home = _home(work / "gen")
    try:
        _gpg(home, "--pinentry-mode", "loopback", "--passphrase", passphrase,
             "--quick-gen-key", MFTSVC_UID, "future-default", "default", "0")
        for partner in PARTNERS:
            _gpg(home, "--pinentry-mode", "loopback", "--passphrase", "",
                 "--quick-gen-key", partner, "future-default", "default", "0")
        fprs = _fingerprints(home)
        exported = {uid: _gpg(home, "--armor", "--export", fpr) for uid, fpr in fprs.items()}
        exported["secret"] = _gpg(home, "--pinentry-mode", "loopback", "--passphrase", passphrase,
                                  "--armor", "--export-secret-keys", fprs[MFTSVC_UID])
        exported["trust"] = (f"{fprs[MFTSVC_UID]}:6:\n{fprs[PARTNERS[0]]}:5:\n{fprs[PARTNERS[1]]}:5:\n").encode()
        return exported
    finally:
        _stop_agent(home)
        shutil.rmtree(home, ignore_errors=True)


def build_keyring(home: Path, exported: dict[str, bytes], uids: tuple[str, ...], secret: bool) -> None:
    _home(home)
    try:
        for uid in uids:
            _gpg(home, "--import", stdin=exported[uid])
        if secret:
            _gpg(home, "--import", stdin=exported["secret"])
        wanted = [line for line in exported["trust"].decode().splitlines()
                  if any(line.startswith(fpr) for fpr in _fingerprints(home).values())]
        _gpg(home, "--import-ownertrust", stdin=("\n".join(wanted) + "\n").encode())
    finally:
        _stop_agent(home)


def keyrings(work: Path) -> Path:
    """The cached keyrings (``production/``, ``recovery/``, ``secret.asc``, ``passphrase``)."""
    cache = cache_dir()
    if (cache / "done").exists():
        return cache
    passphrase = os.urandom(12).hex()
    exported = generate(work, passphrase)
    staging = _home(work / "pgp-cache")
    build_keyring(staging / "production", exported, (MFTSVC_UID, *PARTNERS), secret=True)
    build_keyring(staging / "recovery", exported, (MFTSVC_UID, PARTNERS[0]), secret=False)
    (staging / "secret.asc").write_bytes(exported["secret"])
    (staging / "passphrase").write_text(passphrase)
    (staging / "done").touch()
    cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.move(str(staging), cache)
    return cache


def keyring_files(home: Path) -> list[tuple[str, bytes, bool]]:
    """(relative path, content, is_directory) of a built keyring: no sockets, locks or backups."""
    entries: list[tuple[str, bytes, bool]] = [("private-keys-v1.d", b"", True)]
    for name in KEYRING_FILES:
        if (home / name).is_file():
            entries.append((name, (home / name).read_bytes(), False))
    for key in sorted((home / "private-keys-v1.d").glob("*.key")):
        entries.append((f"private-keys-v1.d/{key.name}", key.read_bytes(), False))
    return entries

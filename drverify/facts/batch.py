"""One remote round trip for many commands: a POSIX sh script that frames each command's output.

Every area names the commands it needs; they all run at once on the host (in parallel, each under
``timeout``) and come back in one stdout, framed by a random boundary so that nothing a host prints
can forge a frame. This is what keeps collection at one round trip per host instead of hundreds.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from drverify.errors import FactError

#: Exit statuses with a meaning of their own, turned into reasons people understand.
TIMED_OUT = 124
NOT_FOUND = 127


@dataclass(frozen=True)
class Output:
    """What one command produced on the host."""

    rc: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def reason(self, command: str) -> str:
        """One line saying why the command failed, for an *unverified* area."""
        if self.rc == TIMED_OUT:
            return f"{command}: timed out"
        if self.rc == NOT_FOUND:
            return f"{command}: command not found"
        detail = self.stderr.strip().splitlines()
        return f"{command}: exit status {self.rc}" + (f": {detail[-1]}" if detail else "")


class Runs(Protocol):
    """What running a batch needs of a transport."""

    def run(self, script: str, timeout: float = ...) -> Output: ...


def run_batch(transport: Runs, commands: Mapping[str, str], timeout: int = 20) -> dict[str, Output]:
    """Run named commands on a host in one round trip; each command's own output back.

    A host that cannot be reached raises :class:`~drverify.errors.FactsUnavailable` (from the
    transport); output cut short raises :class:`FactError` with the exit status and last stderr.
    """
    boundary = new_boundary()
    result = transport.run(build_script(commands, boundary, timeout))
    try:
        return split_output(result.stdout, boundary)
    except ValueError as error:
        raise FactError(f"{error} (exit status {result.rc}: {result.stderr.strip()[-200:]})") from None


def new_boundary() -> str:
    return "@@drverify-" + secrets.token_hex(8) + "@@"


def build_script(commands: Mapping[str, str], boundary: str, timeout: int = 20) -> str:
    """The script that runs every named command in parallel and prints their framed outputs.

    Each job writes its own frame (a header with its exit status, its stdout, its stderr after
    the marker) and one ``cat`` prints them all in order. One ``timeout`` bounds the jobs together
    (it ends their whole process group): a command still running then has no header, and gets
    one saying 124, timed out, while every command that finished keeps its own result. One
    process per command, instead of a ``timeout``, a shell and a ``cat`` or three each.

    The sbin directories join PATH: an unprivileged check account should learn that it may not
    read the firewall ("you must be root"), not that iptables-save does not exist.
    """
    jobs = "\n".join(f"run {shlex.quote(name)} {_argv(command)} &" for name, command in commands.items())
    inner = f"""\
run() {{
  n=$1; shift
  printf '\\n%s stderr\\n' {boundary} >"$d/$n.err"
  "$@" >"$d/$n.out" 2>>"$d/$n.err" </dev/null
  printf '\\n%s begin %s %s\\n' {boundary} "$n" "$?" >"$d/$n.head"
}}
{jobs}
wait
"""
    names = " ".join(shlex.quote(name) for name in commands)
    frames = " ".join(f'"$d"/{shlex.quote(name + suffix)}' for name in commands for suffix in (".head", ".out", ".err"))
    return f"""\
LC_ALL=C; export LC_ALL; cd / || exit 70
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
d=$(mktemp -d) || exit 70
trap 'rm -rf "$d"' EXIT
export d
timeout -k 2 {int(timeout)} sh -c {shlex.quote(inner)}
for n in {names}; do
  [ -e "$d/$n.head" ] && continue
  printf '\\n%s begin %s {TIMED_OUT}\\n' {boundary} "$n" >"$d/$n.head"
  : >>"$d/$n.out"
  [ -e "$d/$n.err" ] || printf '\\n%s stderr\\n' {boundary} >"$d/$n.err"
done
cat {frames}
printf '\\n%s end\\n' {boundary}
"""


#: a command of plain words (no quoting, expansion or operator) runs without a shell of its own
_PLAIN = re.compile(r"[A-Za-z0-9_./:=,+%@-]+( [A-Za-z0-9_./:=,+%@-]+)*")


def _argv(command: str) -> str:
    """How ``run`` starts a command: its words as they are when plain (one process fewer on the
    host), else through ``sh -c``."""
    if _PLAIN.fullmatch(command):
        return command
    return "sh -c " + shlex.quote(command)


def split_output(stdout: str, boundary: str) -> dict[str, Output]:
    """Cut the script's stdout back into one :class:`Output` per command.

    Raises ``ValueError`` when the frames are incomplete (the script was cut short).
    """
    if f"\n{boundary} end" not in stdout:
        raise ValueError("the collection script's output is incomplete (no end marker)")
    outputs: dict[str, Output] = {}
    for frame in stdout.split(f"\n{boundary} begin ")[1:]:
        header, _, rest = frame.partition("\n")
        name, _, rc = header.partition(" ")
        body, _, stderr = rest.partition(f"\n{boundary} stderr\n")
        stderr = stderr.split(f"\n{boundary} end", 1)[0]
        outputs[name] = Output(int(rc) if rc.strip().isdigit() else -1, body, stderr)
    return outputs


def require(outputs: Mapping[str, Output], name: str) -> str:
    """The stdout of command ``name``, or :class:`FactError` saying why it failed."""
    output = outputs.get(name)
    if output is None:
        raise FactError(f"{name}: no output came back")
    if not output.ok:
        raise FactError(output.reason(name))
    return output.stdout

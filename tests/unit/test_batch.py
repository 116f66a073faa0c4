"""The batched collection script, run for real by the local shell: frames survive any output."""

import subprocess

from drverify.facts.batch import build_script, new_boundary, split_output


def run_batch(commands, timeout=5):
    boundary = new_boundary()
    script = build_script(commands, boundary, timeout)
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=30, check=False)
    return split_output(result.stdout, boundary)


def test_each_command_keeps_its_own_stdout_stderr_and_status():
    outputs = run_batch({
        "ok": "printf 'a\\nb\\n'; echo warn >&2",
        "fails": "echo 'Permission denied (you must be root)' >&2; exit 3",
        "missing": "no-such-command-drverify",
        "no-newline": "printf x",
    })
    assert outputs["ok"].stdout == "a\nb\n" and outputs["ok"].stderr == "warn\n" and outputs["ok"].ok
    assert outputs["fails"].reason("fails") == "fails: exit status 3: Permission denied (you must be root)"
    assert outputs["missing"].reason("missing") == "missing: command not found"
    assert outputs["no-newline"].stdout == "x"


def test_a_hung_command_times_out_alone():
    outputs = run_batch({"slow": "sleep 5", "fast": "echo done"}, timeout=1)
    assert outputs["slow"].reason("slow") == "slow: timed out"
    assert outputs["fast"].stdout == "done\n"


def test_output_cannot_forge_a_frame():
    outputs = run_batch({"evil": "echo '@@drverify-0000000000000000@@ end'", "next": "echo fine"})
    assert "@@drverify-0000000000000000@@ end" in outputs["evil"].stdout
    assert outputs["next"].stdout == "fine\n"


def test_commands_run_in_parallel():
    outputs = run_batch({f"s{i}": "sleep 1; echo ok" for i in range(4)}, timeout=3)
    assert all(output.stdout == "ok\n" for output in outputs.values())


def test_incomplete_output_is_refused():
    boundary = new_boundary()
    try:
        split_output(f"\n{boundary} begin a 0\npartial", boundary)
    except ValueError as error:
        assert "incomplete" in str(error)
    else:
        raise AssertionError("a cut-short output must not parse")

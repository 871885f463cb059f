"""Reliability, second round (issue 19): every failure of the hostile run, through the CLI.

The kill tests inject SIGKILL at a named system call with strace (``inject=...:when=N``), at
every point of the swap in turn, instead of sleeping and hoping to land there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, mtclean
from tests.test_platform import archive, outputs

STRACE = shutil.which("strace")


def one_line(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def traced(syscall: str, when: int, *args: str) -> subprocess.CompletedProcess[str]:
    """``mtclean ARGS`` killed (SIGKILL) on entering the ``when``-th ``syscall``."""
    assert STRACE, "strace is not installed: run `make test` (it installs strace)"
    cmd = [STRACE, "-f", "-qq", "-o", "/dev/null"]
    cmd += ["-e", f"trace={syscall}", "-e", f"inject={syscall}:signal=SIGKILL:when={when}"]
    cmd += [sys.executable, "-m", "pipeline", *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, stdin=subprocess.DEVNULL
    )


def count_calls(syscall: str, *args: str) -> int:
    """How many times a whole run enters ``syscall`` (so every one of them can be a kill point)."""
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"mtclean-strace-{os.getpid()}.log"
    cmd = [STRACE, "-f", "-qq", "-o", str(log), "-e", f"trace={syscall}"]
    subprocess.run(
        [*cmd, sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        cwd=ROOT,
        timeout=600,
        check=True,
    )
    n = sum(1 for ln in log.read_text().splitlines() if f"{syscall}(" in ln)
    log.unlink()
    return n


# -- 1. the swap is recoverable from any point, by every command that opens the folder


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A finished run A in a folder, and the reference outputs of a different run B."""
    tmp = tmp_path_factory.mktemp("swap")
    (tmp / "a").mkdir()
    (tmp / "b").mkdir()
    src_a, src_b = tmp / "a" / "in.jsonl", tmp / "b" / "in.jsonl"
    src_a.write_text(archive(6, seed=1), encoding="utf-8")
    src_b.write_text(archive(6, seed=2), encoding="utf-8")
    for src, out in ((src_a, "A"), (src_b, "B")):
        assert mtclean("run", str(src), "--out", str(tmp / out), "-q", "-j1").returncode == 0
    return tmp, src_b, outputs(tmp / "A"), outputs(tmp / "B")


def _check_after_kill(tmp: Path, out: Path, src_b: Path, ref_a, ref_b, opener: list[str]) -> None:
    # The next command that opens the folder finishes the swap (or leaves A whole).
    proc = mtclean(*opener)
    assert proc.returncode in (0, 2), proc.stderr
    assert "internal error" not in proc.stderr and "Not empty" not in proc.stderr
    got = {k: v for k, v in outputs(out).items() if not k.startswith("review")}
    assert got in (ref_a, ref_b), sorted(got)
    # ... and a new run into it always works, with any config.
    again = mtclean("run", str(src_b), "--out", str(out), "-q", "-j1", "--overwrite")
    assert again.returncode == 0, again.stderr
    assert outputs(out) == ref_b
    assert sorted(p.name for p in (out / ".mtclean").iterdir()) == ["lock"]


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("syscall", ["unlinkat", "rename"])
def test_kill_at_every_swap_step_is_recovered_by_the_next_command(two_runs, syscall):
    tmp, src_b, ref_a, ref_b = two_runs
    args = lambda out: ["run", str(src_b), "--out", str(out), "-q", "-j1", "--overwrite"]  # noqa: E731
    probe = tmp / "probe"
    shutil.rmtree(probe, ignore_errors=True)
    shutil.copytree(tmp / "A", probe)
    total = count_calls(syscall, *args(probe))
    # The swap and the clean-up after it are the last calls of a run; the earlier ones are
    # atomic writes of the work folder and staging (a sample of those is enough).
    points = sorted({1, total // 2, *range(max(1, total - 8), total + 1)})
    openers = [
        lambda out: ["review", str(out)],
        lambda out: ["run", str(src_b), "--out", str(out), "-q", "-j1", "--resume"],
        lambda out: ["review", "apply", str(out), str(tmp / "none.json")],
    ]
    killed = 0
    for k, when in enumerate(points):
        out = tmp / f"k-{syscall}-{when}"
        shutil.copytree(tmp / "A", out)
        proc = traced(syscall, when, *args(out))
        killed += proc.returncode != 0
        _check_after_kill(tmp, out, src_b, ref_a, ref_b, openers[k % len(openers)](out))
        shutil.rmtree(out)
    assert killed >= len(points) - 1  # the kill did land (the last point may be past the end)


# -- 2./3. --resume notices an edited termbase and a same-size in-place change of an input


def _killed_run(tmp: Path, *extra: str) -> tuple[Path, list[str]]:
    src = tmp / "in.jsonl"
    # Over 1 MiB of padding before and after the records: an edit between them is outside
    # the first and last MiB.
    pad = json.dumps({"id": "pad", "target": "Padding.", "x": "p" * (1 << 20) + "q" * 50})
    text = archive(12, seed=4)
    src.write_text(pad + "\n" + text + pad.replace('"pad"', '"pad2"') + "\n", encoding="utf-8")
    out = tmp / "o"
    args = [str(src), "--out", str(out), "-q", "-j1", *extra]
    cfg = tmp / "c.toml"
    cfg.write_text("[run]\nshard_records = 8\n")
    args += ["--config", str(cfg)]
    proc = traced("rename", 4, "run", *args)  # after the fingerprint, before the swap
    assert proc.returncode == -signal.SIGKILL or proc.returncode == 128 + 9, proc
    assert (out / ".mtclean" / "work" / "fingerprint.json").exists()
    return src, ["run", *args, "--resume"]


def test_resume_refuses_an_edited_termbase(tmp_path):
    tb = tmp_path / "terms.tsv"
    tb.write_text("source\ttarget\tvariants\n糟鱼\tzao fish\tbad fish\n", encoding="utf-8")
    _, resume = _killed_run(tmp_path, "--glossary", str(tb))
    st = tb.stat()
    tb.write_text("source\ttarget\tvariants\n糟鱼\tzao fish\tbad fish\n茶\ttea\tcha\n")
    os.utime(tb, ns=(st.st_atime_ns, st.st_mtime_ns))  # the path and mtime are the same
    one_line(mtclean(*resume), 2, "cannot resume", "differs")


def test_resume_refuses_a_same_size_edit_of_an_input_with_its_mtime_kept(tmp_path):
    src, resume = _killed_run(tmp_path)
    data = bytearray(src.read_bytes())
    st = src.stat()
    mid = data.index(b"tea", len(data) // 2)
    data[mid : mid + 3] = b"TEA"  # same size, in the middle (not the first or last MiB)
    src.write_bytes(bytes(data))
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))
    one_line(mtclean(*resume), 2, "in.jsonl", "changed since")
    assert not (tmp_path / "o" / "summary.json").exists()


def _stopped(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] in "tT"
    except (OSError, IndexError):
        return False


@pytest.mark.slow
def test_an_input_changed_in_place_during_the_run_is_refused_before_the_swap(tmp_path):
    """The run is stopped (SIGSTOP injected at its first rename, after the fingerprint was taken
    and before the shards are read), the input edited in place, then the run continued."""
    src = tmp_path / "in.jsonl"
    src.write_text(archive(12, seed=5), encoding="utf-8")
    out = tmp_path / "o"
    log = tmp_path / "strace.log"
    cmd = [STRACE, "-qq", "-o", str(log), "-e", "trace=rename"]
    cmd += ["-e", "inject=rename:signal=SIGSTOP:when=1"]
    cmd += [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out), "-q", "-j1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        child = 0
        for _ in range(100_000):  # until the traced python stops (no sleeping on a timer)
            kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            child = int(kids[0]) if kids else 0
            if child and log.exists() and "stopped by SIGSTOP" in log.read_text():
                break
            os.sched_yield()
        assert child and _stopped(child), log.read_text()
        data = bytearray(src.read_bytes())
        data[len(data) // 2] = ord("\n") if data[len(data) // 2] != ord("\n") else ord(" ")
        src.write_bytes(bytes(data))  # same size: a line break where a letter was
        os.kill(child, signal.SIGCONT)
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "in.jsonl" in lines[0] and "changed" in lines[0], err
    assert not (out / "summary.json").exists() and not (out / "cleaned").exists()


# -- 4. workers die with the driver; Ctrl-C is one line, exit 130; a killed worker is resumable


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("busy")
    src = tmp / "big.jsonl"
    src.write_text(archive(300, seed=9), encoding="utf-8")
    cfg = tmp / "c.toml"
    cfg.write_text("[run]\nshard_records = 20\nworkers = 2\n")
    base = [str(src), "--config", str(cfg), "-q"]
    assert mtclean("run", *base, "--out", str(tmp / "ref")).returncode == 0
    return tmp, base, outputs(tmp / "ref")


def _is_worker(pid: int) -> bool:
    """A pool worker (not multiprocessing's resource tracker, also a child of the driver).

    A spawned worker runs ``spawn_main``; a forked one (the default on Linux) keeps the
    driver's command line, so only the tracker is told apart."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" not in cmd and b"forkserver" not in cmd


def _start_with_workers(args: list[str]) -> tuple[subprocess.Popen[str], list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        # As from a terminal: a suite started in the background (``cmd &`` in a script) hands
        # its children SIGINT ignored, and Python then installs no Ctrl-C handler at all.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    workers: list[int] = []
    while proc.poll() is None:  # until the pool's workers run (their own grandchildren too)
        workers = [c for c in _children(proc.pid) if _alive(c) and _is_worker(c)]
        done = Path(args[args.index("--out") + 1]).glob(".mtclean/work/pass0/*.done")
        if len(workers) >= 2 and next(done, None) is not None:
            break
        os.sched_yield()
    assert proc.poll() is None, "the run finished before the test could act"
    return proc, workers


@pytest.mark.slow
def test_killing_the_driver_kills_its_workers_and_resume_completes(busy):
    tmp, base, ref = busy
    out = tmp / "driver"
    proc, workers = _start_with_workers(["run", *base, "--out", str(out)])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(10_000_000):  # the kernel kills them at once; bounded, never a timer
        if not any(_alive(w) for w in workers):
            break
        os.sched_yield()
    assert not any(_alive(w) for w in workers), "orphan workers outlived the driver"
    again = mtclean("run", *base, "--out", str(out), "--resume")
    assert again.returncode == 0, again.stderr
    assert outputs(out) == ref


@pytest.mark.slow
def test_ctrl_c_is_one_line_exit_130_and_resumable(busy):
    tmp, base, ref = busy
    # On a loaded machine this test's process may be descheduled between seeing the first
    # completion marker and sending Ctrl-C, and the run may finish meanwhile: such an attempt
    # must have finished whole (exit 0, the reference outputs) and is tried again; a Ctrl-C
    # that is ignored every time still fails.
    for attempt in range(5):
        out = tmp / f"ctrlc{attempt}"
        proc, _ = _start_with_workers(["run", *base, "--out", str(out)])
        os.killpg(proc.pid, signal.SIGINT)  # as the terminal sends it: to the whole group
        _, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            break
        assert outputs(out) == ref, "a run that exits 0 after Ctrl-C must be complete"
    assert proc.returncode == 130, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0] and "--resume" in lines[0], err
    again = mtclean("run", *base, "--out", str(out), "--resume")
    assert again.returncode == 0, again.stderr
    assert outputs(out) == ref


@pytest.mark.slow
def test_one_killed_worker_is_a_clear_message_and_resumable(busy):
    tmp, base, ref = busy
    out = tmp / "oom"
    proc, workers = _start_with_workers(["run", *base, "--out", str(out)])
    os.kill(workers[0], signal.SIGKILL)  # as the OOM killer would
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "worker process died" in lines[0] and "--resume" in lines[0], err
    again = mtclean("run", *base, "--out", str(out), "--resume")
    assert again.returncode == 0, again.stderr
    assert outputs(out) == ref


# -- 7. a junk regress baseline is exit 2, one line


@pytest.mark.parametrize("junk", ["{}", "[1, 2, 3]", '{"detection": 5}'])
def test_regress_refuses_a_junk_baseline(tmp_path, junk):
    src = tmp_path / "a.txt"
    src.write_text("The museum opened today.\n\nEditor: Wang\n", encoding="utf-8")
    base = tmp_path / "base.json"
    base.write_text(junk)
    one_line(mtclean("regress", str(src), "--baseline", str(base)), 2, "base.json", "baseline")


# -- 10. config BOM, summary.json the same for any worker count


def test_a_toml_config_with_a_bom_is_read(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(b"\xef\xbb\xbf[run]\nshard_records = 3\n")
    proc = mtclean("config", "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout


@pytest.mark.slow
def test_summary_is_the_same_for_any_worker_count_outside_run_info(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(archive(20, seed=6), encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nshard_records = 10\n")
    got = []
    for j in ("1", "2"):
        out = tmp_path / f"o{j}"
        assert (
            mtclean(
                "run", str(src), "--config", str(cfg), "-q", "-j", j, "--out", str(out)
            ).returncode
            == 0
        )
        s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert s["run_info"]["workers"] == int(j)
        for k in ("run_info", "timings", "stage_stats"):  # timings are measured, not outputs
            s.pop(k)
        got.append(s)
    assert got[0] == got[1]


# -- 5. review apply writes only inside DIR


@pytest.fixture
def finished(tmp_path):
    src = tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text("The museum opened today.\n\nEditor: Wang\n", encoding="utf-8")
    out = tmp_path / "o"
    assert mtclean("run", str(src), "--out", str(out), "-q").returncode == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps({"fingerprint": summary["fingerprint"]}))
    return out, summary, decisions


@pytest.mark.parametrize("target", ["cleaned/../../x.txt", "/tmp/mtclean-escape.txt", "../x.txt"])
def test_review_apply_refuses_outputs_outside_dir(finished, target):
    out, summary, decisions = finished
    summary["outputs"] = {k: target for k in summary["outputs"]}
    (out / "summary.json").write_text(json.dumps(summary))
    one_line(mtclean("review", "apply", str(out), str(decisions)), 2, "summary.json")
    assert not Path("/tmp/mtclean-escape.txt").exists()
    assert not (out.parent.parent / "x.txt").exists() and not (out.parent / "x.txt").exists()


def test_review_apply_refuses_a_symlinked_cleaned_folder(finished, tmp_path):
    out, _, decisions = finished
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "cleaned", elsewhere)
    (out / "cleaned").symlink_to(elsewhere)
    before = (elsewhere / "a.txt").read_bytes()
    (elsewhere / "a.txt").write_bytes(b"changed\n")
    one_line(mtclean("review", "apply", str(out), str(decisions)), 2, "symlink")
    assert (elsewhere / "a.txt").read_bytes() == b"changed\n" != before

"""Whole-run speed and memory: ``mtclean run`` as a user runs it, measured side by side.

Data. The main lines use real zh-en rows: the qe-dev TSVs of the shared folder (``src_zh`` as
``source``, ``mt_en`` as ``target``), replicated with fresh ids into documents of 4-12 records,
each source translated by 10-13 systems (``bench/corpus.py``). When the shared folder is absent
the bench says so and measures the synthetic archive only. The second line is the synthetic
monolingual English archive (no sources: no bilingual checks, no consensus).

Every figure is the median of ``--reps`` (3) interleaved repetitions, per CPU-second of the whole
process tree (the process and every worker it waited for, from ``getrusage(RUSAGE_CHILDREN)``;
psutil samples the tree's memory while it runs), so that a busy machine does not distort the
ratios. Wall time is printed too; it means little on a shared machine.

    python bench/scale.py [--rows 4000] [--reps 3] [--small-mb 10] [--big-mb 30]
                          [--synthetic-mb 2] [--opusfilter PYTHON] [--no-memory]

Lines:
- ``mtclean run -j1`` and ``-j2`` (default stages) against a plain per-segment langdetect loop
  over the same targets, and against OpusFilter with cld2 on the same pairs (run with its own
  interpreter, ``--opusfilter``; default ``/tmp/opusfilter-venv/bin/python``; see
  ``tools/opusfilter_pairs.py`` for how to install it);
- peak memory of one worker (RSS and PSS) and of the whole tree (PSS) at ``--small-mb`` and
  ``--big-mb`` of real rows.

Targets (issue 20): -j1 >= 5x langdetect and >= 3x OpusFilter per CPU-second; -j2 >= 1.8x -j1 in
wall time on an idle machine; a worker <= 250 MB; the tree flat from small to big.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import QE_DEV, real_rows, sentences, write_bilingual  # noqa: E402

OPUSFILTER_PYTHON = "/tmp/opusfilter-venv/bin/python"
NO_PAIRS = "no sources, no pairs"
OPUSFILTER_INSTALL = (
    "python -m venv /tmp/opusfilter-venv && /tmp/opusfilter-venv/bin/pip install opusfilter pycld2"
)


@dataclass
class Measure:
    wall: float
    cpu: float  # seconds, user + system, the whole process tree
    worker_rss: int  # peak of the largest worker (the main process when it works alone)
    worker_pss: int
    tree_pss: int  # peak of the sum over the tree
    out: str


def measure(cmd: list[str], memory: bool = True) -> Measure:
    """Run ``cmd``; wall and tree CPU seconds, sampled peak memory, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = psutil.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    w_rss = w_pss = t_pss = 0
    while proc.poll() is None:
        if memory:
            try:
                procs = [proc, *proc.children(recursive=True)]
                infos = []
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        infos.append(p.memory_full_info())
                if infos:
                    # With workers, the parent only reads and merges: a worker is a child.
                    work = infos[1:] if len(infos) > 1 else infos
                    w_rss = max(w_rss, max(i.rss for i in work))
                    w_pss = max(w_pss, max(i.pss for i in work))
                    t_pss = max(t_pss, sum(i.pss for i in infos))
            except psutil.Error:
                pass
        time.sleep(0.2 if memory else 0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {err[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(wall, cpu, w_rss, w_pss, t_pss, out)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


def mtclean(archive: Path, out: Path, workers: int, memory: bool = False) -> Measure:
    cmd = [sys.executable, "-m", "pipeline", "run", str(archive), "--workers", str(workers)]
    return measure([*cmd, "--out", str(out), "-q", "--overwrite"], memory)


def langdetect_child(archive: Path) -> None:
    """Child process: the plain loop, one ``detect`` per target."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    n = 0
    with open(archive, encoding="utf-8") as fh:
        for line in fh:
            with contextlib.suppress(LangDetectException):
                detect(json.loads(line)["target"])
            n += 1
    print(json.dumps({"segments": n}))


def langdetect(archive: Path) -> Measure:
    return measure([sys.executable, __file__, "--langdetect-child", str(archive)], memory=False)


def opusfilter(python: str, archive: Path) -> Measure:
    cmd = [python, str(ROOT / "tools" / "opusfilter_pairs.py"), str(archive)]
    return measure(cmd, memory=False)


def opusfilter_ok(python: str) -> str:
    """'' when OpusFilter and pycld2 import with ``python``, else why not."""
    if not Path(python).exists():
        return f"{python} not found"
    r = subprocess.run(
        [python, "-c", "import opusfilter.filters, pycld2"], capture_output=True, text=True
    )
    return "" if r.returncode == 0 else r.stderr.strip().splitlines()[-1]


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def write_synthetic(path: Path, mb: float, seed: int = 5) -> int:
    """The monolingual archive: English news documents of 4-12 records, no sources."""
    import random

    rng = random.Random(seed)
    pool = sentences(50_000, seed=seed)
    size = n = doc = 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < mb * 1_000_000:
            doc += 1
            for k in range(rng.randint(4, 12)):
                body = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
                line = json.dumps({"id": f"{doc}-{k}", "doc": f"a{doc}", "target": body})
                fh.write(line + "\n")
                size += len(line) + 1
                n += 1
    return n


def speed_lines(
    label: str, archive: Path, n: int, tmp: Path, reps: int, of_python: str, of_why: str
) -> None:
    """The interleaved repetitions and their median lines."""
    runs: dict[str, list[Measure]] = {}
    order = ["mtclean -j1", "mtclean -j2", "langdetect loop"]
    if not of_why:
        order.append("OpusFilter cld2")
    for rep in range(reps):
        for name in order:
            if name == "mtclean -j1":
                m = mtclean(archive, tmp / f"o1-{rep}", 1)
            elif name == "mtclean -j2":
                m = mtclean(archive, tmp / f"o2-{rep}", 2)
            elif name == "langdetect loop":
                m = langdetect(archive)
            else:
                m = opusfilter(of_python, archive)
            runs.setdefault(name, []).append(m)
    rate = {k: median([n / m.cpu for m in v]) for k, v in runs.items()}
    wall = {k: median([m.wall for m in v]) for k, v in runs.items()}
    print(f"[{label}] {n:,} records, median of {reps} interleaved repetitions")
    for k in order:
        print(f"  {k:<17} {rate[k]:8,.0f} segments per CPU-second   wall {wall[k]:6.1f}s")
    ld = rate["langdetect loop"]
    j1, j2 = rate["mtclean -j1"], rate["mtclean -j2"]
    print(f"  mtclean -j1 / langdetect loop, per CPU-second: {j1 / ld:.2f}x (target >= 5x)")
    if not of_why:
        of = rate["OpusFilter cld2"]
        print(f"  mtclean -j1 / OpusFilter cld2, per CPU-second: {j1 / of:.2f}x (target >= 3x)")
    elif of_why != NO_PAIRS:
        print(f"  OpusFilter: not measured ({of_why}); install: {OPUSFILTER_INSTALL}")
    print(
        f"  mtclean -j2 / -j1: wall {wall['mtclean -j1'] / wall['mtclean -j2']:.2f}x "
        f"(target >= 1.8x on an idle machine; {os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.1f} now), CPU per segment {j1 / j2:.2f}x of -j1's"
    )


def memory_lines(rows: list[tuple[str, str, str]], tmp: Path, small: float, big: float) -> None:
    small_p, big_p = tmp / "small.jsonl", tmp / "big.jsonl"
    ns = write_bilingual(small_p, rows, limit_mb=small, seed=1)
    nb = write_bilingual(big_p, rows, limit_mb=big, seed=2)
    print(f"[memory, real zh-en rows] {small:g} MB ({ns:,} records) and {big:g} MB ({nb:,})")
    res = {}
    for workers in (1, 2):
        for name, path, mb in (("small", small_p, small), ("big", big_p, big)):
            m = mtclean(path, tmp / f"m{workers}{name}", workers, memory=True)
            res[workers, name] = m
            print(
                f"  -j{workers} {mb:5g} MB: largest worker peak RSS {m.worker_rss / 2**20:5.0f} MB,"
                f" PSS {m.worker_pss / 2**20:5.0f} MB; whole tree PSS "
                f"{m.tree_pss / 2**20:5.0f} MB; {m.cpu:.0f} CPU-s"
            )
    worst = max(m.worker_rss for m in res.values())
    print(f"  worker peak RSS <= 250 MB: {'met' if worst <= 250 * 2**20 else 'NOT met'}")
    for workers in (1, 2):
        ratio = res[workers, "big"].tree_pss / res[workers, "small"].tree_pss
        verdict = "flat" if ratio <= 1.15 else "NOT flat"
        print(f"  -j{workers} tree PSS {big:g} MB / {small:g} MB: {ratio:.2f} ({verdict})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=4000, help="records of the speed archive")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--synthetic-mb", type=float, default=1.5)
    ap.add_argument("--small-mb", type=float, default=10)
    ap.add_argument("--big-mb", type=float, default=30)
    ap.add_argument("--opusfilter", default=OPUSFILTER_PYTHON, help="OpusFilter's interpreter")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--langdetect-child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.langdetect_child:
        langdetect_child(Path(a.langdetect_child))
        return
    of_why = opusfilter_ok(a.opusfilter)
    rows = real_rows()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        if rows is None:
            print(f"real rows: {QE_DEV} is absent; synthetic archive only")
        else:
            arch = t / "real.jsonl"
            n = write_bilingual(arch, rows, limit_records=a.rows)
            print(f"real zh-en rows from {QE_DEV} ({len(rows):,} rows)")
            speed_lines("real zh-en", arch, n, t, a.reps, a.opusfilter, of_why)
        syn = t / "synthetic.jsonl"
        n = write_synthetic(syn, a.synthetic_mb)
        speed_lines("synthetic English, no sources", syn, n, t, a.reps, a.opusfilter, NO_PAIRS)
        if rows is not None and not a.no_memory:
            memory_lines(rows, t, a.small_mb, a.big_mb)


if __name__ == "__main__":
    main()

"""Whole-run speed and memory: ``mtclean run`` as a user runs it, measured side by side.

Prints, on one generated JSONL archive (news documents of a few records each):
- end-to-end segments/s of ``mtclean run`` with ``--workers 1``, ``--workers 2`` and
  ``--engine ray`` (2 workers), each against a plain per-segment langdetect loop over the same
  segments, and workers 2 against workers 1;
- peak RSS of whole runs (the process and all its workers, sampled) at 10 MB and at 200 MB.

    python bench/scale.py [--speed-mb 20] [--small-mb 10] [--big-mb 200] [--skip-ray]

Targets (issue 7): workers 1 >= 5,000 segments/s and >= 5x langdetect; workers 2 >= 1.8x
workers 1; peak RSS at 200 MB <= 1.5x that at 10 MB and < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import sentences  # noqa: E402


def make_archive(path: Path, mb: float, seed: int = 5) -> int:
    """Write a JSONL archive of about ``mb`` MB; returns its record count."""
    rng = random.Random(seed)
    pool = sentences(50_000, seed=seed)
    target = int(mb * 1_000_000)
    size = n = 0
    with open(path, "w", encoding="utf-8") as fh:
        doc = 0
        while size < target:
            doc += 1
            for k in range(rng.randint(4, 12)):
                body = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
                if k == 0:
                    body = body.split(".")[0] + " | news | economy"
                line = json.dumps(
                    {"id": f"{doc}-{k}", "doc": f"a{doc}", "target": body, "site": "x"},
                    ensure_ascii=False,
                )
                fh.write(line + "\n")
                size += len(line) + 1
                n += 1
    return n


def run(args: list[str], out: Path) -> tuple[float, int, dict]:
    """Wall seconds, peak RSS of the whole process tree (bytes), summary."""
    cmd = [sys.executable, "-m", "pipeline", "run", *args, "--out", str(out), "-q", "--overwrite"]
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 3):
        sys.exit(f"mtclean run failed: {proc.stderr.read().decode()[-500:]}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return wall, peak, summary


def langdetect_rate(out: Path, n: int = 1500) -> float:
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    texts = []
    with open(out / "segments.jsonl", encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["target"])
            if len(texts) >= n:
                break
    detect(texts[0])
    t0 = time.perf_counter()
    for t in texts:
        detect(t)
    return len(texts) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--speed-mb", type=float, default=20)
    ap.add_argument("--small-mb", type=float, default=10)
    ap.add_argument("--big-mb", type=float, default=200)
    ap.add_argument("--skip-ray", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        src = t / "speed.jsonl"
        n = make_archive(src, a.speed_mb)
        print(f"archive: {a.speed_mb:g} MB, {n:,} records (JSONL, documents of 4-12 records)")
        w1, _, s1 = run([str(src), "--workers", "1"], t / "o1")
        seg = s1["segments"]
        ld = langdetect_rate(t / "o1")
        r1 = seg / w1
        w2, _, _ = run([str(src), "--workers", "2"], t / "o2")
        r2 = seg / w2
        print(f"langdetect loop, 1 core:        {ld:9,.0f} segments/s")
        print(
            f"mtclean run --workers 1:        {r1:9,.0f} segments/s ({seg:,} in {w1:.1f}s) "
            f"= {r1 / ld:.1f}x langdetect"
        )
        print(
            f"mtclean run --workers 2:        {r2:9,.0f} segments/s ({w2:.1f}s) "
            f"= {r2 / ld:.1f}x langdetect, {r2 / r1:.2f}x workers 1"
        )
        if not a.skip_ray:
            wr, _, _ = run([str(src), "--engine", "ray", "--workers", "2"], t / "or")
            rr = seg / wr
            print(
                f"mtclean run --engine ray -j 2:  {rr:9,.0f} segments/s ({wr:.1f}s) "
                f"= {rr / ld:.1f}x langdetect, {rr / r1:.2f}x workers 1"
            )
        small, big = t / "small.jsonl", t / "big.jsonl"
        make_archive(small, a.small_mb, seed=1)
        make_archive(big, a.big_mb, seed=2)
        _, m_small, _ = run([str(small)], t / "os")
        wb, m_big, sb = run([str(big)], t / "ob")
        print(
            f"peak RSS (process tree, default workers) at {a.small_mb:g} MB: "
            f"{m_small / 2**20:,.0f} MB"
        )
        print(
            f"peak RSS (process tree, default workers) at {a.big_mb:g} MB: "
            f"{m_big / 2**20:,.0f} MB ({sb['segments']:,} segments in {wb:.0f}s)"
        )
        print(f"peak RSS ratio {a.big_mb:g} MB / {a.small_mb:g} MB: {m_big / m_small:.2f}")
        ok1 = r1 >= 5000 and r1 >= 5 * ld
        ok2 = r2 >= 1.8 * r1
        ok3 = m_big <= 1.5 * m_small and m_big < 500 * 2**20
        print(f"target workers 1 >= 5,000/s and >= 5x langdetect: {'met' if ok1 else 'NOT met'}")
        print(f"target workers 2 >= 1.8x workers 1: {'met' if ok2 else 'NOT met'}")
        print(f"target RSS at big <= 1.5x small and < 500 MB: {'met' if ok3 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Detection speed: segments/s of the whole detect stage list, one core, against a plain
per-segment langdetect loop over the same sentences, measured side by side in one run.

    python bench/detect_speed.py [--n 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import sentences  # noqa: E402
from pipeline.config import Config  # noqa: E402
from pipeline.executor.driver import LocalExecutor  # noqa: E402
from pipeline.runner import detect_only  # noqa: E402
from pipeline.segments import new_row  # noqa: E402
from pipeline.stages.base import to_batches  # noqa: E402


def rows(texts: list[str]) -> list[dict]:
    return [
        new_row(t, file="bench.txt", seq=i, record=f"L{i}", doc=f"doc{i // 40}")
        for i, t in enumerate(texts)
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--langdetect-n", type=int, default=1000)
    args = ap.parse_args()
    texts = sentences(args.n)
    cfg = detect_only(Config())
    stages = cfg.build_stages()
    batches = to_batches(rows(texts), 1000)
    ex = LocalExecutor(1)
    t0 = time.perf_counter()
    ex.run(stages, batches)
    detect_s = time.perf_counter() - t0
    detect_rate = len(texts) / detect_s

    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    sample = texts[: args.langdetect_n]
    detect(sample[0])  # load profiles outside the timing, as the detect run did
    t0 = time.perf_counter()
    for t in sample:
        detect(t)
    ld_rate = len(sample) / (time.perf_counter() - t0)

    lang_stage = next(s for s in stages if s.name == "language_id")
    print(
        f"detect stage list ({len(stages)} stages), 1 core: {detect_rate:,.0f} segments/s "
        f"({len(texts)} segments in {detect_s:.2f}s; langdetect called on "
        f"{lang_stage.model_calls} of them)"
    )
    print(
        f"plain per-segment langdetect loop:        {ld_rate:,.0f} segments/s "
        f"({len(sample)} segments)"
    )
    print(f"ratio detect/langdetect: {detect_rate / ld_rate:.1f}x")
    slowest = sorted(ex.timings.items(), key=lambda kv: -kv[1])[:5]
    print("slowest stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in slowest))
    one_doc = rows(texts)
    for r in one_doc:
        r["doc"] = "one"  # a whole .txt archive is one document: the doc-level worst case
    t0 = time.perf_counter()
    LocalExecutor(1).run(cfg.build_stages(), to_batches(one_doc, 1000))
    one_rate = len(texts) / (time.perf_counter() - t0)
    print(f"same sentences as one {len(texts)}-segment document: {one_rate:,.0f} segments/s")
    worst = min(detect_rate, one_rate)
    print(
        f"target >= 5,000 segments/s per core: {'met' if worst >= 5000 else 'NOT met'} "
        f"(worst {worst:,.0f})"
    )


if __name__ == "__main__":
    main()

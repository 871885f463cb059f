"""Segmentation cost of one 10 MB record against the same text as many small records.

Sentence splitting must be linear: a record of many sentences costs what the same sentences cost
as separate records. Both are timed side by side in this run and only their ratio is reported
(a quadratic splitter took 75 s for one 0.5 MB record; the ratio then grows with the size).

    python bench/segment_speed.py [--mb 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.text.segment import segment

SHAPES = {
    "sentences": "Mr. Li arrived at 5 p.m. on Monday. He said so! Was it 3.5 km? Yes. ",
    "stop runs": "Wait" + "!" * 300 + "x ",
    "cjk": "今天下雨。明天晴天！真的吗？”好。",
}


def timed(records: list[str]) -> float:
    t0 = time.perf_counter()
    for r in records:
        segment(r)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=10.0, help="size of the single record, in MB")
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    print(f"{'shape':<10} {'one record':>11} {'many records':>13} {'ratio':>6}")
    for name, unit in SHAPES.items():
        n = (size // len(unit.encode())) // 100 * 100
        many = timed([unit * 100] * (n // 100))
        one = timed([unit * n])
        print(f"{name:<10} {one:>10.2f}s {many:>12.2f}s {one / many:>6.2f}")


if __name__ == "__main__":
    main()

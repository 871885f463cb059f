"""``length_ratio`` on the MQM-rated zh->en dev data (../shared/qe-dev): ratio fit and flags.

    python bench/length_ratio_qe.py [--qe-dev ../shared/qe-dev]

For each file (WMT21 TED, WMT22 general): the median target/source ratio of the human
references (sources of 8 units or more, as the check judges them), then how many rows the
``length_ratio`` check flags with the shipped config and how many of those the MQM raters found
error-free (score 0), then the same for the expected zh-en ratio fitted on either file, so that
a fit on one file can be read on the other.
"""

from __future__ import annotations

import argparse
import csv
import statistics
from pathlib import Path

from pipeline.checks.length_ratio import compared_units
from pipeline.config import Config
from pipeline.executor.driver import LocalExecutor
from pipeline.segments import new_row
from pipeline.stages.base import from_batches, to_batches

ROOT = Path(__file__).resolve().parents[1]
FILES = ("wmt21-ted-zhen-mqm.tsv", "wmt22-general-zhen-mqm.tsv")


def _rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _flagged(rows: list[dict[str, str]], expected: float | None) -> tuple[int, int]:
    """(rows flagged, of which MQM error-free) with the shipped config or one zh-en ratio."""
    opts = {"length_ratio": {"expected": {"zh-en": expected}}} if expected else {}
    stages = Config(stage_options=opts).build_stages(["length_ratio"])
    segs = [
        new_row(r["mt_en"], file="qe", record=r["id"], doc="d", source=r["src_zh"], src_lang="zh")
        | {"tgt_lang": "en", "seq": i}
        for i, r in enumerate(rows)
    ]
    out = list(from_batches(LocalExecutor().run(stages, to_batches(segs, 512))))
    hit = [r for r, s in zip(rows, out, strict=True) if s["flags"]]
    return len(hit), sum(float(r["score_or_label"]) == 0 for r in hit)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qe-dev", default=str(ROOT.parent / "shared" / "qe-dev"))
    args = ap.parse_args()
    data = {name: _rows(Path(args.qe_dev) / name) for name in FILES}
    fit = {}
    for name, rows in data.items():
        refs = {r["src_zh"]: r["ref_or_postedit_en"] for r in rows}
        ratios = []
        for src, ref in refs.items():
            s, t = compared_units(src, ref, "zh", "en")
            if s >= 8 and ref.strip():
                ratios.append(t / s)
        fit[name] = statistics.median(ratios)
        print(f"{name}: median ratio of the human references {fit[name]:.3f} ({len(ratios)})")
    shipped = Config().build_stages(["length_ratio"])[0].config.expected["zh-en"]
    print(f"shipped zh-en ratio: {shipped}")
    for label, expected in [("shipped", None)] + [(f"fit on {n[:10]}", fit[n]) for n in FILES]:
        cells = []
        for name, rows in data.items():
            n, ok = _flagged(rows, expected)
            cells.append(f"{name[:10]} flagged {n:3} of {len(rows)}, error-free {ok:3}")
        print(f"  {label:20} " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

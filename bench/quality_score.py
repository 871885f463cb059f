"""Quality benchmark: ``quality`` against professional MQM on WMT21 TED zh->en (13 systems).

    python bench/quality_score.py [--data ../shared/qe-dev/wmt21-ted-zhen-mqm.tsv] [--folds 5]

Turns the TSV into one JSONL (all systems, with references), runs ``mtclean score`` on it and
prints, in one run:

- Kendall tau-b of ``quality`` against MQM over all rows, and of the target-word-count baseline;
- within-source tau: mean tau over the groups of records sharing one source;
- the share of flagged segments (any detection flag) that raters found error-free (MQM = 0);
- corpus chrF/BLEU/TER against the references (from summary.json).

The shipped coefficients were fitted on this same file, so the figures that count are the grouped
cross-validated ones (folds by source segment; each fold's model is refitted on the others and
scores the held-out sources exactly as the stage does). The in-sample figures of the shipped file
are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import fit_quality as fq  # noqa: E402

from pipeline.cli_score import score_run  # noqa: E402
from pipeline.config import Config  # noqa: E402
from pipeline.quality.model import quality_from_logit  # noqa: E402
from pipeline.quality.ranking import grouped_tau, kendall_tau_b  # noqa: E402

TARGETS = {"overall": 0.30, "over_baseline": 0.05, "within": 0.08, "false_alarm": 0.15}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=fq.DATA)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"quality_score: {args.data} not present; nothing to measure", file=sys.stderr)
        return 2
    items = fq.read_tsv(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "wmt21-ted-zhen.jsonl"
        fq.to_jsonl(items, src, with_reference=True)
        t0 = time.perf_counter()
        result = score_run([str(src)], str(Path(tmp) / "out"), Config())
        secs = time.perf_counter() - t0
        lines = (Path(tmp) / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    rows = {r["record"]: r for r in map(json.loads, lines)}
    mqm = [it.mqm for it in items]
    groups = [it.group for it in items]
    quality = [rows[it.id]["quality"] for it in items]
    words = [-len(rows[it.id]["target"].split()) for it in items]
    flagged = [m for it, m in zip(items, mqm, strict=True) if rows[it.id]["flags"]]

    print(f"== {args.data.name}: {len(items)} rows, {len(set(groups))} sources; score {secs:.1f}s")
    base = kendall_tau_b(words, mqm)
    base_within = grouped_tau(words, mqm, groups)
    print(
        f"baseline (-target words)      overall tau {base:+.3f}  within-source {base_within:+.3f}"
    )
    fit_all = kendall_tau_b(quality, mqm)
    fit_within = grouped_tau(quality, mqm, groups)
    print(
        f"quality, shipped (in-sample)  overall tau {fit_all:+.3f}  within-source {fit_within:+.3f}"
    )

    # Grouped CV: refit per fold on the same features the stage computed, score held-out rows.
    feats = fq.feature_rows(items, rows)
    garble = np.array([rows[it.id]["garble_score"] for it in items])
    cv_logit = fq.cross_validated(items, feats, fq.CONSENSUS_FEATURES, 1.0, args.folds)
    cv_q = [quality_from_logit(z, g) for z, g in zip(cv_logit, garble, strict=True)]
    cv_all = kendall_tau_b(cv_q, mqm)
    cv_within = grouped_tau(cv_q, mqm, groups)
    print(
        f"quality, {args.folds}-fold grouped CV     overall tau {cv_all:+.3f}  "
        f"within-source {cv_within:+.3f}"
    )
    single = fq.cross_validated(items, feats, fq.FEATURES, 1.0, args.folds)
    sq = [quality_from_logit(z, g) for z, g in zip(single, garble, strict=True)]
    print(
        f"  (no consensus, CV)          overall tau {kendall_tau_b(sq, mqm):+.3f}  "
        f"within-source {grouped_tau(sq, mqm, groups):+.3f}"
    )
    share = sum(m == 0 for m in flagged) / len(flagged) if flagged else 0.0
    print(f"flagged segments: {len(flagged)}; share with MQM = 0 (false alarms): {share:.3f}")
    m = result.summary.get("metrics")
    if m:
        print(f"corpus metrics vs reference: {json.dumps(m['after'])}")

    print("== targets (grouped CV figures)")
    checks = [
        ("overall tau >= 0.30", cv_all >= TARGETS["overall"], f"{cv_all:.3f}"),
        (
            "overall tau >= baseline + 0.05",
            cv_all >= base + TARGETS["over_baseline"],
            f"{cv_all:.3f} vs {base + TARGETS['over_baseline']:.3f}",
        ),
        ("within-source tau >= 0.08", cv_within >= TARGETS["within"], f"{cv_within:.3f}"),
        ("false-alarm share <= 0.15", share <= TARGETS["false_alarm"], f"{share:.3f}"),
    ]
    for label, ok, value in checks:
        print(f"  {'MET    ' if ok else 'NOT MET'}  {label}: {value}")
    print(f"quality/baseline overall tau ratio: {cv_all / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

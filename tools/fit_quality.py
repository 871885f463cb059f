"""Fit the quality model's coefficients and write ``pipeline/quality/quality_model.json``.

    python tools/fit_quality.py [--data ../shared/qe-dev/wmt21-ted-zhen-mqm.tsv] [--out FILE]
                                [--l2 1.0] [--folds 5] [--check]

Data: WMT21 TED zh->en, 13 MT systems, professional MQM scores (``../shared/qe-dev/README.md``:
Freitag et al. 2021, google/wmt-mqm-human-evaluation, Apache-2.0). Every row is run through the
detection checks of ``mtclean detect`` (for the flag features), then ``features.segment_features``
and, for the ``consensus`` model, the mean chrF against the other systems' translations of the same
source.

The models are L2-regularised logistic regressions of "the segment holds an error worth at least
one minor error" (MQM <= -1) on standardised features: ``sigmoid(logit)`` is that risk. The fit is
deterministic (Newton's method, no random start; folds by a fixed hash of the source id), so the
same data gives the same file. ``--check`` refits and fails when the shipped file differs.

It also prints grouped cross-validated figures (folds by source segment, so no source is both in
training and test): Kendall tau of quality against MQM overall and within source.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import jsonutil  # noqa: E402
from pipeline.config import Config  # noqa: E402
from pipeline.quality.consensus import consensus_scores  # noqa: E402
from pipeline.quality.features import FEATURES, segment_features, vector  # noqa: E402
from pipeline.quality.model import SHIPPED, LinearRisk  # noqa: E402
from pipeline.quality.ranking import grouped_tau, kendall_tau_b  # noqa: E402

DATA = ROOT.parent / "shared" / "qe-dev" / "wmt21-ted-zhen-mqm.tsv"
ERROR_AT = -1.0  # MQM at or below this counts as "holds an error" (one minor error or worse)
CONSENSUS_FEATURES = (*FEATURES, "consensus")


@dataclass
class Item:
    """One rated translation: its id, source group, system, texts and MQM."""

    id: str
    group: str
    system: str
    source: str
    target: str
    mqm: float
    reference: str


def read_tsv(path: Path) -> list[Item]:
    """The qe-dev TSV (header, tab-separated, no quoting)."""
    items = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            _, group, system = row["id"].split("-", 2)
            items.append(
                Item(
                    row["id"],
                    group,
                    system,
                    row["src_zh"],
                    row["mt_en"],
                    float(row["score_or_label"]),
                    row["ref_or_postedit_en"],
                )
            )
    return items


def to_jsonl(items: list[Item], path: Path, with_reference: bool = False) -> None:
    """All systems in one JSONL file; each system's outputs form one document."""
    with path.open("w", encoding="utf-8") as fh:
        for it in items:
            rec = {"id": it.id, "source": it.source, "target": it.target}
            rec |= {"src_lang": "zh", "doc": it.system}
            if with_reference:
                rec["reference"] = it.reference
            fh.write(jsonutil.dumps(rec) + "\n")


def detect_flags(items: list[Item]) -> dict[str, dict]:
    """Run ``mtclean detect``'s checks over the items: segment rows by record id."""
    from pipeline.runner import RunOptions, run

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "qe.jsonl"
        to_jsonl(items, src)
        stages = [s for s in Config().run.stages if s not in ("score",)]
        run([str(src)], str(Path(tmp) / "out"), Config(), RunOptions(stages=stages, rewrite=False))
        lines = (Path(tmp) / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["record"]: r for r in map(json.loads, lines)}


def feature_rows(items: list[Item], rows: dict[str, dict]) -> list[dict[str, float]]:
    """Features of every item (consensus against the other systems of its source)."""
    by_group: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_group.setdefault(it.group, []).append(i)
    cons: dict[int, float | None] = {}
    for idx in by_group.values():
        texts = [rows[items[i].id]["target"] for i in idx]
        for i, c in zip(idx, consensus_scores(texts), strict=True):
            cons[i] = c
    out = []
    for i, it in enumerate(items):
        r = rows[it.id]
        f = segment_features(r["target"], r["source"], r["flags"], r["garble_score"])
        f["consensus"] = cons[i]  # type: ignore[assignment]
        out.append(f)
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float) -> LinearRisk:
    """L2-regularised logistic regression on standardised columns, by Newton's method."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    z1 = np.hstack([np.ones((len(z), 1)), z])
    w = np.zeros(z1.shape[1])
    penalty = np.full(z1.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z1 @ w)))
        grad = z1.T @ (p - y) + penalty * w
        hess = (z1 * (p * (1 - p))[:, None]).T @ z1 + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return LinearRisk(
        features=(),
        mean=tuple(mean.tolist()),
        scale=tuple(scale.tolist()),
        coef=tuple(w[1:].tolist()),
        intercept=float(w[0]),
    )


def fit(feats: list[dict[str, float]], mqm: np.ndarray, names: tuple[str, ...], l2: float):
    """Fit one model over ``names``; returns a LinearRisk naming its features."""
    x = np.array([vector(f, names) for f in feats], dtype=float)
    m = fit_logistic(x, (mqm <= ERROR_AT).astype(float), l2)
    return LinearRisk(names, m.mean, m.scale, m.coef, m.intercept)


def fold_of(group: str, folds: int) -> int:
    """A fixed fold per source group (a hash, so no random state is involved)."""
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % folds


def cross_validated(
    items: list[Item], feats: list[dict[str, float]], names: tuple[str, ...], l2: float, folds: int
) -> np.ndarray:
    """Out-of-fold risk logits, folds by source group."""
    mqm = np.array([it.mqm for it in items])
    fold = np.array([fold_of(it.group, folds) for it in items])
    out = np.zeros(len(items))
    for k in range(folds):
        train = np.flatnonzero(fold != k)
        model = fit([feats[i] for i in train], mqm[train], names, l2)
        for i in np.flatnonzero(fold == k):
            out[i] = model.logit(feats[i])
    return out


def report(name: str, items: list[Item], quality: np.ndarray) -> dict[str, float]:
    """Overall and within-source tau of ``quality`` against MQM."""
    mqm = [it.mqm for it in items]
    groups = [it.group for it in items]
    overall = kendall_tau_b(quality.tolist(), mqm)
    within = grouped_tau(quality.tolist(), mqm, groups)
    print(f"{name:<34} overall tau {overall:+.3f}   within-source tau {within:+.3f}")
    return {"overall": overall, "within": within}


def build(data: Path, l2: float, folds: int, verbose: bool = True) -> dict:
    """Extract features, print CV figures, fit on all data; the model file's JSON object."""
    items = read_tsv(data)
    rows = detect_flags(items)
    feats = feature_rows(items, rows)
    mqm = np.array([it.mqm for it in items])
    if verbose:
        words = np.array([-f["tgt_words"] for f in feats])
        report("baseline: -target words", items, words)
        for label, names in (("single", FEATURES), ("consensus", CONSENSUS_FEATURES)):
            cv = cross_validated(items, feats, names, l2, folds)
            report(f"{label} model, {folds}-fold grouped CV", items, -cv)
    single = fit(feats, mqm, FEATURES, l2)
    both = fit(feats, mqm, CONSENSUS_FEATURES, l2)
    return {
        "about": (
            "Risk that a segment holds an error a professional rater marks (MQM <= -1): "
            "risk = sigmoid(logit), quality = 1 - risk. L2 logistic regression on standardised "
            "features, fitted by tools/fit_quality.py."
        ),
        "trained_on": {
            "file": "shared/qe-dev/wmt21-ted-zhen-mqm.tsv",
            "rows": len(items),
            "sources": len({it.group for it in items}),
            "sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
            "provenance": "WMT21 TED zh-en system outputs, MQM by Freitag et al. 2021 (Apache-2.0)",
        },
        "error_at_mqm": ERROR_AT,
        "l2": l2,
        "models": {"single": single.to_json(), "consensus": both.to_json()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=SHIPPED)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--check", action="store_true", help="fail if the shipped file would change")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"fit_quality: {args.data}: no such file", file=sys.stderr)
        return 2
    obj = build(args.data, args.l2, args.folds, verbose=not args.check)
    text = json.dumps(obj, indent=1) + "\n"
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(f"fit_quality: {args.out} {'is up to date' if same else 'DIFFERS from a refit'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"fit_quality: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

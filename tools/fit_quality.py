"""Fit the quality models and write ``pipeline/quality/quality_model.json`` (zh-en) and
``pipeline/quality/quality_model_any.json`` (pair-independent).

    python tools/fit_quality.py [--data-dir ../shared/qe-dev] [--cache DIR] [--check]

Data: the two zh->en files of ``../shared/qe-dev/`` (see its README), each MT system output with
a professional MQM score: WMT21 TED talks (6,877 rows, 13 systems, Freitag et al. 2021,
google/wmt-mqm-human-evaluation, Apache-2.0) and the WMT22 general test (18,750 rows, 10
systems, mt-metrics-eval, Apache-2.0). Every row is run through the detection checks of
``mtclean detect`` (for the flags and ``garble_score``), then ``features.segment_features``, and
its consensus (mean chrF against the other systems' translations of the same source).

**What is fitted.** MQM sums weighted errors, so it is modelled as a regression of
``-log(1 - MQM)`` (0 for a clean segment, about -3.3 at the -25 floor) in two parts:

1. *within a source*: on features centred per source (each minus the mean over the source's
   translations), so the coefficients rank the translations of one source: ``consensus`` (the
   single model has nothing of the kind; the detection flags rank the translations of one
   source for both, below);
2. *between sources*: on the residual, with features of the source alone (length, clauses, rare
   characters and words, names, idioms, numbers, Latin words, quotes), which rank sources by how
   hard they are and never reorder the translations of one source; with peers, also
   ``peer_words`` (``pipeline/quality/agreement.py``: the mean log word count of the source's
   translations, the same for each of them), which raised the overall tau in both transfer
   directions (TED->WMT22 0.306 -> 0.315, WMT22->TED 0.277 -> 0.280) and in both files' CV.

Target-side features (CC-CEDICT gloss coverage, unaligned target words, names and numbers carried
over, length ratio, rare target words) are computed too, but every one of them lowered the
within-source or overall tau when the fit was moved to the other file, so the shipped model
leaves them out (``bench/quality_score.py --ablation`` prints those figures). So did the
word-level agreement with the peers (``agreement.AGREEMENT``: support of the translation's words
among the peers, recall of the words most peers share, words no peer has, source words whose
gloss most peers carry and this one drops, Zipf frequency against the peers'), alone or
together, in the within-source part (pointwise ridge, or logistic regression on the feature
differences of pairs of one source) or in the between-source part: pairwise accuracy on the other
file stayed at or below chrF consensus alone (TED->WMT22 0.576, WMT22->TED 0.558). Nor did chrF
with another beta (0.5, 1, 3), its precision or recall, its median, or a symmetric mean, or fitting
for "no major error", a capped MQM or another transform of it instead of ``-log(1 - MQM)``.
Nor, measured with identical translations left out of pairwise accuracy, English word frequency
z-scored among the source's translations (mean, minimum and content-word Zipf, unknown and rare
shares), a lower-case start, doubled spaces, or the number of other systems with the very same
text, in either within-source fit (each moved pairwise accuracy on the other file by 0.004 at
most), nor consensus over distinct texts only, without self-copies, or as a power mean of chrF.
Between sources, the mean, minimum or spread of the consensus of a source's translations, or the
spread of their lengths, moved the overall tau on the other file by 0.004 at most.

The linear score is then calibrated by a one-feature logistic regression to the probability of a
major error (MQM <= -5: one major error, or five minor ones), so ``quality = 1 - risk`` estimates
the probability that a professional rater marks no major error. The shipped zh-en model is fitted
on both files together; the transfer figures recorded in it come from fitting on one file and
measuring on the other. The pair-independent model has no wording features at all: its risk is
the base rate of major errors in the fitting data. For every model, the detection flags'
``garble_score`` joins the risk by noisy-OR in ``quality_from_logit``: the dev data (MT of good
systems) has too little garbled text for a fit to learn how bad it is.

Deterministic (closed-form ridge and Newton's method, no random state; CV folds by a hash of the
source id), so the same data gives the same files byte for byte; ``--check`` refits and fails
when a shipped file differs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import pickle
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import jsonutil  # noqa: E402
from pipeline.config import Config  # noqa: E402
from pipeline.quality import features as qf  # noqa: E402
from pipeline.quality.agreement import peer_features  # noqa: E402
from pipeline.quality.consensus import consensus_scores  # noqa: E402
from pipeline.quality.model import (  # noqa: E402
    PAIR_FREE,
    SHIPPED,
    LinearRisk,
    quality_from_logit,
)
from pipeline.quality.ranking import grouped_tau, kendall_tau_b, pairwise_accuracy  # noqa: E402
from pipeline.stages.combine import CombineConfig  # noqa: E402

# ../shared/qe-dev of the checkout (or of the folder above, for a worktree one level down)
DATA_DIR = next(
    (p / "shared" / "qe-dev" for p in ROOT.parents if (p / "shared" / "qe-dev").is_dir()),
    ROOT.parent / "shared" / "qe-dev",
)
FILES = ("wmt21-ted-zhen-mqm.tsv", "wmt22-general-zhen-mqm.tsv")
SHORT = {"wmt21-ted-zhen-mqm.tsv": "TED", "wmt22-general-zhen-mqm.tsv": "WMT22"}
DATA = DATA_DIR / FILES[0]  # the default of older callers
PROVENANCE = {
    "wmt21-ted-zhen-mqm.tsv": "WMT21 TED zh-en, 13 systems; MQM by Freitag et al. 2021 "
    "(google/wmt-mqm-human-evaluation, Apache-2.0)",
    "wmt22-general-zhen-mqm.tsv": "WMT22 general zh-en (e-commerce, news, social, conversation), "
    "10 systems; Google MQM from the mt-metrics-eval WMT22 release (Apache-2.0)",
}
# The ``[combine]`` threshold at or above which a segment is ``garbled``.
REVIEW_AT = CombineConfig(**Config().options_for("combine")).threshold
MAJOR_AT = -5.0  # MQM at or below: a major error (or five minor ones)
L2 = 10.0
# Within a source: what ranks the translations of one source.
WITHIN: dict[str, tuple[str, ...]] = {"consensus": ("consensus",), "single": ()}
# Between sources: how hard the source is (never reorders the translations of one source).
SOURCE = (
    "src_chars",
    "src_rare_chars",
    "src_rare",
    "src_names",
    "src_idioms",
    "src_numbers",
    "src_latin",
    "src_commas",
    "src_de",
    "src_quotes",
    "src_clauses",
    "src_spaces",
    "src_sents",
)
# With peers: how long the source's translations are (their mean log word count, the same for
# every translation of a source, so it ranks sources, not translations).
BETWEEN = {"consensus": (*SOURCE, "peer_words", "consensus"), "single": SOURCE}
BINS = 10


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
    """A qe-dev TSV (header, tab-separated, no quoting); groups are prefixed by the file id."""
    items = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            corpus, group, system = row["id"].split("-", 2)
            items.append(
                Item(
                    row["id"],
                    f"{corpus}-{group}",
                    system,
                    row["src_zh"],
                    row["mt_en"],
                    float(row["score_or_label"]),
                    row["ref_or_postedit_en"],
                )
            )
    return items


def to_jsonl(items: list[Item], path: Path, with_reference: bool = False) -> None:
    """All systems in one JSONL file (the shape ``mtclean`` reads); each system is one document."""
    with path.open("w", encoding="utf-8") as fh:
        for it in items:
            rec = {"id": it.id, "source": it.source, "target": it.target}
            rec |= {"src_lang": "zh", "tgt_lang": "en", "doc": it.system}
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
    keep = ("target", "source", "flags", "garble_score")
    return {r["record"]: {k: r[k] for k in keep} for r in map(json.loads, lines)}


@dataclass
class Dataset:
    """One dev file: items, detection rows, features (with consensus) and MQM."""

    name: str
    items: list[Item]
    rows: list[dict[str, Any]]
    feats: list[dict[str, Any]]
    mqm: np.ndarray = field(init=False)
    groups: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.mqm = np.array([it.mqm for it in self.items])
        self.groups = [it.group for it in self.items]

    @property
    def garble(self) -> np.ndarray:
        return np.array([r["garble_score"] for r in self.rows])

    def subset(self, idx: Sequence[int]) -> Dataset:
        return Dataset(
            self.name,
            [self.items[i] for i in idx],
            [self.rows[i] for i in idx],
            [self.feats[i] for i in idx],
        )


def feature_rows(items: list[Item], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Features of every item, with its consensus against the other systems of its source."""
    by_group: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_group.setdefault(it.group, []).append(i)
    cons: dict[int, float | None] = {}
    peers: dict[int, dict[str, float]] = {}
    for idx in by_group.values():
        texts = [rows[i]["target"] for i in idx]
        for k, (i, c) in enumerate(zip(idx, consensus_scores(texts), strict=True)):
            cons[i] = c
            peers[i] = peer_features(texts[k], texts[:k] + texts[k + 1 :], rows[i]["source"])
    out = []
    for i, r in enumerate(rows):
        f: dict[str, Any] = qf.segment_features(
            r["target"], r["source"], r["flags"], r["garble_score"]
        )
        f["consensus"] = cons[i]
        f |= peers[i]
        out.append(f)
    return out


def _code_hash() -> str:
    """What the cached features depend on: the feature code and the checks' code."""
    h = hashlib.sha256()
    code = ROOT / "pipeline"
    quality = [code / "quality" / "features.py", code / "quality" / "agreement.py"]
    for p in [*quality, *sorted((code / "checks").rglob("*.py"))]:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def load_dataset(path: Path, cache: Path | None = None) -> Dataset:
    """Read, detect and featurise one dev file; with ``cache``, reuse a pickle of the result
    made from the same file and the same code (only while iterating: nothing shipped reads it)."""
    data_hash = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cached = cache / f"{path.stem}-{data_hash}-{_code_hash()}.pkl" if cache else None
    items = read_tsv(path)
    if cached and cached.exists():
        with cached.open("rb") as fh:
            rows, feats = pickle.load(fh)  # our own cache file, under --cache
        return Dataset(path.name, items, rows, feats)
    by_id = detect_flags(items)
    rows = [by_id[it.id] for it in items]
    ds = Dataset(path.name, items, rows, feature_rows(items, rows))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with cached.open("wb") as fh:
            pickle.dump((ds.rows, ds.feats), fh)  # plain data: readable from any caller
    return ds


def matrix(feats: Sequence[dict[str, Any]], names: Sequence[str]) -> np.ndarray:
    """The features ``names`` of each row (missing ones 0)."""
    return np.array([[f.get(n) or 0.0 for n in names] for f in feats], dtype=float).reshape(
        len(feats), len(names)
    )


def target_of(mqm: np.ndarray) -> np.ndarray:
    """The regression target: ``-log(1 - MQM)``, 0 for no error, lower for worse."""
    return -np.log1p(-np.minimum(mqm, 0.0))


def _centred(x: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    by: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by.setdefault(g, []).append(i)
    out = x.copy()
    for idx in by.values():
        out[idx] -= out[idx].mean(axis=0)
    return out


def _ridge(z: np.ndarray, y: np.ndarray, l2: float, intercept: bool) -> np.ndarray:
    z1 = np.hstack([np.ones((len(z), 1)), z]) if intercept else z
    penalty = np.eye(z1.shape[1]) * l2
    if intercept:
        penalty[0, 0] = 0.0
    return np.linalg.solve(z1.T @ z1 + penalty, z1.T @ y)


def fit_score(ds: Dataset, kind: str, l2: float = L2) -> LinearRisk:
    """The two-part linear score (higher = better) of ``kind`` (consensus or single)."""
    within, between = WITHIN[kind], BETWEEN[kind]
    names = tuple(dict.fromkeys((*within, *between)))
    x = matrix(ds.feats, names)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    y = target_of(ds.mqm)
    wi = [names.index(n) for n in within]
    if wi:
        yc = _centred(y[:, None], ds.groups)[:, 0]
        w_within = _ridge(_centred(z[:, wi], ds.groups), yc, l2, False)
    else:
        w_within = np.zeros(0)
    resid = y - z[:, wi] @ w_within
    bi = [names.index(n) for n in between]
    w_between = _ridge(z[:, bi], resid, l2, True)
    coef = np.zeros(len(names))
    coef[wi] += w_within
    coef[bi] += w_between[1:]
    return LinearRisk(
        names,
        tuple(mean.tolist()),
        tuple(scale.tolist()),
        tuple(coef.tolist()),
        float(w_between[0]),
    )


def fit_logistic_1d(s: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``P(y) = sigmoid(a + b * s)`` by Newton's method (tiny ridge for stability)."""
    x = np.stack([np.ones_like(s), s], axis=1)
    w = np.zeros(2)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + 1e-6 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-12:
            break
    return float(w[0]), float(w[1])


def scores(model: LinearRisk, feats: Sequence[dict[str, Any]]) -> np.ndarray:
    return np.array([model.logit(f) for f in feats])


def fit_risk(ds: Dataset, kind: str) -> LinearRisk:
    """The score of ``kind`` calibrated to the risk logit of a major error."""
    sc = fit_score(ds, kind)
    a, b = fit_logistic_1d(scores(sc, ds.feats), (ds.mqm <= MAJOR_AT).astype(float))
    return LinearRisk(
        sc.features, sc.mean, sc.scale, tuple(b * c for c in sc.coef), a + b * sc.intercept
    )


def pooled(datasets: Sequence[Dataset]) -> Dataset:
    out = Dataset(
        "+".join(d.name for d in datasets),
        [it for d in datasets for it in d.items],
        [r for d in datasets for r in d.rows],
        [f for d in datasets for f in d.feats],
    )
    return out


def quality_of(ds: Dataset, consensus: LinearRisk) -> np.ndarray:
    """``quality`` as the stage computes it (consensus model, flags joined by noisy-OR)."""
    return np.array(
        [
            quality_from_logit(consensus.logit(f), g)
            for f, g in zip(ds.feats, ds.garble, strict=True)
        ]
    )


def measure(ds: Dataset, quality: np.ndarray) -> dict[str, float]:
    """The bench figures of ``quality`` on ``ds``."""
    words = np.array([-math.expm1(f["tgt_words"]) for f in ds.feats])
    flagged = np.array([bool(qf.flag_features(r["flags"], 0.0)["flags"]) for r in ds.rows])
    # Sent to review: what the detect stage marks garbled (major or critical evidence, or minor
    # flags adding up), the segments an editor must look at; minor flags alone are evidence.
    review = ds.garble >= REVIEW_AT
    low = quality < 0.5
    return {
        "overall_tau": kendall_tau_b(quality, ds.mqm),
        "length_baseline_tau": kendall_tau_b(words, ds.mqm),
        "within_source_tau": grouped_tau(quality.tolist(), ds.mqm.tolist(), ds.groups),
        # identical translations of one source (one text rated twice) are left out: no score
        # can order them; ``pairwise_accuracy_all`` counts them at half, as before
        "pairwise_accuracy": pairwise_accuracy(
            quality.tolist(), ds.mqm.tolist(), ds.groups, [it.target for it in ds.items]
        ),
        "pairwise_accuracy_all": pairwise_accuracy(quality.tolist(), ds.mqm.tolist(), ds.groups),
        "flagged": int(flagged.sum()),
        "flagged_error_free": float((ds.mqm[flagged] == 0).mean()) if flagged.any() else 0.0,
        "review": int(review.sum()),
        "review_error_free": float((ds.mqm[review] == 0).mean()) if review.any() else 0.0,
        "low_quality": int(low.sum()),
        "low_quality_error_free": float((ds.mqm[low] == 0).mean()) if low.any() else 0.0,
        "brier": float(np.mean((quality - (ds.mqm > MAJOR_AT)) ** 2)),
    }


def reliability(quality: np.ndarray, mqm: np.ndarray) -> list[dict[str, float]]:
    """Predicted against observed share without a major error, in ``BINS`` equal-width bins."""
    ok = (mqm > MAJOR_AT).astype(float)
    out = []
    for b in range(BINS):
        lo, hi = b / BINS, (b + 1) / BINS
        sel = (quality >= lo) & ((quality < hi) if b < BINS - 1 else (quality <= hi))
        if sel.any():
            out.append(
                {
                    "lo": lo,
                    "hi": hi,
                    "n": int(sel.sum()),
                    "predicted": round(float(quality[sel].mean()), 4),
                    "observed": round(float(ok[sel].mean()), 4),
                }
            )
    return out


def transfer(train: Dataset, test: Dataset) -> tuple[dict[str, float], np.ndarray]:
    """Fit on ``train``, measure on ``test``."""
    q = quality_of(test, fit_risk(train, "consensus"))
    return measure(test, q), q


def fold_of(group: str, folds: int) -> int:
    """A fixed fold per source group (a hash, so no random state is involved)."""
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % folds


def cross_validated(ds: Dataset, folds: int = 5) -> dict[str, float]:
    """In-domain figures: grouped ``folds``-fold CV (no source in training and test)."""
    fold = np.array([fold_of(g, folds) for g in ds.groups])
    q = np.zeros(len(ds.items))
    for k in range(folds):
        train = ds.subset(np.flatnonzero(fold != k).tolist())
        test_idx = np.flatnonzero(fold == k)
        q[test_idx] = quality_of(ds.subset(test_idx.tolist()), fit_risk(train, "consensus"))
    return measure(ds, q)


def _rounded(d: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}


def build(data_dir: Path, cache: Path | None = None, verbose: bool = True) -> tuple[dict, dict]:
    """Both model files' JSON objects (zh-en, pair-independent)."""
    datasets = [load_dataset(data_dir / f, cache) for f in FILES]
    figures: dict[str, Any] = {}
    curve_q, curve_m = [], []
    for a, b in ((0, 1), (1, 0)):
        m, q = transfer(datasets[a], datasets[b])
        key = f"{SHORT[FILES[a]]}->{SHORT[FILES[b]]}"
        figures[key] = _rounded(m)
        curve_q.append(q)
        curve_m.append(datasets[b].mqm)
        if verbose:
            print(f"fit_quality: transfer {key}: {json.dumps(figures[key])}")
    both = pooled(datasets)
    consensus, single = fit_risk(both, "consensus"), fit_risk(both, "single")
    trained_on = [
        {
            "file": f"shared/qe-dev/{d.name}",
            "rows": len(d.items),
            "sources": len(set(d.groups)),
            "sha256": hashlib.sha256((data_dir / d.name).read_bytes()).hexdigest(),
            "provenance": PROVENANCE[d.name],
        }
        for d in datasets
    ]
    zh_en = {
        "name": "zh-en",
        "pairs": ["zh-en"],
        "about": (
            "P(a professional rater marks no major error) = 1 - sigmoid(logit); MQM <= -5 is a "
            "major error. Two-part ridge regression of -log(1 - MQM) (within a source: "
            "consensus; between sources: source difficulty and the length of its translations), "
            "calibrated by logistic "
            "regression; fitted by tools/fit_quality.py on both files below."
        ),
        "trained_on": trained_on,
        "major_at_mqm": MAJOR_AT,
        "l2": L2,
        "transfer": figures,
        "reliability": reliability(np.concatenate(curve_q), np.concatenate(curve_m)),
        "reliability_from": "transfer predictions: fitted on one file, measured on the other",
        "models": {"single": single.to_json(), "consensus": consensus.to_json()},
    }
    base_rate = float((both.mqm <= MAJOR_AT).mean())
    intercept = math.log(base_rate / (1.0 - base_rate))
    free = LinearRisk((), (), (), (), intercept).to_json()
    any_pair = {
        "name": "pair-independent",
        "pairs": ["*"],
        "about": (
            "For language pairs no model was fitted for: no wording features, so nothing fitted "
            "on one language scores another. The risk is the share of MT segments with a major "
            "error in the fitting data (a prior, not a judgement of the text); the detection "
            "flags lower it through garble_score (quality_from_logit)."
        ),
        "trained_on": trained_on,
        "major_at_mqm": MAJOR_AT,
        "prior_quality": round(1.0 - base_rate, 4),
        "models": {"single": free, "consensus": free},
    }
    if verbose:
        print(f"fit_quality: prior P(no major error) {1 - base_rate:.4f} (pair-independent)")
    return zh_en, any_pair


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DATA_DIR)
    ap.add_argument("--cache", type=Path, default=None, help="feature cache folder (iterating)")
    ap.add_argument("--check", action="store_true", help="fail if a shipped file would change")
    args = ap.parse_args(argv)
    missing = [f for f in FILES if not (args.data_dir / f).exists()]
    if missing:
        print(f"fit_quality: {args.data_dir / missing[0]}: no such file", file=sys.stderr)
        return 2
    objs = build(args.data_dir, args.cache, verbose=not args.check)
    status = 0
    for path, obj in zip((SHIPPED, PAIR_FREE), objs, strict=True):
        text = json.dumps(obj, indent=1) + "\n"
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == text
            print(f"fit_quality: {path.name} {'is up to date' if same else 'DIFFERS from a refit'}")
            status |= not same
        else:
            path.write_text(text, encoding="utf-8")
            print(f"fit_quality: wrote {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())

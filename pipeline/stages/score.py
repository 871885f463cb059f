"""Stage ``score``: a reference-free ``quality`` per segment, candidate choice, reference metrics.

For every segment:

1. **Candidates.** The MT (``target``, origin ``mt``), the cleaned text when an earlier stage
   changed it (origin ``glossary``, ``keyword_tail``, ``normalize`` or ``edit``, after what
   changed it), and any candidates an earlier stage recorded (``retranslation``,
   ``dictionary``).
2. **Scores.** Each candidate gets its quality in ``score`` (0..1, higher is better) from the
   fitted model (``pipeline.quality.model``) over cheap features and its detection flags (the
   worker context judges every text that is not the MT with the run's configured checks, at the
   positions of that text), plus, when there is something to compare with, its consensus: mean
   chrF against the other translations of the same source (other candidates that are not edits
   of it, and other records with the same ``source``, gathered by ``scan``). With a model scorer,
   the length-normalised log-probability of the candidate given the source (kept in
   ``logprob``) shifts the risk too.
3. **Choice.** The rule of ``pipeline.stages.choice`` (a candidate with a guard failure is
   never chosen; a re-translation must beat the current output by ``retranslation_margin``):
   ``quality`` is the chosen candidate's, and the candidates' ``reasons`` say why. Stage
   ``decide`` applies the same rule to ``output`` and ``decision``; this stage writes neither.
   In detect/score mode (``choose = false``) nothing is replaced.
4. **Metrics.** When the record has a ``reference``: sentence chrF/BLEU/TER of the output in
   ``metrics``, and sacrebleu sufficient statistics for the MT (before) and the output (after)
   in the stats channel; ``finish_stats`` turns them into corpus scores.

``quality`` is the quality of the segment's output; ``candidates`` is written only when there was
a choice (more than one candidate), with the MT's own score under origin ``mt``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
from pydantic import Field

import pipeline.checks  # noqa: F401  (registers the checks a default context judges with)
from pipeline.core.context import Context, default_context
from pipeline.core.schema import MT_FAMILY, Candidate, Flag, as_candidate, make_candidate
from pipeline.core.stage import Batch, Stage, StageConfig, Stats, batch_rows, register
from pipeline.quality.agreement import peer_features
from pipeline.quality.consensus import GramCache, chrf_matrix, consensus_scores, source_key
from pipeline.quality.features import (
    chinese_frequencies,
    dictionary_words,
    flag_features,
    segment_features,
)
from pipeline.quality.metrics import corpus_scores, count_keys, metric_set, tokenizer_for
from pipeline.quality.model import PairModels, quality_from_logit
from pipeline.stages.choice import CHOSEN, choose
from pipeline.stages.combine import CombineConfig, garble_score

# Flags of the normalisation stage: an output changed by it alone is a ``normalize`` edit.
NORMALIZE_FLAGS = frozenset({"mojibake", "unicode_nfc", "control_chars"})
# Length features describe how hard the segment is, not which rendering is better: the length of
# the target does not rank the translations of one source (within-source tau ~0 on WMT21 MQM),
# and letting it would favour whichever candidate leaves the most out. Every candidate is scored
# with the MT's values for them (and for ``peer_words``: how long the source's translations are).
SEGMENT_LENGTH_FEATURES = ("tgt_words", "len_ratio", "len_ratio_sq", "tgt_commas", "peer_words")


class ModelScorer(Protocol):
    """What a translation backend offers for scoring: the length-normalised log-probability of
    each target given its source, by forced decoding (``pipeline.mt`` backends)."""

    def score(self, sources: list[str], targets: list[str]) -> list[float]: ...


class ScoreConfig(StageConfig):
    model_path: str | None = Field(
        None, description="quality coefficient file (default: the shipped quality_model.json)"
    )
    consensus: bool = Field(True, description="compare with other translations of the source")
    max_peers: int = Field(12, ge=0, description="most other records' translations kept per source")
    consensus_k: int = Field(
        12,
        ge=0,
        description="compare each translation with at most this many others, the nearest by "
        "MinHash (0: all)",
    )
    choose: bool = Field(True, description="replace the output with the best candidate")
    retranslation_margin: float = Field(
        0.05, ge=0.0, le=1.0, description="quality a re-translation must win by"
    )
    flag_weight: float = Field(
        1.0, ge=0.0, le=1.0, description="weight of garble_score joined to the risk (noisy-OR)"
    )
    model: str = Field("", description="set from [retranslate] model: forced-decoding scores")
    model_device: str = Field("cpu", description="set from [retranslate] device")
    model_allow_pickle: bool = Field(False, description="set from [retranslate] allow_pickle")
    model_weight: float = Field(
        1.0, ge=0.0, description="risk logit shift per unit of model log-prob (not fitted)"
    )
    model_center: float = Field(
        -1.5, description="model log-prob that leaves the risk unchanged (not fitted)"
    )


@register
class Score(Stage[ScoreConfig]):
    """Score each segment's quality, choose the best candidate, compute reference metrics."""

    name = "score"
    Config = ScoreConfig
    needs_scan = True
    scan_reads = frozenset({"source", "target", "file", "record"})
    writes = frozenset({"quality", "candidates", "metrics"})

    def __init__(self, config: ScoreConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        # Set by setup() from the configured model, or by a caller (tests, the model runner).
        self.scorer: ModelScorer | None = None
        self._models: PairModels | None = None
        self._ctx: Context | None = None
        self._segment_checks: frozenset[str] = frozenset()
        # Character n-grams of the texts scored by this worker outside a group matrix (other
        # candidates, records beyond a full group), kept across batches and shards (bounded,
        # least recently used out), so each is extracted once for the run, not once per peer or
        # batch. 32 MiB holds about 5,500 sentences of 100 characters; the records of a group
        # no longer pass through it, so the worker's peak stays under 250 MB (bench/scale.py).
        self._ngrams = GramCache(32 * 2**20)
        # chrF between all translations of a source (``chrf_matrix``), one numpy pass per group
        # the first time one of its records is scored, kept for the group's other records
        # (least recently used out past 8 MiB of matrices: 6,000 groups of 13), keyed by a
        # digest of the texts so that the cache does not keep the texts alive.
        self._group_chrf: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._group_bytes, self._group_max_bytes = 0, 8 * 2**20
        self._combine: Any = None

    def setup(self) -> None:
        self._models = PairModels(self.config.model_path)  # per language pair
        # The worker's context: the run's checks judge candidate texts, [combine] weighs them.
        self._ctx = self.context or default_context([self])
        self._combine = CombineConfig(**self._ctx.spec.options.get("combine", {}))
        # Segment checks re-run on candidate texts; document-level flags carry over unchanged.
        self._segment_checks = frozenset(c.name for c in self._ctx.checks())
        dictionary_words()
        chinese_frequencies()

    def _scorer(self, src: str | None, tgt: str) -> ModelScorer | None:
        """The model scorer for one language pair (the record's): the re-translation model."""
        cfg = self.config
        if self.scorer is not None or not cfg.model or not src:
            return self.scorer
        assert self._ctx is not None
        return self._ctx.translator(  # type: ignore[no-any-return]
            cfg.model, src, tgt, device=cfg.model_device, allow_pickle=cfg.model_allow_pickle
        )

    @classmethod
    def detect_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        return {**options, "choose": False}

    # -- document-level state: other records' translations of the same source
    def scan(self, batch: Batch) -> dict[str, list[tuple[str, str]]]:
        if not self.config.consensus:
            return {}
        part: dict[str, list[tuple[str, str]]] = {}
        for src, tgt, f, rec in zip(
            batch["source"], batch["target"], batch["file"], batch["record"], strict=True
        ):
            if src and tgt.strip():
                part.setdefault(source_key(src), []).append((f"{f}\0{rec}", tgt))
        return part

    def merge_shards(self, parts: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        """Each shard gets only the groups of the sources it holds, so a worker loads its own
        shard's peers, not the whole table of the archive, for every shard."""
        kept: list[tuple[int, list[str]]] = []

        def remember() -> Iterator[Any]:
            for shard, part in parts:
                kept.append((shard, list(part or ())))
                yield part

        groups = self.merge(remember())
        for shard, keys in kept:
            yield shard, {k: groups[k] for k in keys if k in groups}

    def merge(self, parts: Iterable[Any]) -> dict[str, list[tuple[str, str]]]:
        cap = self.config.max_peers + 1  # the record itself is one of them
        groups: dict[str, list[tuple[str, str]]] = {}
        for part in parts:
            for key, items in (part or {}).items():
                g = groups.setdefault(key, [])
                g.extend(items[: cap - len(g)])
        # Only sources that occur more than once are of use; the rest is dropped right away.
        return {k: v for k, v in groups.items() if len(v) > 1}

    # -- scoring
    def apply(self, batch: Batch, state: Any = None) -> Batch:
        self.ensure_setup()
        groups: dict[str, list[tuple[str, str]]] = state or {}
        rows = list(batch_rows(batch))
        cands = [self._candidates(r) for r in rows]
        model_scores = self._model_scores(rows, cands)
        out_quality, out_cands, out_metrics = [], [], []
        for i, (row, cs) in enumerate(zip(rows, cands, strict=True)):
            peers, peer_chrf = self._peers(row, groups)
            scored = self._score(row, cs, peers, model_scores[i], peer_chrf)
            output, quality = self._choose(row, scored)
            out_quality.append(quality)
            out_cands.append(scored if len(scored) > 1 else [])
            out_metrics.append(self._metrics(row, output))
            self._count_quality(scored, quality)
        out = dict(batch)
        out["quality"], out["candidates"], out["metrics"] = out_quality, out_cands, out_metrics
        return out

    def _candidates(self, row: dict[str, Any]) -> list[Candidate]:
        earlier = [as_candidate(c) for c in row.get("candidates") or []]
        mt = next((c for c in earlier if c["origin"] == "mt"), None)
        found = [make_candidate("mt", row["target"], logprob=mt["logprob"] if mt else None)]
        seen = {row["target"]}
        if row["output"] not in seen and row["output"]:
            found.append(make_candidate(edit_origin(row), row["output"]))
            seen.add(row["output"])
        for c in earlier:
            if c["origin"] != "mt" and c["text"] not in seen:
                found.append(c)
                seen.add(c["text"])
        return found

    def _peers(
        self, row: dict[str, Any], groups: dict[str, list[tuple[str, str]]]
    ) -> tuple[list[str], list[float] | None]:
        """The other records' translations of the row's source, and the MT's chrF against
        each of them when the row is one of its group (from the group's matrix), else None."""
        if not row["source"] or not groups:
            return [], None
        me = f"{row['file']}\0{row['record']}"
        group = groups.get(source_key(row["source"]), [])
        peers = [t for k, t in group if k != me]
        if not self.config.consensus or len(peers) == len(group):
            return peers, None
        k = self.config.consensus_k
        if k and len(peers) > k:  # the k nearest, per pair: the matrix would go unused
            return peers, None
        texts = [t for _, t in group]
        key = group_key(texts)
        matrix = self._group_chrf.get(key)
        if matrix is None:
            matrix = self._group_chrf[key] = chrf_matrix(texts)
            self._group_bytes += matrix.nbytes
            while self._group_bytes > self._group_max_bytes and len(self._group_chrf) > 1:
                self._group_bytes -= self._group_chrf.popitem(last=False)[1].nbytes
        else:
            self._group_chrf.move_to_end(key)
        # A record that repeats a sentence is in the group once per copy: every copy is left
        # out of the row, as out of ``peers``.
        mine = {j for j, (k, _) in enumerate(group) if k == me}
        i = next((j for j in sorted(mine) if texts[j] == row["target"]), None)
        if i is None:
            return peers, None
        row_chrf = matrix[i].tolist()
        return peers, [v for j, v in enumerate(row_chrf) if j not in mine]

    def _model_scores(
        self, rows: list[dict[str, Any]], cands: list[list[Candidate]]
    ) -> list[list[float | None]]:
        """Log-probabilities of every candidate that has a source, in one scorer call per
        batch and language pair (each record's own pair)."""
        out: list[list[float | None]] = [[None] * len(cs) for cs in cands]
        if self.scorer is None and not self.config.model:
            return out
        assert self._ctx is not None
        by_pair: dict[tuple[str | None, str], list[tuple[int, int, str, str]]] = {}
        for i, (row, cs) in enumerate(zip(rows, cands, strict=True)):
            if row["source"]:
                pair = self._ctx.languages(row)
                for j, c in enumerate(cs):
                    if c["origin"] != "dictionary" and c["text"].strip():
                        by_pair.setdefault(pair, []).append((i, j, row["source"], c["text"]))
        for (src, tgt), items in by_pair.items():
            scorer = self._scorer(src, tgt)
            if scorer is None:
                continue
            lps = scorer.score([s for _, _, s, _ in items], [t for _, _, _, t in items])
            for (i, j, _, _), lp in zip(items, lps, strict=True):
                out[i][j] = float(lp)
            self.count("model_scored", len(items))
        return out

    def _flags(self, row: dict[str, Any], cand: Candidate) -> list[Flag]:
        if cand["origin"] == "mt":
            return list(row["flags"])
        assert self._ctx is not None
        kept = [f for f in row["flags"] if f["check"] not in self._segment_checks]
        return kept + self._ctx.judge(row, cand["text"])

    def _score(
        self,
        row: dict[str, Any],
        cands: list[Candidate],
        peers: Sequence[str],
        logprobs: list[float | None],
        peer_chrf: list[float] | None = None,
    ) -> list[Candidate]:
        """``peer_chrf``: the MT's chrF against each of ``peers``, when known (the group's
        matrix); the same values ``consensus_scores`` would compute."""
        assert self._models is not None and self._ctx is not None
        cfg = self.config
        combine = self._combine
        pair, model = self._models.for_pair(*self._ctx.languages(row))
        self.count(f"quality_model:{pair}:{model.model.name}")
        independent = [c for c in cands if c["origin"] not in MT_FAMILY or c["origin"] == "mt"]
        reads = model.model.reads if model.fitted else frozenset()
        mt_feats: dict[str, Any] = {}
        for cand, lp in zip(cands, logprobs, strict=True):
            flags = self._flags(row, cand)
            garble = row["garble_score"] if cand["origin"] == "mt" else garble_score(flags, combine)
            feats: dict[str, Any] = (
                segment_features(cand["text"], row["source"], flags, garble, reads)
                if model.fitted
                else flag_features(flags, garble)  # the pair-independent model reads no words
            )
            if cand["origin"] == "mt":
                mt_feats = feats
            reasons = list(cand["reasons"])
            family = "mt" if cand["origin"] in MT_FAMILY else cand["text"]
            others = [
                c["text"]
                for c in independent
                if ("mt" if c["origin"] in MT_FAMILY else c["text"]) != family
            ]
            others += peers
            if cfg.consensus and others:
                k = cfg.consensus_k
                from_matrix = (
                    peer_chrf is not None
                    and cand["origin"] == "mt"
                    and len(others) == len(peers)  # others are the peers, in their order
                    and not (k and len(others) > k)
                )
                cons = (
                    sum(peer_chrf) / len(others)  # type: ignore[arg-type]  # same additions
                    if from_matrix
                    else consensus_scores([cand["text"]], others, self._ngrams, k)[0]
                )
                feats["consensus"] = cons
                if model.fitted:
                    feats |= peer_features(cand["text"], others, row["source"], reads)
                against = f"{k} nearest of {len(others)}" if k and len(others) > k else len(others)
                reasons.append(f"consensus chrF {cons:.1f} against {against} other(s)")
            if cand["origin"] != "mt":
                feats |= {k: mt_feats[k] for k in SEGMENT_LENGTH_FEATURES if k in mt_feats}
            z = model.model.risk_logit(feats)
            if lp is not None:
                z -= cfg.model_weight * (lp - cfg.model_center)
                cand["logprob"] = round(lp, 6)
                reasons.append(f"model log-prob {lp:.3f}")
            cand["score"] = quality_from_logit(z, garble, cfg.flag_weight)
            cand["reasons"] = reasons
        return cands

    def _choose(self, row: dict[str, Any], cands: list[Candidate]) -> tuple[str, float | None]:
        """The output the candidate rule picks and its quality; each rival's ``reasons`` say
        why it was or was not chosen (``decide`` applies the same rule)."""
        output = row["output"]
        current = next((c for c in cands if c["text"] == output), cands[0])
        if len(cands) == 1 or not self.config.choose:
            return output, current["score"]
        margin = self.config.retranslation_margin
        choice = choose(row, cands, margin)
        base, top = choice.base or current, choice.top
        for c in cands:
            if c["guards"]:
                c["reasons"].append("not chosen: failed its guards")
        if top is not None and choice.gain is not None:
            verdict = f"beats {base['origin']} by {choice.gain:+.3f}"
            if choice.pick is not None:
                top["reasons"].append(f"{CHOSEN}: {verdict} >= margin {margin}")
            else:
                top["reasons"].append(f"not chosen: {verdict} < margin {margin}")
        best = choice.pick or base
        if choice.pick is None:
            base["reasons"].append(f"{CHOSEN}: no re-translation wins by margin {margin}")
        self.count(f"choice:{best['origin']}")
        return best["text"], best["score"]

    def _metrics(self, row: dict[str, Any], output: str) -> dict[str, float] | None:
        ref = row.get("reference")
        if not ref:
            return None
        tok = tokenizer_for(row["tgt_lang"])
        ms = metric_set(tok)
        before = ms.sentence_stats(row["target"], ref)
        after = before if output == row["target"] else ms.sentence_stats(output, ref)
        for side, stats in (("before", before), ("after", after)):
            for key, value in count_keys(tok, side, stats).items():
                self.count(key, value)
        self.count(f"metrics:{tok}:segments")
        return ms.scores(after, sentence=True)

    def _count_quality(self, cands: list[Candidate], quality: float | None) -> None:
        self.count("segments")
        self.count("quality_before_sum", cands[0]["score"])
        if quality is not None:
            self.count("quality_after_sum", quality)
            self.count("quality_after_n")
        if len(cands) > 1:
            self.count("with_candidates")

    def finish_stats(self, totals: Stats) -> Stats:
        """Corpus metrics and mean qualities from the summed counters."""
        out: Stats = {k: v for k, v in totals.items() if not k.startswith(("metrics:", "quality_"))}
        models = PairModels(self.config.model_path)
        for key, n in sorted(totals.items()):
            if key.startswith("quality_model:"):
                pair, name = key.removeprefix("quality_model:").split(":", 1)
                why = models.for_key(pair).why
                out.setdefault("quality_models", {})[pair] = {
                    "model": name,
                    "segments": n,
                    "why": why,
                }
        n = totals.get("segments", 0)
        if n:
            out["quality"] = {
                "before": round(totals["quality_before_sum"] / n, 4),
                "after": round(
                    totals.get("quality_after_sum", 0.0) / max(1, totals.get("quality_after_n", 0)),
                    4,
                ),
            }
        metrics = corpus_scores(totals)
        if metrics:
            out["metrics"] = metrics
        return out


def group_key(texts: Sequence[str]) -> bytes:
    """A digest of a group's texts in order (each length-prefixed: no two groups share one)."""
    h = hashlib.blake2b(digest_size=16)
    for t in texts:
        b = t.encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.digest()


def edit_origin(row: dict[str, Any]) -> str:
    """What made the row's output differ from its target (an edit of the MT)."""
    if any(h.get("action") == "replaced" for h in row.get("glossary") or []):
        return "glossary"
    checks = {f["check"] for f in row["flags"]}
    if "keyword_tail" in checks:
        return "keyword_tail"
    if checks & NORMALIZE_FLAGS:
        return "normalize"
    return "edit"

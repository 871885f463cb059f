"""Stage ``score``: a reference-free ``quality`` per segment, candidate choice, reference metrics.

For every segment:

1. **Candidates.** The MT (``target``, origin ``mt``), the cleaned text when an earlier stage
   changed it (origin ``glossary``), and any candidates an earlier stage recorded (origin
   ``retranslation`` or ``dictionary``).
2. **Scores.** Each candidate gets ``quality`` (0..1, higher is better) from the fitted model
   (``pipeline.quality.model``) over cheap features and its detection flags (the segment checks are
   re-run on every text that is not the MT), plus, when there is something to compare with, its
   consensus: mean chrF against the other translations of the same source (other candidates that
   are not edits of it, and other records with the same ``source``, gathered by ``scan``). With a
   model scorer, the length-normalised log-probability of the candidate given the source shifts
   the risk too.
3. **Choice.** The best candidate wins; a re-translation replaces the MT only when its quality
   beats the MT's (or its glossary fix's) by ``retranslation_margin``. The reason is recorded in
   the candidates' ``reasons``. In detect/score mode (``choose = false``) nothing is replaced.
4. **Metrics.** When the record has a ``reference``: sentence chrF/BLEU/TER of the output in
   ``metrics``, and sacrebleu sufficient statistics for the MT (before) and the output (after)
   in the stats channel; ``finish_stats`` turns them into corpus scores.

``quality`` is the quality of the segment's output; ``candidates`` is written only when there was
a choice (more than one candidate), with the MT's own score under origin ``mt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from pydantic import Field

from pipeline.quality.consensus import GramCache, consensus_scores, source_key
from pipeline.quality.features import segment_features
from pipeline.quality.metrics import corpus_scores, count_keys, metric_set, tokenizer_for
from pipeline.quality.model import QualityModel, load_model, quality_from_logit
from pipeline.stages.base import Batch, Stage, StageConfig, Stats, batch_rows, register

# Candidate origins that are edits of the MT (share its wording): not independent translations.
MT_FAMILY = frozenset({"mt", "glossary"})
# Length features describe how hard the segment is, not which rendering is better: the length of
# the target does not rank the translations of one source (within-source tau ~0 on WMT21 MQM),
# and letting it would favour whichever candidate leaves the most out. Every candidate is scored
# with the MT's values for them.
SEGMENT_LENGTH_FEATURES = ("tgt_words", "len_ratio", "len_ratio_sq", "tgt_commas")
CHOSEN = "chosen"


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
    writes = frozenset({"quality", "candidates", "output", "decision", "metrics"})

    def __init__(self, config: ScoreConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        # Set by setup() from the configured model, or by a caller (tests, the model runner).
        self.scorer: ModelScorer | None = None
        self._model: QualityModel | None = None
        self._checks: list[Any] = []
        self._segment_checks: frozenset[str] = frozenset()
        # Character n-grams of the texts scored by this worker, kept across batches and shards
        # (bounded, least recently used out): every translation of a source is compared with
        # all the others, so each is extracted once for the run, not once per peer or batch.
        self._ngrams = GramCache()
        self._combine: Any = None

    def setup(self) -> None:
        from pipeline.checks import CHECKS
        from pipeline.checks.base import SegmentCheck
        from pipeline.quality.features import chinese_frequencies, dictionary_words
        from pipeline.stages.base import STAGES
        from pipeline.stages.combine import CombineConfig

        self._model = load_model(self.config.model_path)
        self._combine = CombineConfig()
        # Segment checks re-run on candidate texts; document-level flags carry over unchanged.
        self._checks = [
            STAGES[c]() for c in CHECKS if c in STAGES and issubclass(STAGES[c], SegmentCheck)
        ]
        self._segment_checks = frozenset(c.name for c in self._checks)
        dictionary_words()
        chinese_frequencies()
        cfg = self.config
        if cfg.model and self.scorer is None:  # the re-translation model scores candidates too
            from pipeline.mt import load

            self.scorer = load.cached_translator(
                cfg.model, "zh", "en", device=cfg.model_device, allow_pickle=cfg.model_allow_pickle
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
        out_quality, out_cands, out_output, out_decision, out_metrics = [], [], [], [], []
        for i, (row, cs) in enumerate(zip(rows, cands, strict=True)):
            peers = self._peers(row, groups)
            scored = self._score(row, cs, peers, model_scores[i])
            output, decision, quality = self._choose(row, scored)
            out_quality.append(quality)
            out_cands.append(scored if len(scored) > 1 else [])
            out_output.append(output)
            out_decision.append(decision)
            out_metrics.append(self._metrics(row, output))
            self._count_quality(row, scored, decision, quality)
        out = dict(batch)
        out["quality"], out["candidates"] = out_quality, out_cands
        out["output"], out["decision"], out["metrics"] = out_output, out_decision, out_metrics
        return out

    def _candidates(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        found = [{"origin": "mt", "text": row["target"], "score": None, "reasons": []}]
        seen = {row["target"]}
        if row["decision"] != "dropped" and row["output"] not in seen and row["output"]:
            origin = "retranslation" if row["decision"] == "retranslated" else "glossary"
            found.append({"origin": origin, "text": row["output"], "score": None, "reasons": []})
            seen.add(row["output"])
        for c in row.get("candidates") or []:
            if c["origin"] != "mt" and c["text"] not in seen:
                found.append({**c, "reasons": list(c.get("reasons") or [])})
                seen.add(c["text"])
        return found

    def _peers(self, row: dict[str, Any], groups: dict[str, list[tuple[str, str]]]) -> list[str]:
        if not row["source"] or not groups:
            return []
        me = f"{row['file']}\0{row['record']}"
        return [t for k, t in groups.get(source_key(row["source"]), []) if k != me]

    def _model_scores(
        self, rows: list[dict[str, Any]], cands: list[list[dict[str, Any]]]
    ) -> list[list[float | None]]:
        """Log-probabilities of every candidate that has a source, in one scorer call per batch."""
        out: list[list[float | None]] = [[None] * len(cs) for cs in cands]
        if self.scorer is None:
            return out
        where, sources, targets = [], [], []
        for i, (row, cs) in enumerate(zip(rows, cands, strict=True)):
            if row["source"]:
                for j, c in enumerate(cs):
                    if c["origin"] != "dictionary" and c["text"].strip():
                        where.append((i, j))
                        sources.append(row["source"])
                        targets.append(c["text"])
        if targets:
            for (i, j), lp in zip(where, self.scorer.score(sources, targets), strict=True):
                out[i][j] = float(lp)
            self.count("model_scored", len(targets))
        return out

    def _flags(self, row: dict[str, Any], cand: dict[str, Any]) -> list[dict[str, Any]]:
        if cand["origin"] == "mt":
            return row["flags"]
        kept = [f for f in row["flags"] if f["check"] not in self._segment_checks]
        probe = {**row, "target": cand["text"]}
        for check in self._checks:
            kept += check.check_row(probe)
        return kept

    def _score(
        self,
        row: dict[str, Any],
        cands: list[dict[str, Any]],
        peers: Sequence[str],
        logprobs: list[float | None],
    ) -> list[dict[str, Any]]:
        from pipeline.stages.combine import garble_score

        assert self._model is not None
        cfg = self.config
        combine = self._combine
        independent = [c for c in cands if c["origin"] not in MT_FAMILY or c["origin"] == "mt"]
        mt_feats: dict[str, Any] = {}
        for cand, lp in zip(cands, logprobs, strict=True):
            flags = self._flags(row, cand)
            garble = row["garble_score"] if cand["origin"] == "mt" else garble_score(flags, combine)
            feats: dict[str, Any] = segment_features(cand["text"], row["source"], flags, garble)
            if cand["origin"] == "mt":
                mt_feats = feats
            else:
                feats |= {k: mt_feats[k] for k in SEGMENT_LENGTH_FEATURES if k in mt_feats}
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
                cons = consensus_scores([cand["text"]], others, self._ngrams, k)[0]
                feats["consensus"] = cons
                against = f"{k} nearest of {len(others)}" if k and len(others) > k else len(others)
                reasons.append(f"consensus chrF {cons:.1f} against {against} other(s)")
            z = self._model.risk_logit(feats)
            if lp is not None:
                z -= cfg.model_weight * (lp - cfg.model_center)
                reasons.append(f"model log-prob {lp:.3f}")
            cand["score"] = quality_from_logit(z, garble, cfg.flag_weight)
            cand["reasons"] = reasons
        return cands

    def _choose(
        self, row: dict[str, Any], cands: list[dict[str, Any]]
    ) -> tuple[str, str, float | None]:
        """The output, decision and quality after choosing among the candidates.

        The MT and its glossary edit are not ranked against each other (a glossary fix is a
        policy, not a guess); a re-translation must beat that base by the margin. Dictionary
        glosses are for editors and never chosen.
        """
        decision, output = row["decision"], row["output"]
        current = next((c for c in cands if c["text"] == output), cands[0])
        if decision == "dropped":
            return output, decision, cands[0]["score"]
        if len(cands) == 1 or not self.config.choose:
            return output, decision, current["score"]
        family = [c for c in cands if c["origin"] in MT_FAMILY]
        base = current if current["origin"] in MT_FAMILY else family[-1]
        rivals = [c for c in cands if c["origin"] == "retranslation"]
        best, margin = base, self.config.retranslation_margin
        if rivals:
            top = max(rivals, key=lambda c: c["score"])
            gain = top["score"] - base["score"]
            verdict = f"beats {base['origin']} by {gain:+.3f}"
            if gain >= margin:
                best = top
                top["reasons"].append(f"{CHOSEN}: {verdict} >= margin {margin}")
            else:
                top["reasons"].append(f"not chosen: {verdict} < margin {margin}")
        if best is base:
            base["reasons"].append(f"{CHOSEN}: no re-translation wins by margin {margin}")
        self.count(f"choice:{best['origin']}")
        if best["origin"] == "retranslation":
            return best["text"], "retranslated", best["score"]
        if decision == "retranslated":
            # An earlier stage put a re-translation in that lost here: back to the base.
            garbled = row.get("residual_garbled", row["garbled"])
            changed = best["text"] != row["target"]
            decision = "needs_review" if garbled else ("fixed" if changed else "kept")
        return best["text"], decision, best["score"]

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

    def _count_quality(
        self,
        row: dict[str, Any],
        cands: list[dict[str, Any]],
        decision: str,
        quality: float | None,
    ) -> None:
        self.count("segments")
        self.count("quality_before_sum", cands[0]["score"])
        if decision != "dropped" and quality is not None:
            self.count("quality_after_sum", quality)
            self.count("quality_after_n")
        if len(cands) > 1:
            self.count("with_candidates")

    def finish_stats(self, totals: Stats) -> Stats:
        """Corpus metrics and mean qualities from the summed counters."""
        out: Stats = {k: v for k, v in totals.items() if not k.startswith(("metrics:", "quality_"))}
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

"""Reference metrics with sacrebleu: sentence chrF/BLEU/TER, and corpus figures from summed
sufficient statistics.

sacrebleu computes a corpus score by summing per-sentence statistics and turning the sums into a
score. Workers see different sentences, so each keeps only those statistics (lists of numbers,
summed element-wise by the stage stats channel) and ``corpus_scores`` turns the sums into the
same numbers ``corpus_score`` gives over the whole corpus. sacrebleu names those two steps
``_extract_corpus_statistics`` and ``_compute_score_from_stats``; they are used here, in one
place, because it has no public API for them.

Chinese targets use BLEU's ``zh`` tokenizer and TER's Asian support; others BLEU's ``13a``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # sacrebleu (about 19 MB, 45 ms) loads only when a record has a reference
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF
    from sacrebleu.metrics.ter import TER

METRIC_NAMES = ("chrf", "bleu", "ter")


def tokenizer_for(tgt_lang: str | None) -> str:
    """sacrebleu's BLEU tokenizer for a target language: ``zh`` for Chinese, else ``13a``."""
    return "zh" if (tgt_lang or "").lower().split("-")[0] == "zh" else "13a"


@dataclass(frozen=True)
class MetricSet:
    """The three corpus metrics (and sentence BLEU with effective order) for one tokenizer."""

    chrf: CHRF
    bleu: BLEU
    ter: TER
    sentence_bleu: BLEU

    def sentence_stats(self, hyp: str, ref: str) -> dict[str, list[float]]:
        """Sufficient statistics of one sentence: sum them over a corpus for corpus scores."""
        return {
            name: list(metric._extract_corpus_statistics([hyp], [[ref]])[0])
            for name, metric in (("chrf", self.chrf), ("bleu", self.bleu), ("ter", self.ter))
        }

    def scores(self, stats: dict[str, list[float]], sentence: bool = False) -> dict[str, float]:
        """chrF, BLEU and TER (0..100, TER lower is better) from (summed) statistics."""
        bleu = self.sentence_bleu if sentence else self.bleu
        return {
            "chrf": round(self.chrf._compute_score_from_stats(stats["chrf"]).score, 4),
            "bleu": round(bleu._compute_score_from_stats(stats["bleu"]).score, 4),
            "ter": round(self.ter._compute_score_from_stats(stats["ter"]).score, 4),
        }

    def signature(self) -> str:
        """sacrebleu's reproducibility signatures of the three metrics, joined."""
        for m in (self.chrf, self.bleu, self.ter):
            # One reference per segment, always; set it here so the signature does not depend
            # on whether this process extracted statistics itself (workers did, the driver not).
            m.num_refs = 1
        return " | ".join(
            m.get_signature().format(short=True) for m in (self.chrf, self.bleu, self.ter)
        )


@cache
def metric_set(tokenizer: str) -> MetricSet:
    """The metrics for ``tokenizer`` (``13a`` or ``zh``), built once per process."""
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF
    from sacrebleu.metrics.ter import TER

    asian = tokenizer == "zh"
    return MetricSet(
        chrf=CHRF(),
        bleu=BLEU(tokenize=tokenizer),
        ter=TER(asian_support=asian),
        sentence_bleu=BLEU(tokenize=tokenizer, effective_order=True),
    )


def sentence_metrics(hyp: str, ref: str, tgt_lang: str | None = None) -> dict[str, float]:
    """Sentence chrF/BLEU/TER of ``hyp`` against ``ref``, as sacrebleu's sentence scores."""
    ms = metric_set(tokenizer_for(tgt_lang))
    return ms.scores(ms.sentence_stats(hyp, ref), sentence=True)


def corpus_scores(totals: dict[str, Any]) -> dict[str, Any]:
    """``{"before": {...}, "after": {...}, "signature": str, "segments": n}`` from the stats
    counters a scoring stage keeps: ``metrics:<tok>:<side>:<metric>`` lists and
    ``metrics:<tok>:segments``. With several tokenizers (mixed target languages) each gets its
    own entry keyed by tokenizer."""
    by_tok: dict[str, dict[str, Any]] = {}
    for key, value in totals.items():
        parts = key.split(":")
        if parts[0] != "metrics":
            continue
        tok = parts[1]
        entry = by_tok.setdefault(tok, {"before": {}, "after": {}, "segments": 0})
        if parts[2] == "segments":
            entry["segments"] = value
        else:
            entry[parts[2]][parts[3]] = value
    out: dict[str, Any] = {}
    for tok, entry in sorted(by_tok.items()):
        ms = metric_set(tok)
        out[tok] = {
            "before": ms.scores(entry["before"]),
            "after": ms.scores(entry["after"]),
            "signature": ms.signature(),
            "segments": entry["segments"],
        }
    if len(out) == 1:
        return next(iter(out.values()))
    return out


def count_keys(tokenizer: str, side: str, stats: dict[str, list[float]]) -> dict[str, list[float]]:
    """The stats-channel keys under which one sentence's statistics are summed."""
    return {f"metrics:{tokenizer}:{side}:{name}": v for name, v in stats.items()}

"""Consensus (MBR-style) scores: how much a translation agrees with the other translations of
its source.

Raters' errors are where systems disagree: a translation that shares much with the other
translations of the same source (other candidates of the segment, other systems' records for the
same source) is less likely to hold a mistranslation. Each text gets the mean sentence chrF
(sacrebleu's, 0..100) against every other text of its group, as in minimum-Bayes-risk decoding.

Character n-grams are extracted once per text and the pairwise statistics reuse them; each pair's
value equals ``CHRF().sentence_score(hyp, [ref]).score``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from sacrebleu.metrics.chrf import CHRF

_CHRF = CHRF()


def source_key(source: str) -> str:
    """A short, stable key for grouping records by source text (whitespace-insensitive)."""
    # surrogatepass: a lone surrogate (from a JSON escape) is still a key, never a crash
    text = " ".join(source.split()).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=8).hexdigest()


# One text's character and word n-gram counters (one per order) with their totals.
Grams = list[tuple[Counter[str], int]]


def _ngrams(text: str) -> Grams:
    return [(c, sum(c.values())) for c in _CHRF._extract_reference_info([text])["ref_ngrams"][0]]


def _chrf(hyp: Grams, ref: Grams) -> float:
    # sacrebleu's _get_match_statistics, with the totals counted once per text and the matches
    # summed over the smaller counter (min() is symmetric): the same integers, faster.
    stats: list[int] = []
    for (h, h_total), (r, r_total) in zip(hyp, ref, strict=True):
        small, big = (h, r) if len(h) <= len(r) else (r, h)
        match = 0
        for ng, count in small.items():
            other = big.get(ng)
            if other is not None:
                match += count if count < other else other
        stats.extend((h_total if r else 0, r_total, match))
    return _CHRF._compute_f_score(stats)


def pair_chrf(hyp: str, ref: str) -> float:
    """Sentence chrF of ``hyp`` against the single reference ``ref`` (0..100)."""
    return _chrf(_ngrams(hyp), _ngrams(ref))


def consensus_scores(
    texts: Sequence[str],
    pool: Sequence[str] = (),
    cache: dict[str, Grams] | None = None,
) -> list[float | None]:
    """For each of ``texts``: mean chrF against the other ``texts`` and every ``pool`` text.

    ``pool`` holds translations that are compared with but not scored (other records' targets).
    A text with nothing to compare with gets None. ``cache`` (text -> character n-grams) lets a
    caller that scores every translation of a source extract each text's n-grams once.
    """
    if cache is None:
        cache = {}

    def grams_of(text: str) -> Grams:
        g = cache.get(text)
        if g is None:
            g = cache[text] = _ngrams(text)
        return g

    grams = [grams_of(t) for t in texts]
    pool_grams = [grams_of(t) for t in pool]
    out: list[float | None] = []
    for i, g in enumerate(grams):
        others = [o for j, o in enumerate(grams) if j != i] + pool_grams
        out.append(sum(_chrf(g, o) for o in others) / len(others) if others else None)
    return out

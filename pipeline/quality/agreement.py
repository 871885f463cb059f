"""Features of a translation measured against the other translations of its source (peers).

``peer_words`` (what the shipped zh-en model reads): the mean of ``log(1 + words)`` over the
translation and its peers. It says how long the source's translations are, so how many errors a
rater can find in any of them, and, unlike the translation's own length, it does not reorder the
translations of one source (measured on the qe-dev files, fitted on one and measured on the
other: overall tau TED->WMT22 0.306 -> 0.315, WMT22->TED 0.277 -> 0.280, within-source tau
unchanged).

Word-level agreement, measured and not shipped: fitted on one qe-dev file, each lowered or left
unchanged the within-source tau and pairwise accuracy on the other (``tools/fit_quality.py``
docstring); they stay here so that a refit on other data can try them by name. The chrF
consensus (``consensus.py``) compares character n-grams with each peer in turn; these look at
words, and at what most peers agree on:

- ``agree_support``: of the translation's content words (stems, no stop words), the mean share of
  peers that use them too; a word no other translation has is a likely mistranslation or an
  addition;
- ``agree_recall``: of the content words that at least half of the peers use, the share the
  translation has (1.0 when no word is shared by half of them); a word most peers have and this
  one lacks is a likely omission;
- ``agree_unique``: share of the translation's content words found in no peer;
- ``gloss_omit``: source content words (CC-CEDICT) whose gloss at least half of the peers carry
  and this translation does not;
- ``zipf_rel``: mean English Zipf frequency of the translation's words minus the mean of the
  peers' own means (a rarer, stranger wording than the others').

Every value needs at least one peer; without one the features are left out (the model then
counts them at their fitted mean).
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from functools import lru_cache

from pipeline.quality import features as qf

PEER: tuple[str, ...] = ("peer_words",)
AGREEMENT: tuple[str, ...] = (
    "agree_support",
    "agree_recall",
    "agree_unique",
    "gloss_omit",
    "zipf_rel",
)


@lru_cache(maxsize=1 << 15)
def _words(text: str) -> tuple[frozenset[str], float]:
    """Content-word stems of an English text and the mean Zipf frequency of its words."""
    bare = [qf._bare(w) for w in qf._WORD.findall(text)]
    bare = [w for w in bare if w]
    stems = frozenset(qf.stem(w) for w in bare if w not in qf.STOPWORDS and len(w) > 1)
    zipf = sum(qf._zipf(w) for w in bare) / len(bare) if bare else 0.0
    return stems, zipf


def agreement_features(
    text: str, others: Sequence[str], source: str | None = None
) -> dict[str, float]:
    """The ``AGREEMENT`` features of ``text`` against ``others`` (empty without any)."""
    if not others:
        return {}
    mine, zipf = _words(text)
    peers = [_words(o) for o in others]
    n = len(peers)
    support = [sum(w in p for p, _ in peers) / n for w in mine]
    counts: dict[str, int] = {}
    for p, _ in peers:
        for w in p:
            counts[w] = counts.get(w, 0) + 1
    common = [w for w, c in counts.items() if 2 * c >= n]
    out = {
        "agree_support": sum(support) / len(support) if support else 0.0,
        "agree_recall": sum(w in mine for w in common) / len(common) if common else 1.0,
        "agree_unique": sum(s == 0 for s in support) / len(support) if support else 0.0,
        "zipf_rel": zipf - sum(z for _, z in peers) / n,
    }
    omit = 0.0
    if source:
        info = qf.analyse_source(source)
        glossed, _ = qf._glosses_of(info.content, info.tokens)
        for g in glossed:
            if g.isdisjoint(mine) and 2 * sum(not g.isdisjoint(p) for p, _ in peers) >= n:
                omit += 1
    out["gloss_omit"] = omit
    return out


@lru_cache(maxsize=1 << 14)
def _log_words(text: str) -> float:
    """log1p of the word count (once per distinct text: each is a peer of its whole group)."""
    return math.log1p(len(text.split()))


def peer_features(
    text: str,
    others: Sequence[str],
    source: str | None = None,
    wanted: Container[str] | None = None,
) -> dict[str, float]:
    """``peer_words`` of ``text`` among ``others`` (empty without any), and the ``AGREEMENT``
    features when ``wanted`` asks for any of them (all when ``wanted`` is None)."""
    if not others:
        return {}
    lengths = [_log_words(t) for t in (text, *others)]
    out = {"peer_words": sum(lengths) / len(lengths)}
    if wanted is None or any(n in wanted for n in AGREEMENT):
        out |= agreement_features(text, others, source)
    return out

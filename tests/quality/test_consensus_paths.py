"""``chrf_matrix`` counts a group's n-grams by a bincount, by a second sort past
``_BINCOUNT_SLOTS``, and compares pair by pair past its dense-matrix size: every path gives
chrF bit for bit equal to ``chrf_many`` on each pair (and sacrebleu's on one, by hand)."""

from __future__ import annotations

import numpy as np
import pytest
import sacrebleu

from pipeline.quality import consensus
from pipeline.quality.consensus import chrf_many, chrf_matrix, ngrams

TEXTS = [
    "The park is open free of charge all year round.",
    "The parks are open for free all year.",
    "The park is free to enter throughout the year.",
    "Parks open free all year round.",
    "Park construction invested 350 million yuan.",
    "",
    "!",
    "P",
    "P",
    "a \udc80b",
    "公园全年免费开放",
    "aaaaaa aaaaaaa",
]


def pairwise(texts: list[str]) -> np.ndarray:
    """The definition pair by pair (``chrf_many`` equals sacrebleu; see test_consensus_scale)."""
    n = len(texts)
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                m[i, j] = chrf_many(ngrams(texts[i]), [ngrams(texts[j])])[0]
    return m


def off_diagonal(m: np.ndarray) -> list[float]:
    n = len(m)
    return [float(m[i, j]) for i in range(n) for j in range(n) if i != j]


@pytest.mark.parametrize("slots", [consensus._BINCOUNT_SLOTS, 0])
def test_both_ways_of_counting_equal_the_pairwise_definition(monkeypatch, slots):
    monkeypatch.setattr(consensus, "_BINCOUNT_SLOTS", slots)
    assert off_diagonal(chrf_matrix(TEXTS)) == off_diagonal(pairwise(TEXTS))


def test_the_pair_by_pair_path_of_a_large_group_equals_the_dense_one(monkeypatch):
    dense = chrf_matrix(TEXTS)
    monkeypatch.setattr(consensus, "_ONE_PASS_CHARS", 0)  # each text's n-grams on their own
    assert np.array_equal(chrf_matrix(TEXTS), dense)


def test_matrix_is_symmetric_in_matches_and_pins_one_value_by_hand():
    m = chrf_matrix(TEXTS[:2])
    assert m[0, 1] == sacrebleu.sentence_chrf(TEXTS[0], [TEXTS[1]]).score
    assert m[1, 0] == sacrebleu.sentence_chrf(TEXTS[1], [TEXTS[0]]).score
    # "P" against "P": every n-gram matches (chrF 100); "P" against "!": none (0).
    p = chrf_matrix(["P", "P", "!"])
    assert p[0, 1] == p[1, 0] == 100.0 and p[0, 2] == p[2, 0] == 0.0

"""``chrf_matrix`` on long texts: the same values as the per-pair path, bit for bit, in about
the per-pair path's memory (a dense matrix of every distinct n-gram cost four times as much).
Memory is measured side by side with ``tracemalloc`` (numpy reports its buffers to it), as a
ratio; nothing is timed."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable
from typing import Any

from pipeline.quality.consensus import chrf_many, chrf_matrix, ngrams


def long_texts(count: int, chars: int) -> list[str]:
    """``count`` texts of about ``chars`` characters, drawn from one vocabulary of made-up
    words (seeded), so they share short n-grams and few long ones, as translations of long
    documents do."""
    rng = random.Random(7)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ]
    out = []
    for _ in range(count):
        text: list[str] = []
        while sum(len(w) + 1 for w in text) < chars:
            text.append(rng.choice(words))
        out.append(" ".join(text))
    return out


def peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def per_pair(texts: list[str]) -> list[list[float]]:
    grams = [ngrams(t) for t in texts]
    return [
        chrf_many(g, [o for j, o in enumerate(grams) if j != i]).tolist()
        for i, g in enumerate(grams)
    ]


def test_a_group_of_long_texts_equals_pairwise_chrf_bit_for_bit():
    # 13 texts of 5,000 characters (past the one-pass size) and odd ones among them.
    texts = [*long_texts(13, 5000), "", "P", "P", "a \udc80b", "公园全年免费开放"]
    m = chrf_matrix(texts)
    want = per_pair(texts)
    for i in range(len(texts)):
        assert [m[i, j] for j in range(len(texts)) if j != i] == want[i]


def test_a_group_of_long_texts_costs_about_the_per_pair_memory():
    texts = long_texts(13, 5000)
    matrix, pairs = peak(lambda: chrf_matrix(texts)), peak(lambda: per_pair(texts))
    # Measured 1.4 (16 MiB against 11); a dense matrix of every n-gram measured 4.0.
    assert matrix < 2 * pairs

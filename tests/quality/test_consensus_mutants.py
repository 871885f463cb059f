"""Tests that kill the mutants of ``pipeline/quality/consensus.py`` the suite let through
(issue 21, ``make mutate``): the gram cache's budget and order, sizes, empty texts, lone
surrogates, the MinHash shortlist. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from pipeline.quality.consensus import (
    GramCache,
    chrf_many,
    nearest,
    ngrams,
    pair_chrf,
    source_key,
)

# "ab" has n-grams a, b (order 1) and ab (order 2): 3 distinct hashes.
# nbytes = 3 x 8 (uint64 hashes) + 3 x 4 (int32 counts) + 3 x 1 (int8 orders) + 600 = 639.
AB = 639


def test_gram_sizes_by_hand():
    assert ngrams("ab").nbytes == AB
    # "aa": a (count 2) and aa: 2 hashes -> 16 + 8 + 2 + 600 = 626
    assert ngrams("aa").nbytes == 626


def test_an_empty_text_has_no_grams():
    g = ngrams("")
    assert (g.hashes.size, g.counts.size, g.orders.size) == (0, 0, 0)
    assert g.totals.tolist() == [0, 0, 0, 0, 0, 0]
    assert g.nbytes == 600


def test_chrf_of_identical_and_of_a_prefix():
    assert pair_chrf("ab", "ab") == 100.0
    # "ab" vs "abc": order 1 P = 2/2, R = 2/3; order 2 P = 1/1, R = 1/2; order 3: the
    # hypothesis has none, so the order does not count. avgP = 1, avgR = 7/12;
    # chrF2 = 5 * 1 * 7/12 / (4 * 1 + 7/12) = (35/12) / (55/12) = 7/11.
    assert pair_chrf("ab", "abc") == pytest.approx(100 * 7 / 11)


def test_chrf_with_an_order_the_reference_has_once():
    # "ab" vs "ac": order 1 P = R = 1/2 (a matches); order 2 (ab vs ac, the reference has
    # exactly one) P = R = 0. avgP = avgR = 1/4; chrF2 = 5 * 1/16 / (4/4 + 1/4) = 1/4.
    assert pair_chrf("ab", "ac") == pytest.approx(25.0)
    # one order only: "a" vs "a" is perfect
    assert pair_chrf("a", "a") == 100.0
    # "a" vs "abcdefghij": order 1 P = 1, R = 1/10; no other order on both sides:
    # chrF2 = 5 * 1/10 / (4 + 1/10) = 0.5 / 4.1
    assert pair_chrf("a", "abcdefghij") == pytest.approx(100 * 0.5 / 4.1)


def test_whitespace_is_not_an_ngram():
    # sacrebleu's chrF drops whitespace before counting
    assert pair_chrf("a b", "ab") == 100.0
    assert ngrams("a b").nbytes == AB


def test_an_empty_hypothesis_scores_zero_not_nan_nor_a_crash():
    # no order has n-grams on both sides: every average is 0 by definition, the score 0.0
    assert pair_chrf("", "abc") == 0.0
    assert pair_chrf("abc", "") == 0.0


def test_no_references_gives_no_scores():
    assert chrf_many(ngrams("abc"), []).shape == (0,)


def test_a_lone_surrogate_is_counted_not_a_crash():
    text = "a\ud800b"
    assert pair_chrf(text, text) == 100.0
    assert len(source_key(text)) == 16


def test_source_key_is_blake2b_of_the_whitespace_normalised_text():
    # worked out from the definition: single spaces, UTF-8, an 8-byte BLAKE2b digest
    want = hashlib.blake2b(b"a b", digest_size=8).hexdigest()
    assert source_key(" a \t b\n") == want
    assert source_key("a b") == want


def test_the_cache_counts_misses_and_bytes():
    cache = GramCache()
    assert cache.max_bytes == 16 * 1024 * 1024
    assert (len(cache), cache.nbytes, cache.misses) == (0, 0, 0)
    first = cache.get("ab")
    again = cache.get("ab")
    assert first is again and first.nbytes == AB
    assert (len(cache), cache.nbytes, cache.misses) == (1, AB, 1)
    assert "ab" in cache
    assert "cd" not in cache


def test_the_cache_keeps_what_fits_exactly():
    cache = GramCache(max_bytes=2 * AB)  # two texts of 639 bytes: 1278, not over
    cache.get("ab")
    cache.get("cd")
    assert len(cache) == 2
    assert cache.nbytes == 2 * AB


def test_the_cache_evicts_the_least_recently_used():
    cache = GramCache(max_bytes=2 * AB + 10)
    cache.get("ab")
    cache.get("cd")
    cache.get("ab")  # ab is now the most recently used
    cache.get("ef")  # 3 x 639 = 1917 > 1288: one goes, the least recently used: cd
    assert "cd" not in cache
    assert "ab" in cache and "ef" in cache
    assert cache.nbytes == 2 * AB
    assert cache.misses == 3


def test_the_cache_drops_down_to_its_budget_but_keeps_the_newest():
    cache = GramCache(max_bytes=1000)
    cache.get("ab")
    cache.get("cd")  # 1278 > 1000 with two items: ab goes
    assert len(cache) == 1 and "cd" in cache
    assert cache.nbytes == AB
    alone = GramCache(max_bytes=10)  # one text over the budget is still kept
    alone.get("ab")
    assert len(alone) == 1 and alone.nbytes == AB


def test_nearest_keeps_all_when_there_are_few():
    refs = [ngrams("abc"), ngrams("xyz")]
    assert nearest(ngrams("abc"), refs, 2) == [0, 1]
    assert nearest(ngrams("abc"), refs, 5) == [0, 1]


def test_nearest_picks_the_identical_text():
    # an identical text has the identical MinHash sketch: 64 of 64 minima equal; texts sharing
    # no character share no n-gram, so (bar a 64-bit hash collision) no minimum
    refs = [ngrams("qwzx vbnm"), ngrams("the cat sat on the mat"), ngrams("jjjj kkkk")]
    assert nearest(ngrams("the cat sat on the mat"), refs, 1) == [1]
    # the empty text's sketch is 64 times the largest uint64: equal only to another empty one
    empty = [ngrams("ab"), ngrams(""), ngrams("cd")]
    assert nearest(ngrams(""), empty, 1) == [1]
    s = ngrams("").sketch()
    assert s.shape == (64,) and bool((s == np.iinfo(np.uint64).max).all())
    assert ngrams("abc").sketch().shape == (64,)


def test_a_group_of_fewer_than_two_texts_has_an_empty_or_one_cell_matrix():
    from pipeline.quality.consensus import chrf_matrix

    one = chrf_matrix(["Only one translation of this source."])
    assert one.shape == (1, 1) and one.tolist() == [[0.0]]
    assert chrf_matrix([]).shape == (0, 0)

"""Pairwise accuracy within a source: identical translations are one text rated twice."""

from __future__ import annotations

import pytest

from pipeline.quality.ranking import pairwise_accuracy


def test_identical_translations_are_left_out_of_pairwise_accuracy() -> None:
    # one source, three translations; the first two are the same text, rated 0 and -1
    x = [1.0, 1.0, 0.0]
    y = [0.0, -1.0, -2.0]
    texts = ["The cat sat.", "The cat sat.", "Cat sit."]
    # counted: (0,1) tie in x -> 1/2, (0,2) right, (1,2) right: 2.5 of 3
    assert pairwise_accuracy(x, y, ["s"] * 3) == pytest.approx(2.5 / 3)
    # (0,1) is one text rated twice: left out, 2 of 2 right
    assert pairwise_accuracy(x, y, ["s"] * 3, texts) == pytest.approx(1.0)


def test_equal_texts_of_different_sources_and_equal_ratings_change_nothing() -> None:
    # two sources: in "a" the better one scores lower (wrong); in "b" right; the texts of
    # "a" equal those of "b" but pairs never cross sources; the tied-MQM pair counts nowhere
    x = [0.2, 0.9, 0.9, 0.2, 0.5]
    y = [0.0, -5.0, 0.0, -5.0, -5.0]
    texts = ["A", "B", "A", "B", "C"]
    groups = ["a", "a", "b", "b", "b"]
    # a: (0,1) wrong; b: (2,3) right, (2,4) right, (3,4) tied in MQM -> 2 of 3
    assert pairwise_accuracy(x, y, groups, texts) == pytest.approx(2 / 3)
    assert pairwise_accuracy(x, y, groups) == pytest.approx(2 / 3)

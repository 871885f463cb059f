"""Candidate guards (``pipeline/stages/guards.py``) where the suite let mutants through (issue 21,
session 4). Every limit below is worked out by hand from the default ``[length_ratio]`` table
(``en-de`` 0.9; ``en-it`` not listed, so 1.0) and ``runaway_factor`` 3:
limit = 3 x expected x source units + 5, and only a candidate *over* the limit is refused.
"""

from __future__ import annotations

import pytest

from pipeline.core.context import default_context
from pipeline.segments import new_row
from pipeline.stages.guards import CandidateGuard

# 32 words, no word next to itself, no digits: only the length guard can object.
WORDS = (
    "the old stone bridge over this river was built during Ming times by local masons and "
    "it still carries carts horses and people across green water every day of each year too"
).split()
TEN = " ".join(WORDS[:10]) + "."  # 10 English words


def words(n: int) -> str:
    return " ".join((WORDS * 2)[:n]) + "."


@pytest.fixture
def bare() -> CandidateGuard:
    """No configured checks: only the four built-in guards (and repetition's loop) apply."""
    return CandidateGuard(default_context(), [])


def row(source: str | None, src: str | None, tgt: str) -> dict:
    r = new_row("x", source=source, src_lang=src)
    r["tgt_lang"] = tgt
    return r


def test_a_pair_missing_from_the_table_has_ratio_one_and_the_limit_itself_passes(bare):
    # en-it is not in the table: limit 3 x 1.0 x 10 + 5 = 35 words; 35 is not over it.
    r = row(TEN, "en", "it")
    assert bare.reasons(r, words(35)) == []
    assert bare.reasons(r, words(36)) == ["runaway_length: 36 it units for 10 en units (limit 35)"]


def test_the_records_source_language_counts_the_source(bare):
    # en-de 0.9: limit 3 x 0.9 x 10 + 5 = 32 words; the English source counts words (10), not
    # characters as the default source language zh would.
    r = row(TEN, "en", "de")
    assert bare.reasons(r, words(32)) == []
    assert bare.reasons(r, words(33)) == ["runaway_length: 33 de units for 10 en units (limit 32)"]


@pytest.mark.parametrize("source", [None, ""])
def test_a_row_without_a_source_has_no_length_limit(bare, source):
    assert bare.reasons(row(source, "zh", "en"), words(64)) == []


def test_a_doubled_word_is_no_loop_and_counts_only_when_repetition_is_a_guard_check(bare):
    # repetition finds "'the' doubled" at major: not critical, so no loop; and with no
    # configured checks nothing else quotes it.
    r = row("这座桥很老。", "zh", "en")
    assert bare.reasons(r, "the the bridge is old") == []
    with_rep = CandidateGuard(default_context(), ["repetition"])
    assert with_rep.reasons(r, "the the bridge is old") == ["repetition: 'the' doubled"]
    # floor critical: the major finding is below it
    strict = CandidateGuard(default_context(), ["repetition"], min_severity="critical")
    assert strict.reasons(r, "the the bridge is old") == []


def test_a_foreign_script_short_of_half_the_letters_is_not_wrong_language(bare):
    # Han 3, Cyrillic 2, Latin 2: Han is the most common but 3/7 < 0.5
    assert bare._script("桥很好 жд ab", "en") == ""
    # Han 4 of 7: more than half
    assert bare._script("桥很好看 жд a", "en") == "mostly Han script, not en"


def test_a_run_of_one_digit_is_a_loop_quoting_the_digit_and_the_runs_length(bare):
    # forty '1's: sixteen or more of one digit is a decoder loop; the reason counts all 40
    r = row("这座桥建于明代，至今仍在使用。", "zh", "en")
    assert bare.reasons(r, "Lishui tea " + "1" * 40) == ["loop: '1' repeated 40 times"]
    # fifteen '-' are no loop (1 + 14 repeats < 1 + 15)
    assert bare.reasons(r, "Lishui tea " + "-" * 15) == []

"""Candidate guards at their bounds, with hand-computed limits (mutation survivors, issue 21).

The source used throughout, 这座桥建于明代，至今仍在使用。, has 7 + 6 = 13 Chinese characters
(the two punctuation marks are not word characters), so with the default zh-en ratio 0.69 and
``runaway_factor`` 3 the runaway limit is 3 * 0.69 * 13 + 5 = 31.91 English words.
"""

from __future__ import annotations

import pytest

from pipeline.core.context import default_context
from pipeline.segments import new_row
from pipeline.stages.guards import CandidateGuard

SOURCE = "这座桥建于明代，至今仍在使用。"
# 32 words, none repeated next to itself, no digits: no check but the length guard applies.
WORDS = (
    "the old stone bridge over this river was built during Ming times by local masons and "
    "it still carries carts horses and people across green water every day of each year too"
).split()
CHECKS = ["untranslated", "repetition", "number_mismatch"]


@pytest.fixture
def guard() -> CandidateGuard:
    return CandidateGuard(default_context(), CHECKS)


def words(n: int) -> str:
    return " ".join(WORDS[:n]) + "."


def test_runaway_limit_is_three_times_the_expected_ratio_plus_five(guard):
    row = new_row("x", source=SOURCE, src_lang="zh")
    assert guard.reasons(row, words(31)) == []  # 31 <= 31.91
    assert guard.reasons(row, words(32)) == [
        "runaway_length: 32 en units for 13 zh units (limit 32)"
    ]


def test_a_record_without_a_source_language_is_read_as_chinese(guard):
    """No src_lang on the record nor in the run: the default 'zh' counts characters (13), not
    the two space-separated runs a word count would see (limit 3 * 1.0 * 2 + 5 = 11)."""
    row = new_row("x", source=SOURCE)
    assert guard.reasons(row, words(31)) == []
    assert guard.reasons(row, words(32))[0].endswith("for 13 zh units (limit 32)")


def test_the_runs_length_ratio_table_sets_the_limit():
    """[length_ratio] expected zh-en = 1.0: limit 3 * 1.0 * 13 + 5 = 44."""
    ctx = default_context(options={"length_ratio": {"expected": {"zh-en": 1.0}}})
    g = CandidateGuard(ctx, CHECKS)
    row = new_row("x", source=SOURCE, src_lang="zh")
    assert g.reasons(row, words(30)) == []
    long = " ".join(WORDS[:30] + WORDS[:15]) + "."  # 45 words, not adjacent repeats
    assert g.reasons(row, long) == ["runaway_length: 45 en units for 13 zh units (limit 44)"]


def test_script_guard_needs_four_letters_and_a_majority(guard):
    assert guard._script("桥很好", "en") == ""  # three letters: too few to judge
    assert guard._script("桥很好看", "en") == "mostly Han script, not en"
    # Han the most common script with exactly half the letters (4 of 4 + 2 Latin + 2 Cyrillic)
    assert guard._script("桥很好看 ab жд", "en") == "mostly Han script, not en"
    assert guard._script("桥很好 abcde", "en") == ""  # 3 of 8: Latin wins


def test_script_guard_uses_the_rows_target_language(guard):
    """A Chinese candidate for a Chinese target is in the right script."""
    row = new_row("x", source="The bridge was built in the Ming dynasty.", src_lang="en")
    row["tgt_lang"] = "zh"
    reasons = guard.reasons(row, "这座桥建于明代")
    assert not any(r.startswith("wrong_language") for r in reasons), reasons


def test_only_the_repetition_checks_critical_finding_is_a_loop(guard):
    # number_mismatch is critical, but it is no loop: one reason, from the check itself.
    arches = new_row("x", source="这座桥有3个拱。", src_lang="zh")
    assert guard.reasons(arches, "The bridge has 5 arches.") == [
        "number_mismatch: source number(s) 3 changed; target has 5"
    ]
    row = new_row("x", source=SOURCE, src_lang="zh")
    # "the bridge" three times: repetition's critical finding, quoted as the loop's reason
    assert guard.reasons(row, "the bridge, the bridge, the bridge") == [
        "loop: 'the bridge' repeated 3 times (decoder loop)",
        "repetition: 'the bridge' repeated 3 times (decoder loop)",
    ]
    # 'ow' six times (12 characters / 2): whole repeats, not 6.0
    assert guard.reasons(row, "owowowowowow bridge") == ["loop: 'ow' repeated 6 times"]

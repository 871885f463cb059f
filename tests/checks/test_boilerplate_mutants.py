"""Boilerplate checks: the cases mutation testing showed unpinned (issue 21, session 4).

Every expected value below is worked out by hand in the comments.
"""

from __future__ import annotations

from pipeline.checks.boilerplate import (
    _compact,
    _key,
    _same_source,
    _shingles,
    _source_words,
    _variant_sources,
)
from pipeline.checks.docbase import DocSegment
from tests.checks.helpers import row, run_stage


def seg(source: str | None, record: str = "r", file: str = "f.txt") -> DocSegment:
    return DocSegment(file, 0, record, 0, "t", source)


def found(rows: list[dict], **options: object) -> list[list[str]]:
    return [
        [f["evidence"]["reason"] for f in r["flags"]]
        for r in run_stage("duplicate", rows, **options)
    ]


# --- helpers -----------------------------------------------------------------------------------


def test_key_folds_case_and_turns_punctuation_and_underscores_into_one_space():
    assert _key("  Hello,  World__!  ") == "hello world"
    assert _key("ÀB_c") == "àb c"


def test_word_shingles_are_three_word_windows():
    # 4 words: windows 0..2 and 1..3
    assert _shingles("a b c d") == {"a b c", "b c d"}
    # fewer than 3 words: one shingle of all of them
    assert _shingles("a b") == {"a b"}
    assert _shingles("a b c") == {"a b c"}


def test_cjk_shingles_are_character_four_grams_without_spaces():
    # "一二三四五" (5 characters): windows 0..3 and 1..4; the space is removed first
    assert _shingles("一二 三四五") == {"一二三四", "二三四五"}
    # 4 characters: one window; 2 characters: one shingle of both
    assert _shingles("一二三四") == {"一二三四"}
    assert _shingles("一二") == {"一二"}


def test_same_source_needs_both_sources_and_equal_keys():
    assert _same_source(seg("Hello, world"), seg("hello world!"))
    assert not _same_source(seg("Hello"), seg("Help"))
    assert not _same_source(seg(None), seg("Hello"))
    assert not _same_source(seg("Hello"), seg(None))
    assert not _same_source(seg(""), seg(""))


def test_source_words_count_two_cjk_characters_as_one_word():
    # words: Save, files (the digit is not a word) = 2; 保存文件 = 4 characters / 2 = 2
    assert _source_words("Save 3 files 保存文件") == 4.0
    assert _source_words("一二三") == 1.5


def test_compact_removes_placeholders_right_to_left_and_spaces_beside_chinese():
    # {1} at 8..11 goes first, then {0} at 2..5: "a  b  c" -> key "a b c"
    assert _compact("a {0} b {1} c") == "a b c"
    assert _compact("所在城市【{}】校验失败") == "所在城市校验失败"
    assert _compact("Save 文件") == "save文件"


def test_variant_sources_fold_a_plural_s_only_on_words_over_three_letters():
    assert _variant_sources(seg("Cats"), seg("cat"))  # "cats" -> "cat"
    assert _variant_sources(seg("Save files..."), seg("save file"))
    # "bus" has 3 letters: kept; "bu" is then no whole-word part of "bus"
    assert not _variant_sources(seg("bus"), seg("bu"))


def test_variant_sources_whole_word_containment():
    # short 18 characters, long 25: 18 >= 0.7 * 25 = 17.5, found at 7 after a space
    assert _variant_sources(seg("Please enter a valid date"), seg("enter a valid date"))
    # found at 0 but followed by "t": a cut word
    assert not _variant_sources(seg("a valid datetime"), seg("a valid date"))
    # found at 1 after "x": a cut word
    assert not _variant_sources(seg("xenter a valid date"), seg("enter a valid date"))
    # a Chinese lead-in character is no cut word: "输" is not ASCII
    assert _variant_sources(seg("请输入名称"), seg("输入名称"))
    # too short to be a variant: 4 < 0.7 * 10 = 7
    assert not _variant_sources(seg("dated date"), seg("date"))


def test_variant_sources_length_ratio_bound_is_inclusive():
    # short 7 = 0.7 * 10: not too short; found at 3 after a space, nothing after it
    assert _variant_sources(seg("xx abcdefg"), seg("abcdefg"))
    # short 7 < 0.7 * 21 = 14.7: too short even though it is a whole word inside
    assert not _variant_sources(seg("zzzzzzzzzzzzz abcdefg"), seg("abcdefg"))


def test_variant_sources_every_occurrence_is_tried():
    # short "a a a" (5), long "a a a a" (7): 5 >= 4.9; hit at 0: before "", after " ": whole
    assert _variant_sources(seg("a a a a"), seg("a a a"))
    # short "b a" (3), long "ab a" (4): 3 >= 2.8; the only hit, at 1, follows "a": a cut word
    assert not _variant_sources(seg("ab a"), seg("b a"))
    # short "aba" (3), long "abab" (4): hit at 0 is followed by "b": cut; no hit from 1: False
    assert not _variant_sources(seg("abab"), seg("aba"))
    # short "aa a" (4), long "aaa a" (5): hits at 1 only ("aaa " at 0 differs): after "a": cut
    assert not _variant_sources(seg("aaa a"), seg("aa a"))
    # short "ab" (2), long "ab ab" (5)? 2 < 3.5. short "abc" (3), long "abcd" (4): hit at 0 cut
    # ("d" after it); long "xabc" (4): hit at 1 cut ("x" before it)
    assert not _variant_sources(seg("abcd"), seg("abc"))
    assert not _variant_sources(seg("xabc"), seg("abc"))
    # short "a a a a" (7), long "xa a a a a" (10): 7 >= 7.0; the hit at 1 follows "x": cut;
    # the next hit, at 3, follows a space and ends the text: whole: True
    assert _variant_sources(seg("xa a a a a"), seg("a a a a"))
    # short "abc" (3), long "abc!" -> key "abc": same words: True
    assert _variant_sources(seg("abc!"), seg("abc"))


# --- duplicate: exact repeats ------------------------------------------------------------------


def test_min_chars_bound_for_latin_and_cjk_keys():
    twenty = "abcdefghij klmnopqrs"  # key of 20 characters: checked
    nineteen = "abcdefghij klmnopqr"  # 19: may repeat
    ten = "一二三四五六七八九十"  # CJK key of 10 characters: checked
    nine = "一二三四五六七八九"
    rows = [row(t, record=f"{t[:2]}{k}") for t in (twenty, nineteen, ten, nine) for k in (0, 1)]
    assert found(rows) == [
        [],
        [f"repeats {twenty[:2]}0#0 exactly"],
        [],
        [],
        [],
        [f"repeats {ten[:2]}0#0 exactly"],
        [],
        [],
    ]


def test_a_repeated_source_is_a_faithful_repeat_and_another_source_is_flagged():
    t = "Delete the selected file from the project"
    rows = [
        row(t, source="Delete the selected file!", record="a"),
        row(t, source="delete the selected FILE", record="b"),  # same source key: no flag
        row(t, source="Remove every old backup copy now", record="c"),  # 6 words, not a variant
    ]
    assert found(rows) == [[], [], ["same target as a#0 but another source"]]


def test_min_source_words_bound():
    t = "Delete the selected file from the project"
    three = [
        row(t, source="alpha beta gamma", record="a"),
        row(t, source="delta epsilon zeta", record="b"),
    ]
    assert found(three) == [[], []]  # 3 words < 4: a short UI string
    four = [
        row(t, source="alpha beta gamma delta", record="a"),
        row(t, source="epsilon zeta eta theta", record="b"),
    ]
    assert found(four) == [[], ["same target as a#0 but another source"]]
    # 3 words on the second unit only: its own source decides
    mixed = [
        row(t, source="alpha beta gamma delta", record="a"),
        row(t, source="epsilon zeta eta", record="b"),
    ]
    assert found(mixed) == [[], []]


def test_one_side_without_source_is_an_exact_repeat_not_a_bilingual_question():
    t = "Delete the selected file from the project"
    rows = [row(t, record="a"), row(t, source="ab", record="b")]
    # "ab" has 1 word (< 4), but the first has no source: the bilingual exemption needs both
    assert found(rows) == [[], ["same target as a#0 but another source"]]
    rows = [row(t, source="ab", record="a"), row(t, record="b")]
    assert found(rows) == [[], ["repeats a#0 exactly"]]


def test_plural_forms_of_one_unit_are_not_duplicates():
    t = "Delete the selected files from the project"
    rows = [
        row(t, record="msg\x000"),
        row(t, record="msg\x001"),
        row(t, record="msg\x001", file="g.txt"),  # another file: another unit
    ]
    assert found(rows) == [[], [], []]  # the third is in another file (no doc repeat across files)
    rows = [row(t, record="msg\x000"), row(t, record="msg\x001"), row(t, record="other")]
    assert found(rows) == [[], [], ["repeats msg\x000#0 exactly"]]


# --- duplicate: near repeats -------------------------------------------------------------------

ELEVEN = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11"


def test_near_threshold_is_inclusive():
    # 11 words: 9 shingles each; the last word changed: 8 common, union 10 -> 0.8 exactly
    b = ELEVEN.replace("w11", "x11")
    assert found([row(ELEVEN, record="A"), row(b, record="B")]) == [
        [],
        ["near-duplicate of A#0 (80% similar)"],
    ]
    (flag,) = run_stage("duplicate", [row(ELEVEN, record="A"), row(b, record="B")])[1]["flags"]
    assert flag["score"] == 0.8 and flag["severity"] == "major"
    assert flag["evidence"]["start"] == 0 and flag["evidence"]["end"] == len(b)
    # 10 words: 8 shingles; 7 common, union 9 -> 0.78: no flag
    ten = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10"
    assert found([row(ten, record="A"), row(ten.replace("w10", "x10"), record="B")]) == [[], []]


def test_a_tie_names_the_earlier_segment():
    # A: last word changed, B: first word changed. A vs B: 7 common of 11 = 0.64 (no flag).
    # C vs A and C vs B: 8 of 10 = 0.8 each; the earlier (A) is named.
    a = ELEVEN.replace("w11", "x11")
    b = ELEVEN.replace("w1 ", "x1 ")
    rows = [row(a, record="A"), row(b, record="B"), row(ELEVEN, record="C")]
    assert found(rows) == [[], [], ["near-duplicate of A#0 (80% similar)"]]


def test_the_best_candidate_wins_not_the_first():
    # A shares 7 of 11 shingles with C (first two words changed: 0.636... no: see below),
    # B shares 8 of 10 (last word changed). A comes first; B is named.
    # A = x1 x2 w3..w11: shingles x1x2w3, x2w3w4, w3..: 7 common with C, union 11 -> 0.64
    a = ELEVEN.replace("w1 w2 ", "x1 x2 ")
    b = ELEVEN.replace("w11", "x11")
    rows = [row(a, record="A"), row(b, record="B"), row(ELEVEN, record="C")]
    # B vs A: common w3..w10 windows = 6, union 12 -> 0.5: B is not flagged
    assert found(rows) == [[], [], ["near-duplicate of B#0 (80% similar)"]]


def test_max_shingle_df_bound_is_inclusive():
    b = ELEVEN.replace("w11", "x11")
    rows = [row(ELEVEN, record="A"), row(b, record="B")]
    # each shingle of A is in 1 segment: 1 <= 1 still counts
    assert found(rows, max_shingle_df=1) == [[], ["near-duplicate of A#0 (80% similar)"]]
    assert found(rows, max_shingle_df=0) == [[], []]


def test_cjk_near_duplicate_uses_character_four_grams():
    a = "一二三四五六七八九十甲乙"  # 12 characters: 9 four-grams
    b = a[:-1] + "丙"  # last changed: 8 common, union 10 -> 0.8
    assert found([row(a, record="A"), row(b, record="B")]) == [
        [],
        ["near-duplicate of A#0 (80% similar)"],
    ]


def test_near_duplicates_need_no_source_and_another_unit():
    b = ELEVEN.replace("w11", "x11")
    with_source = [row(ELEVEN, source="s1", record="A"), row(b, source="s2", record="B")]
    assert found(with_source) == [[], []]  # templates of different sources
    plural = [row(ELEVEN, record="m\x000"), row(b, record="m\x001")]
    assert found(plural) == [[], []]


def test_a_near_duplicate_is_not_indexed_so_later_ones_name_the_original():
    # B near A (0.8); C is B with one more change, near B (0.8) but only 7/11 near A.
    b = ELEVEN.replace("w11", "x11")
    c = b.replace("w1 ", "x1 ")
    rows = [row(ELEVEN, record="A"), row(b, record="B"), row(c, record="C")]
    # C vs A: common w2..w10 windows: (w2w3w4 .. w8w9w10) = 7, union 9 + 9 - 7 = 11 -> 0.64
    assert found(rows) == [[], ["near-duplicate of A#0 (80% similar)"], []]


def test_variant_sources_edges_of_the_whole_word_rule():
    # one or two Chinese characters put in after an ASCII head: spaces between ASCII words are
    # left out of the comparison ("abcd跟进吗" / "abcd跟进一下吗": "一下" inserted)
    assert _variant_sources(seg("ab cd跟进一下吗"), seg("ab cd跟进吗"))
    # only the character right after the hit decides: "x" then a space is a cut word
    assert not _variant_sources(seg("a valid datex y"), seg("a valid date"))
    # a hit that starts or ends with a Chinese character is never a cut word
    assert _variant_sources(seg("x名ab"), seg("名ab"))
    assert _variant_sources(seg("ab名x"), seg("ab名"))


def test_an_exact_repeat_flag_in_full():
    t = "Delete the selected file from the project"
    (flag,) = run_stage("duplicate", [row(t, record="a"), row(t, record="b")])[1]["flags"]
    assert flag == {
        "check": "duplicate",
        "severity": "major",
        "score": 1.0,
        "evidence": {"start": 0, "end": len(t), "text": t, "reason": "repeats a#0 exactly"},
    }


def test_after_a_near_duplicate_later_segments_are_still_checked():
    b = ELEVEN.replace("w11", "x11")
    rows = [row(ELEVEN, record="A"), row(b, record="B"), row(ELEVEN, record="C")]
    assert found(rows) == [[], ["near-duplicate of A#0 (80% similar)"], ["repeats A#0 exactly"]]


# --- keyword_tail and byline -------------------------------------------------------------------


def stage(name: str):
    from pipeline.config import Config

    (st,) = Config().build_stages([name])
    return st


def test_keyword_tail_finds_nothing_as_an_empty_list():
    st = stage("keyword_tail")
    assert st.check_row({"target": "No pipe here", "source": None}) == []
    assert st.check_row({"target": "| libraries | rural life", "source": None}) == []
    seven = "Markets reopen | open until the very late summer evening"
    assert st.check_row({"target": seven, "source": None}) == []
    # the source ends with the same item: a faithful translation of a keyed message
    t = "Reading rooms open in the hills | libraries"
    assert st.check_row({"target": t, "source": "山里开放阅览室 | libraries"}) == []
    assert [f["check"] for f in st.check_row({"target": t, "source": "山里开放阅览室"})] == [
        "keyword_tail"
    ]


def test_a_keyed_source_keeps_its_tail_through_the_stage():
    t = "Reading rooms open in the hills | libraries"
    out = run_stage("keyword_tail", [row(t, source="山里开放阅览室 | libraries")])[0]
    assert out["flags"] == [] and out["output"] == t


def test_a_human_translation_is_flagged_not_cut_and_the_next_row_is_still_cut():
    t = "Reading rooms open in the hills | libraries | rural life"
    out = run_stage("keyword_tail", [row(t, source="山里开放阅览室"), row(t)])
    assert [f["check"] for f in out[0]["flags"]] == ["keyword_tail"]
    assert out[0]["output"] == t  # bilingual: never cut without review
    assert out[1]["output"] == "Reading rooms open in the hills"


def test_byline_finds_nothing_as_an_empty_list():
    st = stage("byline")
    ok = {"target": "Editor: Wang Fang", "line_first": True, "line_end": True}
    assert [f["check"] for f in st.check_row(ok)] == ["byline"]
    assert st.check_row({**ok, "line_first": False}) == []
    assert st.check_row({**ok, "target": "The editor left early."}) == []

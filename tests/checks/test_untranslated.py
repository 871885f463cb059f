from tests.checks.helpers import flags_of


def test_each_cjk_run_is_evidence():
    t = 'Then "鲊" was used, and 糟鱼 too.'
    flags = flags_of("untranslated", t)
    assert [
        (f["evidence"]["start"], f["evidence"]["end"], f["evidence"]["text"]) for f in flags
    ] == [(t.index("鲊"), t.index("鲊") + 1, "鲊"), (t.index("糟"), t.index("糟") + 2, "糟鱼")]


def test_cjk_punctuation_inside_a_run_joins_it():
    flags = flags_of("untranslated", "He said 市民说：“好！” yesterday")
    assert len(flags) == 1 and flags[0]["evidence"]["text"] == "市民说：“好"


def test_english_left_in_chinese_target():
    flags = flags_of("untranslated", "这个项目 was completed last year 已经完成。", tgt_lang="zh")
    assert flags[0]["evidence"]["text"] == "was completed last year"
    assert flags_of("untranslated", "使用5G和AI技术。", tgt_lang="zh") == []


def test_clean_english_has_none():
    assert flags_of("untranslated", "Café owners in Ürümqi — “quoted” text.") == []

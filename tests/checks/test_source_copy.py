from tests.checks.helpers import checks_of, flags_of


def test_exact_and_near_copies():
    src = "这些公园全年免费开放。"
    assert flags_of("source_copy", src, source=src, src_lang="zh")[0]["severity"] == "critical"
    near = flags_of("source_copy", "这些公园全年免费开放", source=src, src_lang="zh")
    assert near and near[0]["check"] == "source_copy"


def test_translation_and_monolingual_are_not_copies():
    assert (
        checks_of(
            "source_copy",
            "These parks are open all year.",
            source="这些公园全年免费开放。",
            src_lang="zh",
        )
        == []
    )
    assert checks_of("source_copy", "Same text here.") == []
    # Same language on both sides (post-editing data): not a copy problem.
    assert checks_of("source_copy", "Same text.", source="Same text.", src_lang="en") == []


def test_names_code_urls_placeholders_may_be_copied():
    from tests.checks.helpers import checks_of

    for src in (" CPU {}", "Amazon S3", "https://example.org/docs", "%s: %s", "GitHub Actions"):
        assert checks_of("source_copy", src, source=src, src_lang="en", tgt_lang="zh") == []
    assert checks_of(
        "source_copy", "Open the file", source="Open the file", src_lang="en", tgt_lang="zh"
    ) == ["source_copy"]


def test_ratio_bound_is_the_shared_characters_and_never_below_the_ratio():
    from difflib import SequenceMatcher

    from pipeline.checks.source_copy import _ratio_bound

    assert _ratio_bound("abcd", "abce") == 0.75  # 3 shared of 8: 2 * 3 / 8
    assert _ratio_bound("今天天气", "todaysweather") == 0.0
    for a, b in (("abcd", "dcba"), ("hello world", "world hello"), ("aab", "abb")):
        assert _ratio_bound(a, b) >= SequenceMatcher(None, a, b, autojunk=False).ratio()


def test_a_kept_name_beside_translated_chinese_is_not_a_near_copy():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    assert flags_of("source_copy", "Brand: lumavertex", source="品牌：lumavertex", **kw) == []
    # the Chinese word left in the target: still a copy
    assert checks_of("source_copy", "品牌: lumavertex", source="品牌：lumavertex", **kw) == [
        "source_copy"
    ]

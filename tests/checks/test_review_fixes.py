"""Review findings on pairs.py, length_ratio.py and numbers.py: each test fails before its fix."""

import time

from pipeline.checks.length_ratio import compared_units
from pipeline.checks.numbers import source_numbers_ex, target_numbers
from pipeline.checks.pairs import split_code_name
from tests.checks.helpers import flags_of


def _cpu_seconds(fn, *args) -> float:
    t0 = time.process_time()
    fn(*args)
    return time.process_time() - t0


def test_split_code_name_is_linear_on_long_text():
    # The old regex tried every split of the text: 30,000 Chinese characters took about a
    # minute of CPU; one pass takes milliseconds. The bound is generous on purpose.
    assert _cpu_seconds(split_code_name, "中" * 30_000) < 3.0
    assert _cpu_seconds(split_code_name, "中 " * 15_000 + "x") < 3.0
    assert split_code_name("中" * 30_000 + " SyncTask") == ("中" * 30_000, "SyncTask")


def test_split_code_name_cases():
    assert split_code_name("远程包源同步任务 SyncTask") == ("远程包源同步任务", "SyncTask")
    assert split_code_name("企业微信(WechatWork)") == ("企业微信", "WechatWork")
    assert split_code_name("节点管理（NODEMAN）") == ("节点管理", "NODEMAN")
    assert split_code_name("业务 Business ") == ("业务", "Business")
    assert split_code_name("会话 ID") is None  # an acronym is part of the text
    assert split_code_name("耗时 (ms)") is None  # a unit
    assert split_code_name("Business") is None  # no label
    assert split_code_name("SyncTask 任务") is None


def test_length_ratio_of_nothing_translated_is_not_judged():
    # Sources left with no unit to compare: a label with its code name rendered as the name,
    # placeholders only. With min_source_units 0 these divided by zero.
    opts = {"min_source_units": 0}
    for src, tgt in [("业务 Business", "Business"), ("{0} {1}", "{0} {1}")]:
        assert flags_of("length_ratio", tgt, source=src, src_lang="zh", options=opts) == []
    # a source that has units is still judged with that setting: 1 unit "好" vs 6 words
    long = flags_of("length_ratio", "a b c d e f", source="好", src_lang="zh", options=opts)
    assert long and "too long" in long[0]["evidence"]["reason"]


def test_shared_tokens_are_dropped_in_one_pass():
    # 12,000 distinct tokens copied as written: one regex per token took about 9 s.
    toks = [f"tok{i}" for i in range(12_000)]
    src, tgt = "中文" + "，".join(toks), "English " + " ".join(toks)
    t0 = time.process_time()
    units = compared_units(src, tgt, "zh", "en")
    assert time.process_time() - t0 < 3.0
    # "中文" (2; "，" is no unit) + 12,000 copied; "English" + 12,000 copied
    assert units == (2 + 12_000, 1 + 12_000)


def test_shared_tokens_count_once_per_copy():
    # "ID" twice in the source, once in the target: one copy is shared, the other is source
    # text (2 units in Chinese) beside 用户和 (3); "user", "ab": 2 target words.
    assert compared_units("用户ID和ID", "user ID ab", "zh", "en") == (3 + 2 + 1, 2 + 1)


def test_source_numbers_are_linear_in_arabic_numbers():
    # Each Chinese numeral was tested against every Arabic number: 10,000 of each (140,000
    # characters) took about 12 s here; a binary search takes well under a second.
    text = "有1个和三个，" * 10_000
    t0 = time.process_time()
    found = source_numbers_ex(text)
    assert time.process_time() - t0 < 3.0
    assert found[:2] == [(1.0, "1", "exact"), (1.0, "1", "exact")]
    assert sorted(found) == sorted([(1.0, "1", "exact")] * 10_000 + [(3.0, "三", "exact")] * 10_000)


def test_chinese_scale_of_an_arabic_amount_is_read_once():
    # 1.77万亿 is one number; 2万4801 is 24,801; the 三 after them is its own number
    assert source_numbers_ex("达1.77万亿元，2万4801人，三个") == [
        (24801.0, "2万4801", "exact"),
        (1.77e12, "1.77万亿", "exact"),
        (3.0, "三", "exact"),
    ]


def _number_flags(src: str, tgt: str) -> list[dict]:
    return flags_of("number_mismatch", tgt, source=src, src_lang="zh", tgt_lang="en")


def test_a_number_in_a_word_copied_from_the_source_does_not_count():
    # the 3 of "mp3" is the file type, copied as written; the three files are not said
    flags = _number_flags("下载3个mp3文件。", "Download the mp3 files.")
    assert flags and "3" in flags[0]["evidence"]["reason"]
    assert _number_flags("下载3个mp3文件。", "Download 3 mp3 files.") == []
    # a word with a number that the source does not have still says it ("bracket3" for 支架3)
    assert _number_flags("型号：支架3", "Model: bracket3") == []
    assert target_numbers("Download the mp3 files.", "下载3个mp3文件。") == set()
    assert target_numbers("Download the MP3 files.", "下载3个mp3文件。") == set()
    assert target_numbers("Model: bracket3 and mp3", "支架3和mp3") == {3.0}


def test_both_is_read_only_when_two_counts_people():
    # after 们, 两次 "twice" and 两年 "two years" are amounts: dropping them is flagged
    for src, tgt in [
        ("他们两次拒绝了。", "They refused."),
        ("我们两年前见过面。", "We met years ago."),
    ]:
        flags = _number_flags(src, tgt)
        assert flags and "两" in flags[0]["evidence"]["reason"]
    # 两人 / 两个人 after 们 or 父母 is "both" / "the two of them": not flagged
    assert _number_flags("我们两人一起去了医院。", "We went to the hospital together.") == []
    assert _number_flags("他们两个人都同意。", "They both agreed.") == []
    assert _number_flags("父母二人都来了。", "Both parents came.") == []
    assert _number_flags("他们两个都同意了。", "They both agreed.") == []
    assert _number_flags("他们两个月没见面。", "They have not met for months.") != []

import pytest

from pipeline.checks.numbers import parse_chinese_numeral, source_numbers, target_numbers
from tests.checks.helpers import flags_of


@pytest.mark.parametrize(
    "s,v",
    [
        ("三千六百", 3600),
        ("十五万", 150000),
        ("两", 2),
        ("十四", 14),
        ("一九九八", 1998),
        ("三亿五千万", 350000000),
        ("二十", 20),
    ],
)
def test_chinese_numerals(s, v):
    assert parse_chinese_numeral(s) == v


def test_source_and_target_values():
    assert [v for v, _ in source_numbers("总投资约3.5亿元，种植2万株，7月31日")] == [
        3.5e8,
        2e4,
        7,
        31,
    ]
    assert {3.5e8, 20000, 7, 31, 1} <= target_numbers(
        "about 350 million yuan, 20,000 roses, on July 31st, the first"
    )


@pytest.mark.parametrize(
    "src,tgt",
    [
        ("公园建设总投资约3.5亿元。", "The total investment is about 350 million yuan."),
        ("运河夜游项目共接待游客15万人次。", "The canal tour received 150,000 visitors."),
        ("明年将再建设8个口袋公园。", "It will build eight more pocket parks next year."),
        ("7月31日抵达。", "They arrived on July 31st."),
    ],
)
def test_matching_numbers_pass(src, tgt):
    assert flags_of("number_mismatch", tgt, source=src, src_lang="zh") == []


def test_changed_and_missing_numbers():
    changed = flags_of(
        "number_mismatch",
        "Visitors increased by 14% year-on-year.",
        source="游客量同比增长40%。",
        src_lang="zh",
    )
    assert changed[0]["severity"] == "critical" and "40" in changed[0]["evidence"]["reason"]
    missing = flags_of(
        "number_mismatch", "It will plant roses.", source="种植2万株月季。", src_lang="zh"
    )
    assert missing[0]["severity"] == "major" and "2万" in missing[0]["evidence"]["reason"]


@pytest.mark.parametrize(
    "source,target",
    [
        ("营收1100多万元", "revenue of more than 11 million yuan"),
        ("营收1100多万元", "revenue of 11 million yuan"),
        ("销量增长1倍多", "sales more than doubled"),
        ("售价1美元", "it sells for a US dollar"),
        ("这两个黑洞都在移动。", "Both black holes are moving."),
        ("想象一下，十亿年前", "Imagine a billion years ago"),
        ("融合将经历数十亿年的时间", "the merger will take billions of years"),
        ("不仅仅是一两件事出了问题", "not just one or two things went wrong"),
        ("五年时间，两百五十万个部分", "five years and two and a half million parts"),
        ("谋杀率从每一百万15 起直到150 起", "from 15 to 150 per million"),
    ],
)
def test_faithful_renderings_are_not_number_mismatches(source, target):
    assert flags_of("number_mismatch", target, source=source) == []


@pytest.mark.parametrize(
    "source,target",
    [
        ("夜间游客量同比增长40%", "night visitors increased by 14%"),
        ("营收1100多万元", "revenue of 2 million yuan"),
        ("销量增长3倍", "sales rose tenfold, to 10 times"),
        ("种植2万株月季", "plant 20 roses"),
    ],
)
def test_changed_numbers_are_still_flagged(source, target):
    assert [f["check"] for f in flags_of("number_mismatch", target, source=source)] == [
        "number_mismatch"
    ]

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

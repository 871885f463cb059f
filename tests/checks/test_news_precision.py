"""Flags on news text that professional raters call error-free (issue 17): each case is our own
sentence built on a cause read in the WMT22 dev file, with the real error still flagged."""

import pytest

from tests.checks.helpers import flags_of


def numbers(src: str, tgt: str) -> list[dict]:
    return flags_of("number_mismatch", tgt, source=src, src_lang="zh", tgt_lang="en")


@pytest.mark.parametrize(
    "src,tgt",
    [
        # 七八十年代: two decades said as years of the century
        ("上世纪七八十年代，这家工厂很有名。", "In the 1970s and 1980s, the factory was famous."),
        ("九十年代的老歌。", "Old songs of the 1990s."),
        # the 万亿 of an Arabic amount is its scale, not a second number
        ("成交额达到2.35万亿元。", "Turnover reached 2.35 trillion yuan."),
        # a month-day pair before 节 is the name of a day
        ("“八一”建军节前夕举行了仪式。", "A ceremony was held on the eve of Army Day."),
        # 两人 in apposition: "both"
        ("我们两人一起去了医院。", "We went to the hospital together."),
        # a number after "No." or a comma with no space
        ("地址：东风路218号", "Address: No.218 Dongfeng Road"),
        ("全国四仓发货，85%城市次日达", "Shipped from four warehouses,85% of cities next day"),
        # a number glued to a lower-case word
        ("型号：支架3", "Model: bracket3"),
        # a hyphenated number word and a spelled ordinal
        ("有37家企业参加。", "Thirty-seven companies took part."),
        ("第十六届运动会", "The Sixteenth Games"),
    ],
)
def test_what_raters_accept_is_not_flagged(src, tgt):
    assert numbers(src, tgt) == []


@pytest.mark.parametrize(
    "src,tgt,written",
    [
        ("上世纪七八十年代，这家工厂很有名。", "In the 1950s, the factory was famous.", "七八十"),
        ("成交额达到2.35万亿元。", "Turnover reached 3.35 trillion yuan.", "2.35万亿"),
        ("两人在事故中受伤。", "People were injured in the accident.", "两"),
        ("地址：东风路218号", "Address: No.281 Dongfeng Road", "218"),
        ("有37家企业参加。", "Thirty-six companies took part.", "37"),
        ("“八一”建军节有15万游客。", "There were many tourists on Army Day.", "15万"),
    ],
)
def test_real_number_errors_still_flagged(src, tgt, written):
    flags = numbers(src, tgt)
    assert flags and written in flags[0]["evidence"]["reason"]

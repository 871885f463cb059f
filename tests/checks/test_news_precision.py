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
        ("型号：支架3", "Model: bracket5", "3"),
        ("第十六届运动会", "The Fifteenth Games", "十六"),
        (
            "全国四仓发货，85%城市次日达",
            "Shipped from four warehouses,58% of cities next day",
            "85",
        ),
        ("“八一”建军节有15万游客。", "There were many tourists on Army Day.", "15万"),
    ],
)
def test_real_number_errors_still_flagged(src, tgt, written):
    flags = numbers(src, tgt)
    assert flags and written in flags[0]["evidence"]["reason"]


def end_punctuation(src: str, tgt: str) -> list[dict]:
    return flags_of("end_punctuation", tgt, source=src, src_lang="zh", tgt_lang="en")


@pytest.mark.parametrize(
    "src,tgt",
    [
        # a question said as reported speech
        ("老师问我，作业写完了吗？", "The teacher asked me whether I had finished my homework."),
        ("我一直想不通，他为什么每天都迟到？", "I never understood why he is late every day."),
        # a rhetorical Chinese question ending in 。
        ("周末为什么要去公司加班。", "Why go to the office at the weekend?"),
        # A没A asks without a question mark
        ("快递到没到", "Has the parcel arrived?"),
        # a caption that leads in to what follows
        ("工厂车间一角：", "A corner of the workshop."),
        # a salutation
        ("亲爱的读者您好！", "Dear readers,"),
        # a Chinese comma between clauses as a semicolon
        ("天色已经很暗了，", "It was already very dark;"),
    ],
)
def test_punctuation_raters_accept_is_not_flagged(src, tgt):
    assert end_punctuation(src, tgt) == []


@pytest.mark.parametrize(
    "src,tgt",
    [
        ("你今天吃了什么？", "What did you eat today."),  # a direct question lost its mark
        ("作业写完了吗？", "I had finished my homework."),
        ("他每天都迟到。", "He is late every day?"),
        ("工厂车间一角：", "A corner of the workshop?"),
        ("工厂车间一角：", "A corner of the workshop:."),  # a stop doubling the colon
        ("天色已经很暗了，", "It was already very dark"),
    ],
)
def test_punctuation_errors_still_flagged(src, tgt):
    assert [f["check"] for f in end_punctuation(src, tgt)] == ["end_punctuation"]


def brackets(src: str, tgt: str) -> list[dict]:
    return flags_of("bracket_pairing", tgt, source=src, src_lang="zh", tgt_lang="en")


@pytest.mark.parametrize(
    "src,tgt",
    [
        ("他们发起了“绿色校园”活动。", 'They launched the ”Green Campus" campaign.'),
        ("他们发起了“绿色校园”活动。", 'They launched the “Green Campus" campaign.'),
        ("这艘船名叫“远航”号。", "The ship is called ”Voyager“."),
    ],
)
def test_quote_style_is_not_flagged(src, tgt):
    assert brackets(src, tgt) == []


@pytest.mark.parametrize(
    "src,tgt,where",
    [
        # a stray closer after a closed quote, and an opener never closed
        ("他说：“明天见。”", 'He said: "See you tomorrow." ”', 29),
        ("他说明天见。", "He said: “See you tomorrow.", 9),
        ("价格（含税）为十元。", "The price (including tax is ten yuan.", 10),
    ],
)
def test_unpaired_quotes_and_brackets_still_flagged(src, tgt, where):
    flags = brackets(src, tgt)
    assert [f["evidence"]["start"] for f in flags] == [where]


def repetition(tgt: str, src: str = "一段中文原文。") -> list[dict]:
    return flags_of("repetition", tgt, source=src, src_lang="zh", tgt_lang="en")


@pytest.mark.parametrize(
    "tgt",
    [
        "She pointed the camera at the centre of the city, the city as she remembers it.",
        "If you get too close to it, it will burn you.",
        "Because she is honest, she is honest about her mistakes too.",
        "We learn by comparing cities, cities with different climates.",
    ],
)
def test_a_clause_boundary_is_not_a_repeat(tgt):
    assert repetition(tgt) == []


@pytest.mark.parametrize(
    "tgt,severity",
    [
        ("This is a fundamental, fundamental change.", "major"),  # no pronoun or determiner
        ("the city the city as she remembers it", "major"),  # no comma: a stutter
        ("It was close to it, it.", "major"),  # nothing goes on after the copy
        ("The city, the city is old.", "major"),  # the first copy opens the sentence
        ("We learn by comparing cities, cities and towns.", "major"),  # no modifier
        ("the city, the city, the city as she remembers it", "critical"),  # a loop
    ],
)
def test_stutters_and_loops_still_flagged(tgt, severity):
    assert [f["severity"] for f in repetition(tgt)] == [severity]


def test_a_salutation_is_not_truncated():
    def trunc(tgt: str) -> list[str]:
        return [f["check"] for f in flags_of("truncation", tgt, source="亲爱的读者您好！")]

    assert trunc("Dear readers,") == []
    assert trunc("Dear readers, we are glad to tell you that the museum,") == ["truncation"]
    assert trunc("The museum will open on Monday and,") == ["truncation"]


def test_a_separator_bar_is_not_untranslated():
    def untranslated(tgt: str) -> list[str]:
        return [f["evidence"]["text"] for f in flags_of("untranslated", tgt, tgt_lang="en")]

    assert untranslated("City News丨Spring flowers open in the park") == []
    assert untranslated("City News丨春天 flowers open in the park") == ["丨春天"]
    assert untranslated("City News | 春天 flowers open") == ["春天"]

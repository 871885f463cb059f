"""Flags that professional raters found wrong on zh->en news and chat (issue 17): each case is
our own text of the kind that was flagged, with the real error next to it still flagged."""

from tests.checks.helpers import flags_of

ZH_EN = {"src_lang": "zh", "tgt_lang": "en"}


def _ends(target: str, source: str) -> list[str]:
    return [f["evidence"]["reason"] for f in flags_of("end_punctuation", target, source=source)]


def test_a_chinese_question_without_its_mark_may_end_with_one():
    assert _ends("Can the parcel still be returned?", "包裹还能退回吗") == []
    assert _ends("How do I change the address?", "我要怎么修改地址") == []
    assert _ends("Has the order been shipped?", "订单是否已经发货") == []
    # a statement that the target turns into a question is still flagged
    assert _ends("The order has been shipped?", "订单已经发货") == [
        "source ends with no punctuation, target with quest"
    ]


def test_a_loud_question_is_a_question():
    assert _ends("You ate all of it?!", "你全吃完了？") == []
    assert _ends("You ate all of it!", "你全吃完了？") == [
        "source ends with quest, target with excl"
    ]


def _missing(target: str, source: str) -> list[str]:
    return [
        f["evidence"]["reason"] for f in flags_of("number_mismatch", target, source=source, **ZH_EN)
    ]


def test_dates_and_plans_named_by_their_digits():
    # 六四 is June 4th, 十四五 the 14th Five-Year Plan, 二四五年级 grades 2, 4 and 5
    assert _missing("Flowers were laid on June 4th.", "六四那天有人献花。") == []
    assert _missing("The 14th Five-Year Plan starts well.", "“十四五”开局良好。") == []
    assert _missing("Books for grades 2, 4 and 5.", "二四五年级读物。") == []
    assert _missing("Flowers were laid in June.", "六四那天有人献花。") == [
        "source number(s) 六四 changed; target has 6"
    ]


def test_decades_centuries_and_abbreviated_months():
    assert _missing("Chips changed in the 1980s.", "上世纪80年代芯片变了。") == []
    assert _missing("Chips changed in the 1980s.", "20世纪80年代芯片变了。") == []
    assert _missing("Chips changed in the 1970s.", "20世纪80年代芯片变了。") == [
        "source number(s) 80 changed; target has 1970"
    ]
    assert _missing("Shanghai, Dec. 9 (staff)", "上海12月9日电") == []


def test_numbers_after_a_hyphen_and_mixed_wan_amounts():
    assert _missing("since mid-2017", "自2017年年中以来") == []
    assert _missing("the Rescue-2022 drill ended", "“救援-2022”演习结束") == []
    assert _missing("It issued 35,402 permits.", "共发出3万5402张许可证。") == []
    assert _missing("It issued 35,000 permits.", "共发出3万5402张许可证。") == [
        "source number(s) 3万5402 changed; target has 35000"
    ]


def test_approximate_tens_and_adverbial_qianwan():
    assert _missing("He treats dozens of patients a day.", "他每天看几十名病人。") == []
    assert _missing("It has worked in chips for decades.", "它在芯片领域深耕数十年。") == []
    assert _missing("Never leave the door open.", "千万不要开着门。") == []
    assert _missing("He treats six patients a day.", "他每天看几十名病人。") == [
        "source number(s) 十 changed; target has 6"
    ]

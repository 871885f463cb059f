from pipeline.checks.length_ratio import length_units
from tests.checks.helpers import flags_of

SRC = "无锡市梁溪区今年新增口袋公园12个，市民步行五分钟即可到达。"


def test_units():
    assert length_units(SRC, "zh") == 28 and length_units("two words", "en") == 2


def test_normal_ratio_passes_and_extremes_are_flagged():
    good = (
        "Liangxi District of Wuxi has added 12 pocket parks this year, within a five-minute walk."
    )
    assert flags_of("length_ratio", good, source=SRC, src_lang="zh") == []
    short = flags_of("length_ratio", "Parks.", source=SRC, src_lang="zh")
    assert short and "too short" in short[0]["evidence"]["reason"]
    long = flags_of("length_ratio", good * 5, source=SRC, src_lang="zh")
    assert long and "too long" in long[0]["evidence"]["reason"]


def test_short_sources_and_monolingual_are_not_judged():
    assert (
        flags_of("length_ratio", "A very long translation indeed here", source="好", src_lang="zh")
        == []
    )
    assert flags_of("length_ratio", "No source.") == []


def test_ratio_per_latin_pair():
    from tests.checks.helpers import checks_of

    src = "Click the button to save all of your changes to the current document now"  # 14 words
    de = "Klicken Sie auf die Schaltfläche, um alle Änderungen zu speichern"  # 10 words
    assert checks_of("length_ratio", de, source=src, src_lang="en", tgt_lang="de") == []
    assert checks_of("length_ratio", "Speichern", source=src, src_lang="en", tgt_lang="de") == [
        "length_ratio"
    ]
    ko = "변경 사항을 모두 저장하려면 단추를 클릭하십시오"  # 6 words: 0.43 of 14, expected 0.7
    assert checks_of("length_ratio", ko, source=src, src_lang="en", tgt_lang="ko") == []

import pytest

from tests.checks.helpers import flags_of


@pytest.mark.parametrize(
    "text,severity,evidence",
    [
        (
            "stressed the basic, basic, and lasting tasks",
            "major",
            "basic, basic",
        ),
        (
            "Come on, come on, come on, everyone buy our tea",
            "critical",
            "Come on, come on, come on",
        ),
        (
            "open all year round, all year round, all year round.",
            "critical",
            "all year round, all year round, all year round",
        ),
        ("这些公园这些公园这些公园", "critical", "这些公园这些公园这些公园"),
        ("the the results", "major", "the the"),
    ],
)
def test_repeats_are_found_with_exact_evidence(text, severity, evidence):
    flags = flags_of("repetition", text)
    assert len(flags) == 1
    ev = flags[0]["evidence"]
    assert flags[0]["severity"] == severity and ev["text"] == evidence
    assert text[ev["start"] : ev["end"]] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "He said that that was fine.",
        "Tang Tang is a writer.",
        "Bachu | Bachu, Xinjiang",
        "In 2020 2020 was",
        "It was very good.",
        "Shanghai. Shanghai is big.",
    ],
)
def test_legitimate_doubles_are_not_flagged(text):
    assert flags_of("repetition", text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The lake was very, very cold that winter.",
        "She had visited the clinic many, many times.",
        "The queue grew longer and longer, and nobody left.",
        "Prices rose faster and faster, and wages did not.",
        "He practised day by day and won.",
        "They read it word for word, for days.",
    ],
)
def test_english_emphasis_and_idioms_are_not_flagged(text):
    assert flags_of("repetition", text) == []


def test_a_doubled_word_is_still_flagged_when_not_an_intensifier():
    flags = flags_of("repetition", "We need the plan, plan for the river.")
    assert [f["evidence"]["text"] for f in flags] == ["plan, plan"]


@pytest.mark.parametrize(
    "source,target",
    [
        (
            "如果河水干了，如果河水干了，鱼就没了。",
            "If the river dries up, if the river dries up, the fish are gone.",
        ),
        ("天气越来越热。", "It gets hotter, hotter every day."),
        ("他一遍又一遍地读那封信。", "He read the letter over, over again."),
        ("敲门声：咚，咚，咚。", "A knock: dong, dong, dong."),
        ("那座桥非常非常老。", "The bridge is old, old."),
    ],
)
def test_a_repeat_the_source_has_too_is_not_flagged(source, target):
    assert flags_of("repetition", target, source=source) == []


@pytest.mark.parametrize(
    "source,target,severity",
    [
        # The source says it once: the doubling is the translation's own.
        (
            "河水干了，鱼就没了。",
            "If the river dries up, if the river dries up, the fish are gone.",
            "major",
        ),
        # A doubled source excuses a doubling, not a loop of three.
        ("那座桥非常非常老。", "The bridge is old, old, old.", "critical"),
        # A word the source merely uses twice is no repeat of a phrase.
        (
            "河水很深，我们在河水里游泳。",
            "The river, the river is deep and we swim in it.",
            "major",
        ),
    ],
)
def test_a_repeat_the_source_lacks_is_still_flagged(source, target, severity):
    flags = flags_of("repetition", target, source=source)
    assert [f["severity"] for f in flags] == [severity]


def test_cjk_doubling_caught_reduplication_allowed():
    from tests.checks.helpers import flags_of

    fl = flags_of("repetition", "请提交報銷報銷单据", source="Submit the expense claim")
    assert [(f["severity"], f["evidence"]["text"]) for f in fl] == [("major", "報銷報銷")]
    for ok in ("我常常看看书", "谢谢你", "大家高高兴兴地回家"):
        assert flags_of("repetition", ok, source="I often read") == []
    assert flags_of("repetition", "研究研究", source="研究研究") == []

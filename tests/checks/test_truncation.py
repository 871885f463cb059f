import pytest

from tests.checks.helpers import flags_of


@pytest.mark.parametrize(
    "text,first,reason",
    [
        ("it has been popular with the visiting teachers,", True, "comma"),
        ("Tang Tang has mentioned that since childhood, she has", False, "'has'"),
        ("will also plant 20000 Chinese roses along the", True, "'the'"),
        ('He said "we will build the park', True, "quotation"),
        (
            "The sweetness of the melon is matched by the crunch of the roasted almonds",
            False,
            "no final stop",
        ),
        ("梁溪区园林局还将在运河沿线种植，", True, "comma"),
    ],
)
def test_cut_passages(text, first, reason):
    flags = flags_of("truncation", text, line_first=first)
    assert flags and reason in flags[0]["evidence"]["reason"]


@pytest.mark.parametrize(
    "text",
    [
        "Opening up, working hard to set rules and build systems",
        "Surgeons in two cities complete a remote knee operation over a 5G link",
        "Location of Wuxi Vocational College of Tea Arts",
        'Tea Aid Lishui, Growing Futures "Lishui"',
        "Release time: Apr 14",
        "It ended well.",
        "今天下雨。",
    ],
)
def test_headings_and_captions_are_not_truncations(text):
    assert flags_of("truncation", text, line_first=True) == []


def test_pipe_headlines_and_mid_line_segments_are_not_judged():
    assert flags_of("truncation", "Lotus House | All Things", line_first=False) == []
    assert flags_of("truncation", "It went on and", line_end=False) == []


def test_a_quote_running_on_across_paragraphs_is_not_a_cut():
    # English convention: a quotation over several paragraphs closes only in its last one.
    text = '"We planted the first tea here in 1998. It grew slowly at first.'
    assert flags_of("truncation", text, line_first=False) == []
    # A quote left open mid-sentence still is.
    cut = 'She told reporters, "we will open the new museum in'
    assert [f["evidence"]["reason"] for f in flags_of("truncation", cut, line_first=False)] == [
        "a quotation is left open"
    ]


def test_a_target_that_mirrors_a_source_fragment_is_not_a_cut():
    src = "我们能看到从月球反射回来的光，"
    assert flags_of("truncation", "We can see the light reflected from the moon,", source=src) == []
    full = "梁溪区园林局还将在运河沿线种植2万株月季。"
    cut = "The Liangxi Garden Administration will also plant 20000 Chinese roses along the"
    assert [f["check"] for f in flags_of("truncation", cut, source=full)] == ["truncation"]


def _words(n: int) -> str:
    """``n`` words of plain prose with no final stop and no dangling last word."""
    cycle = ["Volunteers", "planted", "rows", "near", "young", "apricot", "trees"]
    return " ".join(cycle[i % len(cycle)] for i in range(n))


def test_a_stopless_line_longer_than_any_heading_is_a_minor_truncation():
    flags = flags_of("truncation", _words(41), line_first=True)
    assert [(f["severity"], f["score"]) for f in flags] == [("minor", 0.8)]
    assert flags[0]["evidence"]["reason"] == "41 words with no final stop: too long for a heading"
    assert flags_of("truncation", _words(40), line_first=True) == []  # as long as a heading may be
    limited = flags_of("truncation", _words(21), line_first=True, options={"max_heading_words": 20})
    assert [f["severity"] for f in limited] == ["minor"]


def _tail(text: str) -> tuple[int, int, str]:
    start = max(0, len(text) - 30)
    return start, len(text), text[start:]


@pytest.mark.parametrize(
    "text,first,severity,score,reason",
    [
        (
            "it has been popular with the visiting teachers,",
            True,
            "major",
            1.0,
            "ends with a comma",
        ),
        ("梁溪区园林局还将在运河沿线种植，", True, "major", 1.0, "ends with a comma"),
        ('He said "we will build it', True, "major", 0.9, "a quotation is left open"),
        ("He said “we will build it", True, "major", 0.9, "a quotation is left open"),
        ("Short, and", True, "major", 1.0, "ends with 'and', mid-sentence"),
        (
            "The new reading rooms open each weekday",
            False,
            "major",
            0.9,
            "last sentence of a paragraph has no final stop",
        ),
    ],
)
def test_exact_flags_with_the_last_thirty_characters_as_evidence(
    text, first, severity, score, reason
):
    (flag,) = flags_of("truncation", "  " + text + "  ", line_first=first)
    start, end, tail = _tail("  " + text)
    assert flag == {
        "check": "truncation",
        "severity": severity,
        "score": score,
        "evidence": {"start": start, "end": end, "text": tail, "reason": reason},
    }


@pytest.mark.parametrize(
    "text,first,reasons",
    [
        ("Two and", True, ["ends with 'and', mid-sentence"]),  # two words are enough
        ("He said “we will build it”", True, []),  # curly quotes closed
        ('He said "a" and "b"', True, []),  # straight quotes paired
        ("Lotus House ｜ All Things", False, []),  # a full-width pipe headline
        ("The rooms open each weekday", False, ["last sentence of a paragraph has no final stop"]),
    ],
)
def test_boundaries_of_each_rule(text, first, reasons):
    flags = flags_of("truncation", text, line_first=first)
    assert [f["evidence"]["reason"] for f in flags] == reasons


def test_three_words_after_a_paragraph_start_are_too_short_to_judge():
    assert flags_of("truncation", "Rooms open weekdays", line_first=False) == []
    assert flags_of("truncation", "and", line_first=True) == []  # one word: no sentence to cut


def test_fullwidth_semicolon_is_not_a_comma_ending():
    from tests.checks.helpers import checks_of

    assert checks_of("truncation", "第一条规定如下；") == []
    assert checks_of("truncation", "第一条规定如下，") == ["truncation"]


def test_a_target_closing_a_quote_its_source_closes_without_opening_is_not_a_cut():
    # the quotation was opened in an earlier segment: the source closes it with ” alone
    src = "这就是我们要坚持下去的理由 。 ”"
    tgt = 'That is why we have to keep going. "'
    assert flags_of("truncation", tgt, source=src, line_first=False) == []
    # a source with balanced quotes: the target's lone quote mid-sentence is still a cut
    cut = 'She said, "that is why we have to keep'
    got = flags_of(
        "truncation", cut, source="她说：“这就是我们要坚持下去的理由。”", line_first=False
    )
    assert [f["evidence"]["reason"] for f in got] == ["a quotation is left open"]

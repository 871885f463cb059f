import pytest

from tests.checks.helpers import flags_of


@pytest.mark.parametrize(
    "text,first,reason",
    [
        ("it has been favored by Shanghai Xinjiang aid officials,", True, "comma"),
        ("Tang Tang has mentioned that since childhood, she has", False, "'has'"),
        ("will also plant 20000 Chinese roses along the", True, "'the'"),
        ('He said "we will build the park', True, "quotation"),
        (
            "The freshness of the fish meat is accompanied by the freshness of the lotus seeds",
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
        "Opening strategy, making efforts to establish regulations and systems",
        "Hospitals in Shanghai and Kashgar conducted the first 5G remote surgery in Xinjiang",
        "Location of Kashgar Institute of Technology",
        'Education Aid Xinjiang, Building Dreams "Xinjiang"',
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

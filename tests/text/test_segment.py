from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.segment import is_gap_space, reassemble, segment


def texts(s: str) -> list[str]:
    return [s[a:b] for a, b in segment(s)]


def test_latin_sentences_and_abbreviations():
    s = "Mr. Smith arrived at 5 p.m. yesterday. He met Dr. Li, e.g. the dean. It rained!"
    assert texts(s) == [
        "Mr. Smith arrived at 5 p.m. yesterday.",
        "He met Dr. Li, e.g. the dean.",
        "It rained!",
    ]


def test_numbers_initials_and_lowercase_continuation():
    assert texts("Kashgar No.6 Middle School opened. J. Smith spoke.") == [
        "Kashgar No.6 Middle School opened.",
        "J. Smith spoke.",
    ]
    assert texts("It costs 3.5 million yuan. etc. and more") == [
        "It costs 3.5 million yuan. etc. and more"
    ]


def test_closing_quotes_stay_with_their_sentence():
    s = 'The cadres are "innocent.". For this purpose, rules were set. "Go!" he said.'
    assert texts(s) == [
        'The cadres are "innocent.".',
        "For this purpose, rules were set.",
        '"Go!" he said.',
    ]


def test_cjk_punctuation_splits_without_spaces():
    assert texts("今天下雨。明天晴天！真的吗？”好。") == [
        "今天下雨。",
        "明天晴天！",
        "真的吗？”",
        "好。",
    ]


def test_line_breaks_always_split():
    assert texts("Headline without stop\r\nBody starts here, and") == [
        "Headline without stop",
        "Body starts here, and",
    ]


def test_blank_text_is_one_segment():
    assert segment("") == [(0, 0)]
    assert segment(" \n\t") == [(0, 3)]


def test_control_characters_stay_inside_segments():
    # U+001C is whitespace to Python but must reach normalisation, so it is not a gap.
    assert texts("a\x1cb") == ["a\x1cb"]
    assert not is_gap_space("\x1c") and is_gap_space("\u3000")


_pieces = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from([*list('。！？.!? \n\r\t\u3000"”’)'), "\r\n", "Mr. ", "e.g. ", "No.6 "]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),  # CJK
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew, Arabic (RTL)
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F),  # emoji
    st.text(alphabet="abc ABC.", min_size=1, max_size=8),
)
unicode_text = st.lists(_pieces, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(unicode_text)
def test_segments_reassemble_exactly(s: str):
    spans = segment(s)
    assert reassemble(s, spans) == s
    assert spans == sorted(spans)
    pos = 0
    for a, b in spans:
        assert a >= pos and b >= a
        assert all(is_gap_space(c) for c in s[pos:a])
        pos = b
    assert all(is_gap_space(c) for c in s[pos:])
    if len(spans) > 1 or s.strip():
        for a, b in spans:
            assert b > a and not is_gap_space(s[a]) and not is_gap_space(s[b - 1])

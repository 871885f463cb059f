"""``pipeline/readers/tm.py`` beyond the placeholders (issue 21, session 4 mutation survivors): the
per-unit record or reject, declared encodings, and languages langcodes cannot parse. Expected
values are worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.readers.tm import require_utf8, same_language, unit_record, xml_target
from pipeline.records import Record, Reject


def unit(rid: str, raw: str, span: tuple[int, int], line: int, seen: dict, cap: int):
    return unit_record(
        path="m.xlf",
        rid=rid,
        tt=xml_target(raw),
        span=span,
        line=line,
        source="源",
        src_lang="zh",
        tgt_lang="en",
        seen=seen,
        max_bytes=cap,
    )


def test_a_target_of_exactly_the_cap_is_a_record_one_byte_more_a_reject():
    seen: dict[str, int] = {}
    # span 10..14 is 4 bytes: at the cap of 4, kept
    rec = unit("a", "Tea!", (10, 14), 3, seen, 4)
    assert isinstance(rec, Record)
    assert (rec.id, rec.target, rec.line, rec.span) == ("a", "Tea!", 3, (10, 14))
    assert (rec.source, rec.src_lang, rec.tgt_lang) == ("源", "zh", "en")
    assert seen == {"a": 3}
    # span 10..15 is 5 bytes: over the cap (a span starting at 10 must not count as 25 bytes)
    rej = unit("b", "Teas!", (10, 15), 4, seen, 4)
    assert rej == Reject("m.xlf", 4, "target longer than the cap of 4 bytes", "Teas!", (10, 15))
    assert seen == {"a": 3}  # a reject takes no id


def test_a_reject_keeps_the_first_200_characters_of_the_target():
    raw = "x" * 250
    rej = unit("a", raw, (0, 250), 7, {}, 100)
    assert isinstance(rej, Reject) and rej.raw == "x" * 200
    dup = unit("a", raw, (300, 550), 9, {"a": 7}, 1000)
    assert isinstance(dup, Reject) and dup.raw == "x" * 200


def test_a_repeated_id_is_a_reject_naming_the_first_line():
    seen: dict[str, int] = {}
    first = unit("u1", "One", (0, 3), 5, seen, 100)
    again = unit("u1", "Two", (10, 13), 8, seen, 100)
    assert isinstance(first, Record)
    assert again == Reject("m.xlf", 8, "duplicate unit id 'u1' (first on line 5)", "Two", (10, 13))
    assert seen == {"u1": 5}


@pytest.mark.parametrize(
    "enc", [None, "", "utf-8", "UTF-8", "utf8", "UTF_8", "US-ASCII", "ascii", "ASCII", "us_ascii"]
)
def test_utf8_and_ascii_declarations_are_accepted_in_any_spelling(enc):
    require_utf8("m.xlf", enc)  # no error


@pytest.mark.parametrize("enc", ["latin-1", "UTF-16", "utf_16", "iso-8859-1"])
def test_other_declared_encodings_are_refused_by_name(enc):
    with pytest.raises(InputError) as err:
        require_utf8("m.xlf", enc)
    assert str(err.value) == (
        f"m.xlf: declared encoding {enc!r} is not supported; convert to UTF-8"
    )


def test_languages_langcodes_refuses_are_compared_as_text_ignoring_case():
    # '*all*' and 'q!q' are no BCP 47 tags: the fallback compares them case-insensitively
    assert same_language("*all*", "*ALL*") is True
    assert same_language("q!q", "Q!Q") is True
    assert same_language("*all*", "en") is False
    assert same_language("q!q", "q!r") is False
    # underscores are read as hyphens on either side
    assert same_language("en_US", "en_GB") is True
    assert same_language("pt-BR", "zh_TW") is False


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("a<b", "unexpected XML content at 1"),  # '<' at offset 1 opens no token
        ("<ph>a", "no end tag for <ph>"),
        ("&nbsp;", "entity &nbsp; is not allowed"),
    ],
)
def test_xml_target_called_on_content_no_parser_accepted_says_why(raw, message):
    # Unreachable from a file (expat and xmlsafe refuse such bytes first); xml_target's own
    # guard must still refuse them by name rather than build a wrong target.
    with pytest.raises(ValueError) as err:
        xml_target(raw)
    assert str(err.value) == message

"""Tests that kill the mutants of ``pipeline/readers/po.py`` the suite let through (issue 21,
``make mutate``): the line scan's start and line numbers, and the line break kept between the
quoted lines of a multi-line msgstr when blanks trail a quoted string. Offsets are counted by
hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.readers import po
from pipeline.readers.source import Source
from pipeline.records import Record


def records(path: Path) -> list[Record]:
    return [r for r in po.Po().records(Source(str(path))) if isinstance(r, Record)]


def test_the_scan_starts_at_the_first_byte():
    # a msgstr on the very first line: quoted "x" at bytes 7..10 of line 1
    (block,) = po._blocks(b'msgstr "x"\n')[0]
    assert (block.start, block.end, block.quoted, block.line) == (7, 10, ['"x"'], 1)


def test_the_scan_numbers_lines_from_one():
    blocks = po._blocks(b'msgid "a"\nmsgstr "x"\n\nmsgid "b"\nmsgstr "y"\n')
    assert [b.line for entry in blocks for b in entry] == [2, 5]
    # a quoted string that never closes: the error names its line (translate-toolkit refuses
    # such a file first; this is the scan's own guard)
    with pytest.raises(ValueError) as err:
        po._blocks(b'msgid "a"\nmsgstr "x"\n\nmsgid "b"\nmsgstr "y\n')
    assert err.value.args == (5,)
    with pytest.raises(ValueError) as err:
        po._blocks(b'msgid "a"\nmsgstr ""\n"x\n')
    assert err.value.args == (3,)


BLANKS = b'msgid "a"\nmsgstr "" \t\n"one\\n"\n"two"\n'


def test_blanks_after_a_quoted_string_are_not_the_line_break(tmp_path):
    path = tmp_path / "zh.po"
    path.write_bytes(BLANKS)
    (rec,) = records(path)
    assert rec.target == "one\ntwo"
    # 'msgid "a"\n' is 10 bytes, 'msgstr ' 7 more: the span starts at the '"' at 17 and ends
    # after '"two"': 17 + len('"" \t\n"one\\n"\n"two"') = 17 + 18 = 35
    assert rec.span == (17, 35)
    assert rec.extra.layout == "\n"  # the blanks " \t" before it are not part of the break
    fmt = po.Po()
    new = BLANKS[:17] + fmt.render(rec, "uno\ndos").encode() + BLANKS[35:]
    assert new == b'msgid "a"\nmsgstr ""\n"uno\\n"\n"dos"\n'


def test_blanks_before_a_crlf_break(tmp_path):
    # one blank, then CRLF: the break is "\r\n" (skipping two bytes would land on the "\n")
    path = tmp_path / "zh.po"
    path.write_bytes(b'msgid "a"\r\nmsgstr "" \r\n"one\\n"\r\n"two"\r\n')
    (rec,) = records(path)
    assert rec.extra.layout == "\r\n"
    assert rec.extra.kind == "po"


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={}\\n"\n\nmsgid "a"\nmsgstr "b"\n'


@pytest.mark.parametrize("charset", ["utf8", "ASCII", "UTF-8", "CHARSET"])
def test_utf8_ascii_and_the_template_charset_are_read(tmp_path, charset):
    path = tmp_path / "zh.po"
    path.write_text(HEADER.format(charset), encoding="utf-8")
    assert [(r.id, r.target) for r in records(path)] == [("a", "b")]


def test_an_unsupported_charset_is_named_in_a_one_line_error(tmp_path):
    path = tmp_path / "zh.po"
    path.write_text(HEADER.format("ISO-8859-1"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        records(path)
    assert err.value.reason == "charset 'ISO-8859-1' is not supported; convert to UTF-8"


def test_an_unparsable_po_names_the_first_line_of_the_parser_error(tmp_path):
    path = tmp_path / "zh.po"
    path.write_bytes(b'msgid "a"\nmsgstr "b\n')
    with pytest.raises(InputError) as err:
        records(path)
    assert err.value.reason.startswith("not a valid PO file: end-of-line within string")
    assert "\n" not in str(err.value)


def test_an_empty_plural_form_is_skipped_not_the_forms_after_it(tmp_path):
    path = tmp_path / "zh.po"
    path.write_bytes(
        b'msgid "one file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] "%d Dateien"\n'
    )
    recs = records(path)
    # form 0 is untranslated (no record); form 1 is a record with its own id
    assert [(r.id, r.target) for r in recs] == [("one file\x001", "%d Dateien")]


def test_a_third_plural_form_takes_the_plural_source(tmp_path):
    # Russian has three forms and gettext two msgids: forms 1 and 2 both render msgid_plural
    path = tmp_path / "ru.po"
    path.write_bytes(
        b'msgid "%d file"\nmsgid_plural "%d files"\n'
        b'msgstr[0] "%d fail"\nmsgstr[1] "%d faila"\nmsgstr[2] "%d failov"\n'
    )
    got = [(r.id, r.source, r.target) for r in records(path)]
    assert got == [
        ("%d file\x000", "%d file", "%d fail"),
        ("%d file\x001", "%d files", "%d faila"),
        ("%d file\x002", "%d files", "%d failov"),
    ]


def test_render_keeps_the_layout_of_the_original(tmp_path):
    fmt = po.Po()
    multi = tmp_path / "multi.po"
    multi.write_bytes(BLANKS)
    (rec,) = records(multi)
    # a multi-line original stays multi-line, even for a one-line target
    assert fmt.render(rec, "uno") == '""\n"uno"'
    one = tmp_path / "one.po"
    one.write_bytes(b'msgid "a"\nmsgstr "x"\n')
    (rec,) = records(one)
    assert fmt.render(rec, "uno") == '"uno"'
    assert fmt.render(rec, "uno\n") == '"uno\\n"'  # a final new line keeps one line
    # a new line inside: the ""-then-lines layout, one quoted line per piece
    assert fmt.render(rec, "a\nb") == '""\n"a\\n"\n"b"'
    assert fmt.render(rec, "a\nX") == '""\n"a\\n"\n"X"'


@pytest.mark.parametrize(
    ("path", "want"),
    [
        ("zh_TW.po", "zh-TW"),
        ("app.zh_TW.po", "zh-TW"),  # a domain before the language ("app" is a code too)
        ("validators.ja.po", "ja"),
        ("locale/zh_TW/LC_MESSAGES/app.po", "zh-TW"),  # the folder, not the stem "app"
        ("locale\\de\\LC_MESSAGES\\app.po", "de"),
        ("zh_TW/LC_MESSAGES/app.po", "zh-TW"),  # three parts: the folder still names it
        ("LC_MESSAGES/ja.po", "ja"),  # no folder above LC_MESSAGES: the stem
        ("de.po.gz", "de"),
        ("zh_TW.pot.xz", "zh-TW"),
        ("messages.pot", None),
        ("readme.po", None),
    ],
)
def test_language_from_name(path, want):
    assert po.language_from_name(path) == want


def test_a_private_use_tag_is_not_a_language_file_name():
    # valid BCP 47 ("x-" private use) but not a locale file name
    assert po.language_from_name("x-klingon.po") is None


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'msgid "a"\nmsgstr "x" "y"\n', 2),
        # a plural entry: the error names the entry's first msgstr line
        (b'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[1] "y" "z"\n', 3),
    ],
)
def test_two_strings_on_one_msgstr_line_are_refused_not_spliced(tmp_path, data, line):
    # the line scan takes one quoted string per line; translate-toolkit reads both: the file
    # is refused rather than written back wrong
    path = tmp_path / "zh.po"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        records(path)
    assert (err.value.reason, err.value.line) == (
        "cannot match msgstr lines to the parsed entries",
        line,
    )

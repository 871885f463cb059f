"""XLIFF version detection (``pipeline/readers/xliff.py``, issue 21 session 4 survivors): the root
tag decides between translate-toolkit's 1.2 and 2.x parsers, also when it is the file's very
first byte (no XML declaration)."""

from __future__ import annotations

from pathlib import Path

from pipeline.readers.registry import format_for
from pipeline.readers.source import Source
from pipeline.readers.xliff import _is_v2

# No declaration: '<xliff' starts at byte 0. One unit, one segment.
V2 = (
    '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">'
    '<file id="f1"><unit id="u1"><segment><source>茶</source><target>Tea</target></segment>'
    "</unit></file></xliff>\n"
)


def test_an_xliff_2_root_at_the_first_byte_is_read_as_xliff_2(tmp_path: Path):
    path = tmp_path / "a.xlf"
    path.write_text(V2, encoding="utf-8")
    recs = list(format_for(str(path)).records(Source(str(path))))
    assert [(r.id, r.source, r.target, r.src_lang, r.tgt_lang, r.line) for r in recs] == [
        ("u1", "茶", "Tea", "zh", "en", 1)
    ]


def test_version_detection_on_bytes():
    assert _is_v2(V2.encode()) is True
    # version 2 by attribute alone, after a comment that holds a decoy root tag
    assert _is_v2(b'<!-- <xliff version="1.2"> --><xliff version="2.1">') is True
    assert _is_v2(b'<?xml version="1.0"?><xliff version="1.2">') is False
    # nothing but a comment: no root tag, not version 2
    assert _is_v2(b"<!-- only a comment -->") is False
    assert _is_v2(b"") is False


def test_the_xliff_2_namespace_without_a_version_attribute_is_xliff_2(tmp_path: Path):
    # no version="2.0": the namespace alone says 2.x, so srcLang/trgLang are the languages and
    # the <unit translate="no"> holding u2's segment is no record
    path = tmp_path / "ns.xlf"
    path.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh" trgLang="en">'
        '<file id="f1"><unit id="u1"><segment><source>茶</source><target>Tea</target></segment>'
        '</unit><unit id="u2" translate="no"><segment><source>水</source><target>Water</target>'
        "</segment></unit></file></xliff>\n",
        encoding="utf-8",
    )
    recs = list(format_for(str(path)).records(Source(str(path))))
    assert [(r.id, r.source, r.target, r.src_lang, r.tgt_lang) for r in recs] == [
        ("u1", "茶", "Tea", "zh", "en")
    ]


HEAD12 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
)
FILE_A = (  # lines 3-9
    '<file original="a.txt" source-language="zh" target-language="en" datatype="plaintext">'
    "<body>\n"
    '<trans-unit id="t1"><source>一</source></trans-unit>\n'  # no <target>
    '<trans-unit id="t2"><source>二</source><target/></trans-unit>\n'  # empty
    '<trans-unit id="t3"><source>三</source><target> </target></trans-unit>\n'  # blank
    '<trans-unit id="t4"><source/><target>Four</target></trans-unit>\n'  # empty source
    '<trans-unit id="t5"><source>五</source><target>Five</target></trans-unit>\n'
    "</body></file>\n"
)
FILE_B = (  # lines 10-12
    '<file original="b.txt" source-language="zh" target-language="de" datatype="plaintext">'
    "<body>\n"
    '<trans-unit id="t1"><source>六</source><target>Sechs</target></trans-unit>\n'
    "</body></file>\n"
)


def xliff12(tmp_path: Path, *files: str) -> list[tuple]:
    path = tmp_path / "v1.xlf"
    path.write_text(HEAD12 + "".join(files) + "</xliff>\n", encoding="utf-8")
    recs = list(format_for(str(path)).records(Source(str(path))))
    return [(r.id, r.source, r.target, r.src_lang, r.tgt_lang, r.line) for r in recs]


def test_units_without_a_usable_target_are_skipped_and_the_next_ones_read(tmp_path: Path):
    # t1 no target, t2 <target/>, t3 blank: no records; t4's <source/> is an empty source
    assert xliff12(tmp_path, FILE_A) == [
        ("t4", "", "Four", "zh", "en", 7),
        ("t5", "五", "Five", "zh", "en", 8),
    ]


def test_two_files_prefix_each_id_with_the_files_original(tmp_path: Path):
    # both files have a t1-like id space: 'original' + U+0004 + id keeps them apart, and each
    # file's own languages are used
    assert xliff12(tmp_path, FILE_A, FILE_B) == [
        ("a.txt\x04t4", "", "Four", "zh", "en", 7),
        ("a.txt\x04t5", "五", "Five", "zh", "en", 8),
        ("b.txt\x04t1", "六", "Sechs", "zh", "de", 11),
    ]


def test_units_without_an_id_are_numbered_from_one(tmp_path: Path):
    no_ids = (
        '<file original="a.txt" source-language="zh" target-language="en" datatype="plaintext">'
        "<body>\n"
        "<trans-unit><source>一</source><target>One</target></trans-unit>\n"
        "<trans-unit><source>二</source><target>Two</target></trans-unit>\n"
        "</body></file>\n"
    )
    assert xliff12(tmp_path, no_ids) == [
        ("#1", "一", "One", "zh", "en", 4),
        ("#2", "二", "Two", "zh", "en", 5),
    ]
    # with a second file the ids would be 'a.txt' + U+0004 alone: still the unit's number
    assert [r[0] for r in xliff12(tmp_path, no_ids, FILE_B)] == ["#1", "#2", "b.txt\x04t1"]


def test_two_xliff_2_files_prefix_each_id_with_the_files_id(tmp_path: Path):
    path = tmp_path / "two.xlf"
    path.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" '
        'trgLang="en"><file id="f1"><unit id="u1"><segment><source>茶</source><target>Tea'
        "</target></segment></unit></file>\n"
        '<file id="f2"><unit id="u1"><segment><source>水</source><target>Water</target>'
        "</segment></unit></file></xliff>\n",
        encoding="utf-8",
    )
    recs = list(format_for(str(path)).records(Source(str(path))))
    assert [(r.id, r.source, r.target, r.line) for r in recs] == [
        ("f1\x04u1", "茶", "Tea", 1),
        ("f2\x04u1", "水", "Water", 2),
    ]

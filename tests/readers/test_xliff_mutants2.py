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

"""Which <tuv> of a TMX unit is the source (mutation survivors in readers/tmx.py, issue 21).

Hand-built memories: the header names the source language; a <tu srclang> overrides it; the
match ignores case, prefers the exact tag over one of the same base language, and TMX 1.1's
``lang`` attribute counts like ``xml:lang``. Line 5 is the first <tu> (declaration, <tmx>,
<header>, <body> come first).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.readers.registry import format_for
from pipeline.readers.source import Source

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header srclang="{s}" datatype="plaintext" segtype="sentence" adminlang="en" '
    'creationtool="t" creationtoolversion="1" o-tmf="t"/>\n<body>\n'
)
TAIL = "</body>\n</tmx>\n"


def read(tmp_path: Path, name: str, text: str) -> list[tuple]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    recs = format_for(str(path)).records(Source(str(path)))
    return [(r.id, r.source, r.target, r.src_lang, r.tgt_lang, r.line) for r in recs]


def test_header_tu_override_case_and_tmx11_lang(tmp_path):
    text = (
        HEAD.format(s="zh-CN")
        + (
            # source second, its tag in other case: still the zh-CN source
            '<tu tuid="a"><tuv xml:lang="en-US"><seg>Tea</seg></tuv>'
            '<tuv xml:lang="ZH-cn"><seg>茶</seg></tuv></tu>\n'
            # the unit says its source is German, whatever the header says
            '<tu tuid="b" srclang="de"><tuv xml:lang="zh-CN"><seg>水</seg></tuv>'
            '<tuv xml:lang="de"><seg>Wasser</seg></tuv></tu>\n'
            # TMX 1.1: lang, not xml:lang
            '<tu tuid="c"><tuv lang="zh-CN"><seg>山</seg></tuv>'
            '<tuv lang="en"><seg>Mountain</seg></tuv>'
            "</tu>\n"
        )
        + TAIL
    )
    assert read(tmp_path, "a.tmx", text) == [
        ("a", "茶", "Tea", "ZH-cn", "en-US", 5),
        ("b", "Wasser", "水", "de", "zh-CN", 6),
        ("c", "山", "Mountain", "zh-CN", "en", 7),
    ]


def test_the_exact_tag_wins_over_the_same_base_language(tmp_path):
    """Header zh-TW: the zh-TW variant is the source, not the zh-CN one listed first; the two
    others are both targets (no --tgt-lang), each its own record id@lang."""
    text = (
        HEAD.format(s="zh-TW")
        + (
            '<tu tuid="d"><tuv xml:lang="zh-CN"><seg>简</seg></tuv>'
            '<tuv xml:lang="zh-TW"><seg>繁</seg></tuv>'
            '<tuv xml:lang="en"><seg>Script</seg></tuv></tu>\n'
        )
        + TAIL
    )
    assert read(tmp_path, "b.tmx", text) == [
        ("d@zh-CN", "繁", "简", "zh-TW", "zh-CN", 5),
        ("d@en", "繁", "Script", "zh-TW", "en", 5),
    ]

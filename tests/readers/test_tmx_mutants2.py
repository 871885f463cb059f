"""TMX units at the edges of ``pipeline/readers/tmx.py`` (issue 21, session 4 mutation survivors).

Hand-built memories, one ``<tu>`` per line; line 5 is the first ``<tu>`` (declaration, ``<tmx>``,
``<header>``, ``<body>`` come first). Expected ids, sources, languages and lines are read off the
text by hand: a unit without ``tuid`` is ``#n`` (n counted from 1 over every ``<tu>``), and a
unit that yields several targets names each ``id@lang``.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.readers.registry import format_for
from pipeline.readers.source import Source
from pipeline.records import Record

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header srclang="{s}" datatype="plaintext" segtype="sentence" adminlang="en" '
    'creationtool="t" creationtoolversion="1" o-tmf="t"/>\n<body>\n'
)
TAIL = "</body>\n</tmx>\n"


def read(tmp_path: Path, header_src: str, units: list[str], tgt_lang: str | None = None) -> list:
    path = tmp_path / "m.tmx"
    path.write_text(HEAD.format(s=header_src) + "".join(u + "\n" for u in units) + TAIL, "utf-8")
    out = []
    for r in format_for(str(path)).records(Source(str(path)), tgt_lang):
        assert isinstance(r, Record), r
        out.append((r.id, r.source, r.target, r.src_lang, r.tgt_lang, r.line))
    return out


def test_units_without_tuid_are_numbered_from_one_and_a_tuv_without_language_has_none(tmp_path):
    units = [
        '<tu><tuv xml:lang="zh"><seg>茶</seg></tuv><tuv><seg>Tea</seg></tuv></tu>',
        '<tu><tuv xml:lang="zh"><seg>水</seg></tuv><tuv xml:lang="en"><seg>Water</seg></tuv></tu>',
    ]
    assert read(tmp_path, "zh", units) == [
        ("#1", "茶", "Tea", "zh", None, 5),  # no xml:lang, no lang: no target language
        ("#2", "水", "Water", "zh", "en", 6),
    ]


def test_a_unit_with_no_segment_is_skipped_and_the_next_ones_are_read(tmp_path):
    units = [
        '<tu tuid="e"></tu>',  # no <tuv> at all (line 5)
        '<tu tuid="g"><tuv xml:lang="zh"><note>x</note></tuv></tu>',  # a <tuv> without <seg>
        '<tu tuid="f"><tuv xml:lang="zh"><seg>水</seg></tuv><tuv xml:lang="en"><seg>Water</seg>'
        "</tuv></tu>",
    ]
    assert read(tmp_path, "zh", units) == [("f", "水", "Water", "zh", "en", 7)]


THREE = (
    '<tu tuid="d"><tuv xml:lang="zh"><seg>茶</seg></tuv><tuv xml:lang="en-GB"><seg>Tea</seg>'
    '</tuv><tuv xml:lang="fr"><seg>Thé</seg></tuv></tu>'
)


def test_tgt_lang_picks_its_target_among_two(tmp_path):
    # zh source, two targets: --tgt-lang en keeps the en-GB one, which is then the only target
    # (plain id "d", no @lang); fr is copied unchanged (no record).
    assert read(tmp_path, "zh", [THREE], tgt_lang="en") == [("d", "茶", "Tea", "zh", "en-GB", 5)]
    assert read(tmp_path, "zh", [THREE], tgt_lang="fr") == [("d", "茶", "Thé", "zh", "fr", 5)]


def test_tgt_lang_of_no_target_keeps_every_target(tmp_path):
    assert read(tmp_path, "zh", [THREE], tgt_lang="de") == [
        ("d@en-GB", "茶", "Tea", "zh", "en-GB", 5),
        ("d@fr", "茶", "Thé", "zh", "fr", 5),
    ]
    # no --tgt-lang: the same two records
    assert read(tmp_path, "zh", [THREE]) == read(tmp_path, "zh", [THREE], tgt_lang="de")


def test_empty_and_blank_targets_are_skipped_and_the_units_next_target_still_read(tmp_path):
    units = [
        '<tu tuid="x"><tuv xml:lang="zh"><seg>水</seg></tuv><tuv xml:lang="en"><seg/></tuv>'
        '<tuv xml:lang="fr"><seg>Eau</seg></tuv></tu>',
        '<tu tuid="y"><tuv xml:lang="zh"><seg>山</seg></tuv><tuv xml:lang="en"><seg>  </seg>'
        '</tuv><tuv xml:lang="fr"><seg>Mont</seg></tuv></tu>',
    ]
    # two targets in each unit, so the ids carry @lang even though one of them is skipped
    assert read(tmp_path, "zh", units) == [
        ("x@fr", "水", "Eau", "zh", "fr", 5),
        ("y@fr", "山", "Mont", "zh", "fr", 6),
    ]


def test_an_empty_source_segment_is_an_empty_source(tmp_path):
    units = [
        '<tu tuid="s"><tuv xml:lang="zh"><seg/></tuv><tuv xml:lang="en"><seg>Tea</seg></tuv></tu>'
    ]
    assert read(tmp_path, "zh", units) == [("s", "", "Tea", "zh", "en", 5)]


def test_a_unit_without_the_headers_language_has_no_source(tmp_path):
    # header srclang de: neither zh nor en is German, so no <tuv> is the source; both are targets
    units = [
        '<tu tuid="t"><tuv xml:lang="zh"><seg>茶</seg></tuv>'
        '<tuv xml:lang="en"><seg>Tea</seg></tuv></tu>'
    ]
    assert read(tmp_path, "de", units) == [
        ("t@zh", None, "茶", None, "zh", 5),
        ("t@en", None, "Tea", None, "en", 5),
    ]


def test_a_tuv_of_the_headers_base_language_is_the_source_when_none_matches_exactly(tmp_path):
    # header zh, no <tuv> tagged exactly zh: the zh-CN one (listed second) is the source
    units = [
        '<tu tuid="v"><tuv xml:lang="en"><seg>Tea</seg></tuv>'
        '<tuv xml:lang="zh-CN"><seg>茶</seg></tuv></tu>'
    ]
    assert read(tmp_path, "zh", units) == [("v", "茶", "Tea", "zh-CN", "en", 5)]

"""Fuzzing the termbase loaders (TSV, CSV, TBX): whatever the file holds, loading either gives
usable terms or raises a ``pipeline.errors`` error with a one-line message; never a traceback.

Example counts are bounded so this runs in CI; the corpus of tests/data/hostile/ seeds the
byte-level mutations.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.errors import MtcleanError
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import Term, check_term, load_termbases
from tests.conftest import ROOT

HOSTILE = sorted(p for p in (ROOT / "tests" / "data" / "hostile").iterdir() if p.suffix != ".md")
FUZZ = settings(
    max_examples=int(os.environ.get("MTCLEAN_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

# Characters that have broken termbase loaders: separators, quotes, markers, controls,
# zero-width and bidi characters, surrogate-adjacent planes, CJK and accented letters.
_HOSTILE_CHARS = [
    *"\t,\"'|?~#;\n\r &<>",
    "\x00",
    "\x07",
    "\x1c",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2028",
    "\ufeff",
    "\U0001f600",
    "糟",
    "鱼",
    "é",
    "İ",
]
_cell_text = st.text(
    alphabet=st.one_of(st.sampled_from(_HOSTILE_CHARS), st.characters(codec="utf-8")),
    max_size=12,
)
_cell = st.one_of(
    _cell_text,
    st.sampled_from(["", "?", "~", "? ", "~|?", "a||b", "yes", "sensitive", "zh-CN", "en_US"]),
    st.builds(lambda a, b: f"{a}|{b}", _cell_text, _cell_text),
)
_COLUMNS = ["source", "target", "variants", "note", "case", "dnt", "domain", "src_lang", "tgt_lang"]


def _load(name: str, data: bytes) -> None:
    """Load one file; the only acceptable failure is an MtcleanError of one line."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        try:
            terms = load_termbases([str(path)])
        except MtcleanError as err:
            assert str(err) and "\n" not in str(err) and "Traceback" not in str(err)
            return
    _usable(terms)


def _usable(terms: list[Term]) -> None:
    for t in terms:
        assert isinstance(t, Term)
        check_term(t)  # what loading accepted passes the load-time rules
    matcher = TermMatcher(terms)
    text = " ".join(s for t in terms for s in [t.target, *t.variants, *t.minor, *t.sources])
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.text


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".tsv", ".csv", ".txt"]))
    sep = "," if suffix == ".csv" else "\t"
    header = draw(st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=6))
    if draw(st.booleans()):
        header = ["target", *header]
    width = draw(st.one_of(st.just(len(header)), st.integers(1, 8)))
    rows = draw(st.lists(st.lists(_cell, min_size=width, max_size=width), max_size=6))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = eol.join(sep.join(r) for r in [header, *rows]) + draw(st.sampled_from(["", eol]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return "t" + suffix, text.encode(encoding, errors="replace")


@FUZZ
@given(tables())
@example(("t.tsv", b"target\tvariants\nzao fish\t?\n"))
@example(("t.tsv", b"target\tvariants\nzao fish\t~\n"))
@example(("t.tsv", "target\nthe\u200b\n".encode()))
@example(("t.csv", b'target,note\n"a\x00b",x\n'))
def test_table_loaders_never_crash(case: tuple[str, bytes]):
    _load(*case)


_TBX = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<{root} xml:lang="en">
 <text><body>
  <{entry} id="t1">{extra}
   <{lang} xml:lang="{src_lang}"><{tig}><term>{src}</term></{tig}></{lang}>
   <{lang} xml:lang="{tgt_lang}">
    <{tig}><term>{tgt}</term>
     <termNote type="administrativeStatus">{status}</termNote></{tig}>
    <{tig}><term>{var}</term>
     <termNote type="administrativeStatus">{var_status}</termNote>
     <termNote type="usageNote">{usage}</termNote></{tig}>
   </{lang}>
  </{entry}>
 </body></text>
</{root}>
"""
_DOCTYPES = [
    "",
    '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n',
    '<!DOCTYPE martif [<!ENTITY e "x">]>\n',
    '<!DOCTYPE martif [<!ENTITY e SYSTEM "file:///etc/hostname">]>\n',
    '<!DOCTYPE martif [<!ENTITY % p SYSTEM "http://127.0.0.1/p.dtd"> %p;]>\n',
]
# Raw fragments are inserted unescaped on purpose: entities, stray markup, char references.
_raw = st.sampled_from(
    ["&e;", "&amp;", "&#x200B;", "&#1;", "&#xD800;", "<b>x</b>", "<", "]]>", "<![CDATA[x]]>"]
)
_term = st.one_of(
    _cell_text.map(escape), _raw, st.builds(str.__add__, _cell_text.map(escape), _raw)
)


@st.composite
def tbx_files(draw: st.DrawFn) -> tuple[str, bytes]:
    v3 = draw(st.booleans())
    text = _TBX.format(
        doctype=draw(st.sampled_from(_DOCTYPES)),
        root="tbx" if v3 else draw(st.sampled_from(["martif", "martif", "html"])),
        entry="conceptEntry" if v3 else "termEntry",
        lang="langSec" if v3 else "langSet",
        tig="termSec" if v3 else draw(st.sampled_from(["tig", "ntig"])),
        extra=draw(st.sampled_from(["", '<descrip type="subjectField">food</descrip>', "<note/>"])),
        src_lang=draw(st.sampled_from(["zh", "zh-CN", "en", "", "x" * 40])),
        tgt_lang=draw(st.sampled_from(["en", "en-GB", "fr"])),
        src=draw(_term),
        tgt=draw(_term),
        var=draw(_term),
        status=draw(st.sampled_from(["preferredTerm-admn-sts", "admittedTerm-admn-sts", ""])),
        var_status=draw(
            st.sampled_from(["deprecatedTerm-admn-sts", "supersededTerm-admn-sts", "x"])
        ),
        usage=draw(st.sampled_from(["", "ambiguous", "depends on context"])),
    )
    data = text.encode()
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # cut anywhere
    return "t" + draw(st.sampled_from([".tbx", ".xml"])), data


@FUZZ
@given(tbx_files())
def test_tbx_loader_never_crashes(case: tuple[str, bytes]):
    _load(*case)


@st.composite
def mutated_hostile(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(HOSTILE))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete"]))
        if op == "insert" or not data:
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        else:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
    return path.name, bytes(data)


@FUZZ
@given(mutated_hostile())
def test_mutated_hostile_files_never_crash(case: tuple[str, bytes]):
    _load(*case)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".tsv", ".csv", ".tbx", ".xml", ".txt"]))
def test_arbitrary_bytes_never_crash(data: bytes, suffix: str):
    _load("t" + suffix, data)

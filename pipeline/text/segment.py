"""Sentence segmentation with character offsets, for Latin and CJK text.

Segments never overlap, never start or end with whitespace, and the text between them is
whitespace only, so ``reassemble(text, spans)`` gives back ``text`` exactly. Line breaks always
end a segment: archives put headlines, captions and bylines on lines of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Abbreviations whose final period does not end a sentence (lower-cased, without that period).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt no nos vs etc e.g i.e cf al approx dept univ inc ltd co
    corp gov gen col lt sgt capt rev fig figs vol vols pp p ed eds est jan feb mar apr jun jul
    aug sep sept oct nov dec mon tue wed thu fri sat sun u.s u.k u.n a.m p.m ph.d""".split()
)
_CLOSERS = "\"'”’」』）)]】》〉"
# Latin terminators need whitespace after them; CJK full-width ones do not. A match starts only
# at the start of a run of terminators and never gives back what it took (same matches, since a
# shorter or later start leaves the same next character): a long "!!!!…x" stays linear.
_LATIN_END = re.compile(r"(?<![.!?…])[.!?…]++[" + re.escape(_CLOSERS) + r"]*+(?=\s)")
_CJK_END = re.compile(r"[。！？]+[" + re.escape(_CLOSERS) + r"]*")
_NOT_SPACE = re.compile(r"\S")


def is_gap_space(ch: str) -> bool:
    """Whitespace that may sit between segments: control characters other than the usual
    layout ones belong inside a segment, where normalisation can see and remove them."""
    return ch.isspace() and (ch in "\t\n\r\x0b\x0c" or unicodedata.category(ch) != "Cc")


def segment(text: str, abbreviations: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``.

    A text with no visible character is one segment covering all of it, so every record has at
    least one segment and is accounted for in the outputs.
    """
    abbrevs = ABBREVIATIONS | {a.lower().rstrip(".") for a in abbreviations}
    spans: list[tuple[int, int]] = []
    line_start = 0
    for m in re.finditer(r"\r\n|\n|\r|$", text):
        _split_line(text, line_start, m.start(), abbrevs, spans)
        line_start = m.end()
        if m.end() == len(text):
            break
    if not spans:
        return [(0, len(text))]
    return spans


def _split_line(
    text: str, start: int, end: int, abbrevs: frozenset[str], out: list[tuple[int, int]]
) -> None:
    cuts = {end}
    line = text[start:end]
    for m in _LATIN_END.finditer(line):
        if _is_boundary(line, m, abbrevs):
            cuts.add(start + m.end())
    for m in _CJK_END.finditer(line):
        cuts.add(start + m.end())
    pos = start
    for cut in sorted(cuts):
        _add_trimmed(text, pos, cut, out)
        pos = cut


def _is_boundary(line: str, m: re.Match[str], abbrevs: frozenset[str]) -> bool:
    # Both look-arounds are bounded by the whitespace on either side of this sentence end, so
    # the work over a line is linear (slicing ``line`` here made long records quadratic).
    nxt = _NOT_SPACE.search(line, m.end())
    if nxt is None:
        return True
    if nxt.group().islower():
        # "e.g. the", "etc. and": a lower-case continuation is not a new sentence.
        return False
    if m.group().startswith(".") and m.group().rstrip(_CLOSERS) == ".":
        word = _word_before(line, m.start())
        if word and (word in abbrevs or (len(word) == 1 and word.isalpha())):
            return False
    return True


def _word_before(line: str, dot: int) -> str:
    """The lower-cased run of word characters and periods just before the period at ``dot``
    (``"p.m"`` in ``"5 p.m."``), as the regex ``[\\w.]+`` would take it; "" when there is none."""
    start = dot
    while start > 0 and _is_word_or_dot(line[start - 1]):
        start -= 1
    return line[start:dot].lower()


def _is_word_or_dot(ch: str) -> bool:
    # Exactly the regex class ``[\w.]`` for str patterns: alphanumerics, "_" and ".".
    return ch.isalnum() or ch in "_."


def _add_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and is_gap_space(text[start]):
        start += 1
    while end > start and is_gap_space(text[end - 1]):
        end -= 1
    if start < end:
        out.append((start, end))


def reassemble(text: str, spans: list[tuple[int, int]], pieces: list[str] | None = None) -> str:
    """Put segments back between the original gaps; ``pieces`` replace the segment texts."""
    parts: list[str] = []
    pos = 0
    for i, (s, e) in enumerate(spans):
        parts.append(text[pos:s])
        parts.append(text[s:e] if pieces is None else pieces[i])
        pos = e
    parts.append(text[pos:])
    return "".join(parts)

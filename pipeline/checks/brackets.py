"""Check ``bracket_pairing`` (target, bilingual or not): brackets and quotes that do not pair.

Half-width and full-width forms are both known (``（）``, ``「」``, ``『』``, ``【】``, ``《》``,
``“”``, ``‘’``, ``«»``). An opener without its closer, a closer without its opener, or a closer
of the wrong kind is flagged at its position. A bracket that the source leaves unpaired too
(a range "1) 2)", a smiley) is not the translator's fault and is not flagged. Double quotes
pair by count, whatever their form or direction (“a", ”b“): raters do not count quote style.
"""

from __future__ import annotations

from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

PAIRS = {
    "(": ")",
    "[": "]",
    "{": "}",
    "（": "）",
    "［": "］",
    "｛": "｝",
    "「": "」",
    "『": "』",
    "【": "】",
    "《": "》",
    "〈": "〉",
    "“": "”",
    "«": "»",
}
_CLOSE = {v: k for k, v in PAIRS.items()}


_DOUBLE_QUOTES = '“”"'


def unpaired_quotes(text: str) -> list[tuple[int, str]]:
    """The double quote left over when curly and straight double quotes are paired in turn.

    Raters do not count the style of a quote: a curly quote closed by a straight one
    (“Reunion") or turned the wrong way (”Carl Vinson“) still quotes, so double quotes pair
    by count, whatever their form or direction. Straight quotes alone are not judged.
    Curly quotes alone, none turned the wrong way (no ” before its “), pair as brackets: two
    openers and no closer (“hello and “bye) leave both open, though their count is even.
    """
    quotes = [(i, c) for i, c in enumerate(text) if c in _DOUBLE_QUOTES]
    if all(c == '"' for _, c in quotes):
        return []
    if all(c != '"' for _, c in quotes):
        opened: list[tuple[int, str]] = []
        stray = False
        for i, c in quotes:
            if c == "“":
                opened.append((i, c))
            elif opened:
                opened.pop()
            else:
                stray = True  # a closer before any opener: turned the wrong way, pair by count
                break
        if not stray:
            return opened
    if len(quotes) % 2 == 0:
        return []
    return [quotes[-1]]


def unpaired(text: str) -> list[tuple[int, str]]:
    """Positions and characters of brackets that do not pair up, in text order."""
    stack: list[tuple[int, str]] = []
    bad: list[tuple[int, str]] = unpaired_quotes(text)
    for i, c in enumerate(text):
        if c in _DOUBLE_QUOTES:
            continue
        if c in PAIRS:
            stack.append((i, c))
        elif c in _CLOSE:
            if stack and stack[-1][1] == _CLOSE[c]:
                stack.pop()
            else:
                bad.append((i, c))
    return sorted(bad + stack)


@register
class BracketPairing(SegmentCheck):
    """Flag brackets and quotes of the target that do not pair up (full-width included)."""

    name = "bracket_pairing"
    Config = StageConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        tgt = row["target"]
        if not any(c in PAIRS or c in _CLOSE for c in tgt):
            return []
        bad = unpaired(tgt)
        if not bad:
            return []
        if row["source"] is not None and unpaired(row["source"]):
            return []  # the source is unbalanced too: copied, not broken
        return [
            make_flag(
                self.name,
                "minor",
                0.7,
                f"{c!r} has no matching {'closer' if c in PAIRS else 'opener'}",
                i,
                i + 1,
                c,
            )
            for i, c in bad
        ]

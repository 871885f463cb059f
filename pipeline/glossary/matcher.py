"""``TermMatcher``: one Aho-Corasick pass finds every glossary key in a text.

Keys are approved renderings, known wrong variants and source-language terms. Matching is
whole-word for spaced scripts (a letter or digit next to a term blocks it, Unicode-aware, so
"Zapp County" is not found inside "Zapp Countyside"), plain substring for unspaced CJK, case per
entry (insensitive by default for Latin), and leftmost-longest: no match inside another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from pipeline.checks.glossary_hook import KnownWrong
from pipeline.glossary.termbase import Term

Kind = Literal["approved", "variant", "minor", "ambiguous", "source"]
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ffff]")


def fold(text: str) -> str:
    """Lower-case without changing length (so offsets in the folded text are offsets in text)."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    term: Term
    kind: Kind


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() and not _CJK.match(ch)


class TermMatcher:
    """Find glossary terms in text; also the detection hook for known wrong renderings."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        self._auto = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, Term, Kind, bool]]] = {}
        for t in terms:
            entries: list[tuple[str, Kind]] = [(t.target, "approved")]
            entries += [(v, "variant") for v in t.variants]
            entries += [(v, "ambiguous") for v in t.ambiguous]
            entries += [(v, "minor") for v in t.minor]
            entries += [(s, "source") for s in t.sources]
            for surface, kind in entries:
                sensitive = self._sensitive(t, surface, kind)
                key = surface if sensitive else fold(surface)
                keys.setdefault(key, []).append((surface, t, kind, sensitive))
        for key, values in keys.items():
            self._auto.add_word(key, (len(key), values))
        self._auto.make_automaton() if keys else None
        self._empty = not keys

    @staticmethod
    def _sensitive(t: Term, surface: str, kind: Kind) -> bool:
        if t.dnt and kind == "approved":
            return True  # do-not-translate terms must be verbatim
        if t.case_sensitive is not None:
            return t.case_sensitive
        return not any(c.isalpha() and c.isascii() for c in surface)

    def find(self, text: str) -> list[Match]:
        """Every match, leftmost-longest, none overlapping."""
        if self._empty or not text:
            return []
        folded = fold(text)
        found: list[Match] = []
        for haystack, exact in ((folded, False), (text, True)):
            for end_idx, (length, values) in self._auto.iter(haystack):
                start, end = end_idx - length + 1, end_idx + 1
                for surface, term, kind, sensitive in values:
                    if sensitive != exact:
                        continue
                    if sensitive and text[start:end] != surface:
                        continue
                    if not self._bounded(text, start, end):
                        continue
                    found.append(Match(start, end, text[start:end], term, kind))
                    break
        found.sort(key=lambda m: (m.start, -(m.end - m.start), _KIND_RANK[m.kind]))
        out: list[Match] = []
        pos = 0
        for m in found:
            if m.start >= pos:
                out.append(m)
                pos = m.end
        return out

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        first, last = text[start], text[end - 1]
        if _is_word_char(first) and start > 0 and _is_word_char(text[start - 1]):
            return False
        return not (_is_word_char(last) and end < len(text) and _is_word_char(text[end]))

    def known_wrong(self, text: str, tgt_lang: str | None = None) -> list[KnownWrong]:
        """The detection hook: known wrong variants and untranslated source terms."""
        out = []
        for m in self.find(text):
            if m.kind == "approved":
                continue
            if m.kind == "source" and m.term.dnt:
                continue
            note = m.term.note
            if m.kind == "source":
                note = f"untranslated source term; {note}" if note else "untranslated source term"
            out.append(
                KnownWrong(
                    m.start,
                    m.end,
                    m.text,
                    m.term.target,
                    ambiguous=m.kind == "ambiguous",
                    note=note,
                    minor=m.kind == "minor",
                )
            )
        return out


_KIND_RANK = {"variant": 0, "minor": 1, "source": 2, "ambiguous": 3, "approved": 4}

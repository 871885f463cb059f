"""``TermMatcher``: one Aho-Corasick pass finds every glossary key in a text.

Keys are approved renderings, known wrong variants and source-language terms. Matching is
whole-word for spaced scripts (a letter, digit or combining mark next to a term blocks it,
Unicode-aware, so "Zapp County" is not found inside "Zapp Countyside"), never starting or ending
inside a grapheme cluster (a Hindi vowel sign belongs to the letter before it), plain substring
for unspaced CJK, case per entry (insensitive by default for Latin, except that an all-capitals
key such as ``IT`` or ``WHO`` matches only in capitals unless the entry says ``insensitive``),
and leftmost-longest: no match inside another.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import ahocorasick

from pipeline.flags import KnownWrong
from pipeline.glossary.termbase import Term
from pipeline.text.scripts import base_language

Kind = Literal["approved", "variant", "minor", "ambiguous", "source"]


def fold(text: str) -> str:
    """Lower-case without changing length (so offsets in the folded text are offsets in text)."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def is_acronym(surface: str) -> bool:
    """All letters capitals, at least two of them (``IT``, ``SARS-CoV`` is not one)."""
    letters = [c for c in surface if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    term: Term
    kind: Kind


# Zero-width (non-)joiners are part of a word where the script needs them (Persian, Indic).
_JOINERS = frozenset("\u200c\u200d")


def _in_cluster(ch: str) -> bool:
    """A character that continues the grapheme cluster before it: a combining mark (Indic
    vowel signs are Mc, ``str.isalnum`` says False for them) or a joiner."""
    return ch in _JOINERS or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def _is_word_char(ch: str) -> bool:
    """A letter, digit or combining mark of a spaced script (CJK characters do not make word
    boundaries)."""
    if _in_cluster(ch):
        return True
    return ch.isalnum() and not (
        "\u3040" <= ch <= "\u9fff"
        or "\uac00" <= ch <= "\ud7af"
        or "\uf900" <= ch <= "\ufaff"
        or ch >= "\U00020000"
    )


class TermMatcher:
    """Find glossary terms in text; also the detection hook for known wrong renderings."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        # Two automatons: case-folded keys are searched in the folded text, exact keys (CJK,
        # case-sensitive and do-not-translate entries) in the text itself; an empty one is skipped.
        keys: tuple[dict[str, list[tuple[str, Term, Kind]]], ...] = ({}, {})
        for t in terms:
            entries: list[tuple[str, Kind]] = [(f, "approved") for f in t.accepted_forms()]
            entries += [(v, "variant") for v in t.variants]
            entries += [(v, "ambiguous") for v in t.ambiguous]
            entries += [(v, "minor") for v in t.minor]
            entries += [(s, "source") for s in t.sources]
            for surface, kind in entries:
                if not surface:
                    continue  # an empty key would match nowhere and leave no automaton built
                sensitive = self._sensitive(t, surface, kind)
                key = surface if sensitive else fold(surface)
                keys[sensitive].setdefault(key, []).append((surface, t, kind))
        self._autos: list[tuple[ahocorasick.Automaton, bool]] = []
        for exact, table in enumerate(keys):
            if not table:
                continue
            auto = ahocorasick.Automaton()
            for key, values in table.items():
                auto.add_word(key, (len(key), values))
            auto.make_automaton()
            self._autos.append((auto, bool(exact)))
        self._memo()

    # The glossary_known check and the glossary stage look up the same segment texts; a small
    # per-matcher memo serves both from one search. The memo does not travel to workers.
    def _memo(self) -> None:
        self.find = lru_cache(maxsize=4096)(self._find)  # type: ignore[method-assign]

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("find", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._memo()

    @staticmethod
    def _sensitive(t: Term, surface: str, kind: Kind) -> bool:
        if t.dnt and kind == "approved":
            return True  # do-not-translate terms must be verbatim
        if t.case_sensitive is not None:
            return t.case_sensitive
        if is_acronym(surface):
            return True  # "IT", "WHO", "US" match in capitals only, never "it", "who", "us"
        return not any(c.isalpha() and c.isascii() for c in surface)

    def find(self, text: str, lang: str | None = None) -> tuple[Match, ...]:
        """Every match, leftmost-longest, none overlapping (memoised per matcher). With
        ``lang`` (the record's target language), terms whose file states another target
        language are left out."""
        return self._find(text, lang)

    def _find(self, text: str, lang: str | None = None) -> tuple[Match, ...]:
        if not self._autos or not text:
            return ()
        folded: str | None = None
        found: list[tuple[int, int, int, Term, Kind]] = []
        for auto, exact in self._autos:
            if exact:
                haystack = text
            else:
                folded = folded if folded is not None else fold(text)
                haystack = folded
            for end_idx, (length, values) in auto.iter(haystack):
                start, end = end_idx - length + 1, end_idx + 1
                if not self._bounded(text, start, end):
                    continue
                for surface, term, kind in values:
                    if exact and text[start:end] != surface:
                        continue
                    if not applies(term, lang):
                        continue
                    found.append((start, -length, _KIND_RANK[kind], term, kind))
                    break
        found.sort(key=lambda f: f[:3])
        out: list[Match] = []
        pos = 0
        for start, neg_len, _, term, kind in found:
            if start >= pos:
                end = start - neg_len
                out.append(Match(start, end, text[start:end], term, kind))
                pos = end
        return tuple(out)  # immutable: the memo hands the same result to every caller

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        # Never start or end inside a grapheme cluster (a base letter and its combining marks):
        # "कमा" must not match the first letters of "कमाई", nor "कम" those of "कमा".
        if _in_cluster(text[start]) or (end < len(text) and _in_cluster(text[end])):
            return False
        first, last = text[start], text[end - 1]
        if _is_word_char(first) and start > 0 and _is_word_char(text[start - 1]):
            return False
        return not (_is_word_char(last) and end < len(text) and _is_word_char(text[end]))

    def present(self, term: Term, text: str) -> bool:
        """Whether any right rendering of ``term`` (target, accepted, full form or
        abbreviation) is in ``text``, as a whole word where the script has words."""
        for form in term.accepted_forms():
            if self._sensitive(term, form, "approved"):
                hay, key = text, form
            else:
                hay, key = fold(text), fold(form)
            start = hay.find(key)
            while start >= 0:
                if self._bounded(text, start, start + len(key)):
                    return True
                start = hay.find(key, start + 1)
        return False

    def is_rendering(self, term: Term, surface: str) -> bool:
        """Whether a source surface is itself one of the term's right renderings (an
        abbreviation kept in the target language: ``RNA`` for ``核糖核酸（RNA）``)."""
        return fold(surface) in {fold(f) for f in term.accepted_forms()}

    def known_wrong(self, text: str, tgt_lang: str | None = None) -> list[KnownWrong]:
        """The detection hook: known wrong variants and untranslated source terms."""
        out = []
        for m in self.find(text, base_language(tgt_lang) if tgt_lang else None):
            if m.kind == "approved":
                continue
            if m.kind == "source" and self.is_rendering(m.term, m.text):
                continue  # "RNA" is right in a Chinese text when the term is 核糖核酸（RNA）
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


def applies(term: Term, lang: str | None) -> bool:
    """A term applies to a record of target language ``lang`` unless its file states another
    one (a TSV without language columns applies to every record)."""
    return not (lang and term.langs_stated and term.tgt_lang != lang)


_KIND_RANK = {"variant": 0, "minor": 1, "source": 2, "ambiguous": 3, "approved": 4}


def matcher_for(paths: list[str]) -> TermMatcher:
    """One compiled matcher per set of termbase files (as they are now on disk), shared by the
    ``glossary`` stage and the ``glossary_known`` check instead of being built twice."""
    from pathlib import Path

    signature = []
    for p in paths:
        try:
            st = Path(p).stat()
            signature.append((str(Path(p).resolve()), st.st_size, st.st_mtime_ns))
        except OSError:
            signature.append((p, -1, -1))  # load_termbases reports the missing file
    return _matcher_for(tuple(paths), tuple(signature))


@lru_cache(maxsize=8)
def _matcher_for(
    paths: tuple[str, ...], signature: tuple[tuple[str, int, int], ...]
) -> TermMatcher:
    from pipeline.glossary.termbase import load_termbases

    return TermMatcher(load_termbases(list(paths)))

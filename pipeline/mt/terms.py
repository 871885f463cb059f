"""Glossary constraints: source terms with an approved rendering must come out as that rendering.

Three steps, each visible in the result:

1. **mask**: each source term is replaced by a placeholder (``TERM0``...) that a translation
   model usually copies through, and the placeholder in the output is replaced by the approved
   rendering;
2. **force** (when a placeholder was lost): the output is decoded again with a forced target
   prefix, the first hypothesis up to where the term belongs, then the rendering, then the
   next word (so the continuation cannot glue onto the term); both backends support a prefix
   (CTranslate2 ``target_prefix``, transformers ``decoder_input_ids``), and it works on any
   model, random weights included;
3. **verify**: the glossary matcher must find every approved rendering in the final text, as a
   whole word; a term it cannot find is reported, and the stage flags it ``term_dropped``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import Term


@dataclass(frozen=True)
class Slot:
    """One source term to enforce: where it is, its placeholder and its approved rendering."""

    placeholder: str
    source: str
    rendering: str
    start: int
    end: int
    term: Term


def find_slots(source: str, matcher: TermMatcher, placeholder: str = "TERM{n}") -> list[Slot]:
    """The source terms of ``source`` that have an approved rendering, in order."""
    slots: list[Slot] = []
    for m in matcher.find(source):
        if m.kind != "source":
            continue
        ph = placeholder.format(n=len(slots))
        slots.append(Slot(ph, m.text, m.term.target, m.start, m.end, m.term))
    return slots


def mask(source: str, slots: list[Slot]) -> str:
    """``source`` with each term replaced by its placeholder (spaced, so it stays one word)."""
    out = source
    for s in reversed(slots):
        out = f"{out[: s.start]} {s.placeholder} {out[s.end :]}"
    return re.sub(r"\s{2,}", " ", out).strip()


def _placeholder_re(ph: str) -> re.Pattern[str]:
    # Tolerate the spaces and case changes a tokenizer round trip may add ("TERM 0", "Term0").
    parts = [re.escape(c) for c in ph if not c.isspace()]
    return re.compile(r"\s*".join(parts), re.IGNORECASE)


def unmask(text: str, slots: list[Slot]) -> tuple[str, list[Slot]]:
    """Put each rendering where its placeholder came out; return the text and the lost slots."""
    lost = []
    for s in slots:
        pat = _placeholder_re(s.placeholder)
        if pat.search(text):
            text = pat.sub(lambda _m, r=s.rendering: r, text, count=1)
        else:
            lost.append(s)
    return text, lost


def forced_prefix(hypothesis: str, source: str, lost: list[Slot]) -> str:
    """A target prefix holding every lost rendering, placed as far into the hypothesis as the
    term is into the source, each followed by the hypothesis's next word."""
    words = hypothesis.split()
    pieces: list[str] = []
    used = 0
    for s in sorted(lost, key=lambda x: x.start):
        at = round(len(words) * s.start / max(1, len(source)))
        at = max(at, used)
        pieces += words[used:at]
        pieces.append(s.rendering)
        used = at
    if used < len(words):
        pieces.append(words[used])  # the next word keeps the continuation off the last term
    return " ".join(pieces)


def dropped(text: str, slots: list[Slot], matcher: TermMatcher) -> list[Slot]:
    """Slots whose approved rendering the matcher cannot find in ``text`` (as a whole word)."""
    present = {id(m.term) for m in matcher.find(text) if m.kind == "approved"}
    return [s for s in slots if id(s.term) not in present]

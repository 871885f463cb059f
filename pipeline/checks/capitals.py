"""Check ``start_capital`` (bilingual, cased target): the first letter's case differs.

Only where both scripts have case (Latin, Cyrillic, Greek): a CJK source says nothing about
the case a German target needs. A source starting with a lower-case letter is often a fragment
or an identifier, and German capitalises nouns, so only "source starts upper, target lower" is
flagged, and only when the target's first word is not in the source (an identifier kept as is).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import language_scripts

_CASED = frozenset({"Latin", "Cyrillic", "Greek"})
_WORD = re.compile(r"[^\W\d_]+")


@register
class StartCapital(SegmentCheck):
    """Flag a cased target that starts lower-case where its source starts upper-case."""

    name = "start_capital"
    Config = StageConfig
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src, tgt = row["source"], row["target"]
        if not src:
            return []
        if not (set(language_scripts(row["tgt_lang"])) & _CASED) or not (
            set(language_scripts(row["src_lang"])) & _CASED
        ):
            self.count("skipped_pair")
            return []
        sm, tm = _WORD.search(src), _WORD.search(tgt)
        if not sm or not tm or sm.start() > 2 or tm.start() > 2:
            return []  # starts with a placeholder, number or symbol
        if sm.group()[0].isupper() and tm.group()[0].islower() and tm.group() not in src:
            return [
                make_flag(
                    self.name,
                    "minor",
                    0.6,
                    "source starts with a capital, target does not",
                    tm.start(),
                    tm.end(),
                    tm.group(),
                )
            ]
        return []

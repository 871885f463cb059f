"""Check ``untranslated``: source-script text left in the target.

CJK characters (Han, kana, Hangul) in a target whose language is not written with them, each
run with its exact span; and, for CJK targets, runs of three or more English words.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import CJK, language_scripts

# Han characters Chinese titles use as punctuation, not words: 丨 (U+4E28) as a vertical bar.
_SEPARATORS = "丨"
_LATIN_RUN = re.compile(r"[A-Za-z]{2,}(?:[ \-'][A-Za-z]{2,}){2,}")


class UntranslatedConfig(StageConfig):
    min_latin_words: int = Field(
        3, description="English words in a row that count as untranslated in a CJK target"
    )


@register
class Untranslated(SegmentCheck):
    """Flag each run of untranslated source-script text."""

    name = "untranslated"
    Config = UntranslatedConfig
    columns = ("target", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        text = row["target"]
        scripts = language_scripts(row["tgt_lang"])
        flags = []
        if not {"Han", "Kana", "Hangul"} & set(scripts):
            if text.isascii():
                return []
            for m in CJK.finditer(text):
                if not m.group().strip(_SEPARATORS):
                    continue  # 丨 in "Xinhua丨Beijing": a Han glyph used as a separator bar
                flags.append(
                    make_flag(
                        self.name,
                        "major",
                        1.0,
                        f"{len(m.group())} CJK character(s) left untranslated",
                        m.start(),
                        m.end(),
                        m.group(),
                    )
                )
        else:
            n = self.config.min_latin_words  # type: ignore[attr-defined]
            for m in _LATIN_RUN.finditer(text):
                if len(re.split(r"[ \-']", m.group())) >= n:
                    flags.append(
                        make_flag(
                            self.name,
                            "minor",
                            0.8,
                            "English words left in a CJK target",
                            m.start(),
                            m.end(),
                            m.group(),
                        )
                    )
        return flags

"""Check ``length_ratio`` (bilingual): target length far from what the source predicts.

Length is counted in characters for languages written without spaces (Chinese, Japanese, Thai)
and in words otherwise. The expected target/source ratio per language pair lives in config;
a ratio off by more than ``tolerance`` times either way is flagged, scored by how far off it is.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language

UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my"})
_WORD = re.compile(r"\w+", re.UNICODE)
_CHAR = re.compile(r"\w", re.UNICODE)


_LATIN_RUN = re.compile(r"[A-Za-z0-9_]+")


def length_units(text: str, lang: str) -> int:
    """Characters (word characters only) for unspaced languages, words for the rest.

    In unspaced text a Latin word or number ("NodeInInstanceAttrLabel", "CMDB", "2G") is one
    word of the other language, not one unit per letter: it counts as two units, about a
    two-character Chinese word."""
    if base_language(lang) not in UNSPACED:
        return len(_WORD.findall(text))
    latin = _LATIN_RUN.findall(text)
    return len(_CHAR.findall(text)) - sum(map(len, latin)) + 2 * len(latin)


class LengthRatioConfig(StageConfig):
    expected: dict[str, float] = Field(
        # Characters for zh/ja, words otherwise; German compounds make it shorter in words,
        # Romance languages need articles and prepositions English does without, Korean
        # attaches particles to words (fewer, longer words).
        default_factory=lambda: {
            "zh-en": 0.62,
            "en-zh": 1.6,
            "ja-en": 0.45,
            "en-ja": 2.2,
            "ko-en": 1.45,
            "en-ko": 0.7,
            "de-en": 1.1,
            "en-de": 0.9,
            "fr-en": 0.87,
            "en-fr": 1.15,
            "es-en": 0.92,
            "en-es": 1.1,
            "zh-ja": 1.3,
            "ja-zh": 0.75,
            "zh-ko": 0.45,
            "ko-zh": 2.2,
        },
        description="target units per source unit, by 'src-tgt' pair",
    )
    default_expected: float = Field(1.0, description="for pairs not listed")
    tolerance: float = Field(2.2, gt=1.0, description="flag when off by more than this factor")
    min_source_units: int = Field(8, description="shorter sources are not judged")


@register
class LengthRatio(SegmentCheck):
    """Flag bilingual segments whose length ratio is anomalous."""

    name = "length_ratio"
    Config = LengthRatioConfig
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        cfg: LengthRatioConfig = self.config  # type: ignore[assignment]
        src = row["source"]
        if not src:
            return []
        sl, tl = base_language(row["src_lang"]) or "zh", base_language(row["tgt_lang"])
        s_units = length_units(src, sl)
        if s_units < cfg.min_source_units:
            return []
        t_units = length_units(row["target"], tl)
        expected = cfg.expected.get(f"{sl}-{tl}")
        if expected is None:
            self.count(f"default_ratio_{sl}-{tl}")  # says in summary.json which pairs guessed
            expected = cfg.default_expected
        ratio = t_units / s_units
        off = (ratio / expected) if ratio else math.inf
        factor = max(off, 1 / off) if off else math.inf
        if factor <= cfg.tolerance:
            return []
        score = min(1.0, math.log(factor) / math.log(cfg.tolerance**2))
        way = "short" if off < 1 else "long"
        return [
            make_flag(
                self.name,
                "major" if factor > cfg.tolerance**1.5 else "minor",
                score,
                f"target too {way}: {t_units} {tl} units for {s_units} {sl} "
                f"units (ratio {ratio:.2f}, expected about {expected})",
            )
        ]

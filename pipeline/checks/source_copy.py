"""Check ``source_copy`` (bilingual): the target is the source, or nearly so."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language, language_scripts

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


class SourceCopyConfig(StageConfig):
    near_ratio: float = Field(0.85, description="similarity from which a target is a near copy")
    min_chars: int = Field(3, description="shorter sources (numbers, names) are not judged")


def _key(s: str) -> str:
    return _NOISE.sub("", s.casefold())


_CAPITALISED = re.compile(r"\b[A-Z][\w'’.+#-]*")


def translatable(source: str) -> str:
    """What of ``source`` a translator would translate: without placeholders, URLs, e-mails,
    paths, code, acronyms and capitalised words (brand and product names: "Amazon S3")."""
    from pipeline.checks.langid import discount

    return _CAPITALISED.sub(" ", discount(source, None))


@register
class SourceCopy(SegmentCheck):
    """Flag targets identical or near-identical to their source."""

    name = "source_copy"
    Config = SourceCopyConfig
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        cfg: SourceCopyConfig = self.config  # type: ignore[assignment]
        src = row["source"]
        if not src or (
            row["src_lang"] and base_language(row["src_lang"]) == base_language(row["tgt_lang"])
        ):
            return []
        s, t = _key(src), _key(row["target"])
        if len(s) < cfg.min_chars or not t:
            return []
        if len(_key(translatable(src))) < cfg.min_chars:
            return []  # names, code, placeholders, URLs: copied as they should be
        if row["src_lang"] and set(language_scripts(row["src_lang"])) & set(
            language_scripts(row["tgt_lang"])
        ):
            # Same script (en->de): a copied UI term or cognate is often right ("Status",
            # "Templates (%s gerendert)"): an exact copy is a minor finding, a near copy none.
            if s != t:
                return []
            return [
                make_flag(
                    self.name,
                    "minor",
                    1.0,
                    "target is a copy of the source",
                    0,
                    len(row["target"]),
                    row["target"],
                )
            ]
        if s == t:
            return [
                make_flag(
                    self.name,
                    "critical",
                    1.0,
                    "target is a copy of the source",
                    0,
                    len(row["target"]),
                    row["target"],
                )
            ]
        # The length bound and the character-count bound first (difflib's own idiom): the full
        # ratio is quadratic, minutes for a long target, and is never above either bound.
        sm = SequenceMatcher(None, s, t, autojunk=False)
        near = sm.real_quick_ratio() >= cfg.near_ratio and sm.quick_ratio() >= cfg.near_ratio
        ratio = sm.ratio() if near else 0.0
        if ratio >= cfg.near_ratio:
            return [
                make_flag(
                    self.name,
                    "critical",
                    ratio,
                    f"target is {ratio:.0%} similar to the source",
                    0,
                    len(row["target"]),
                    row["target"],
                )
            ]
        return []

"""Check ``source_copy`` (bilingual): the target is the source, or nearly so."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language, language_scripts, script_counts

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")


class SourceCopyConfig(StageConfig):
    near_ratio: float = Field(0.85, description="similarity from which a target is a near copy")
    min_chars: int = Field(3, description="shorter sources (numbers, names) are not judged")


def _key(s: str) -> str:
    return _NOISE.sub("", s.casefold())


def _ratio_bound(a: str, b: str) -> float:
    """An upper bound of ``SequenceMatcher(None, a, b).ratio()`` (its ``quick_ratio``: the
    characters both share, as a multiset), computed without building the matcher."""
    common = sum((Counter(a) & Counter(b)).values())
    return 2.0 * common / (len(a) + len(b))


_CAPITALISED = re.compile(r"\b[A-Z][\w'’.+#-]*")


def translatable(source: str) -> str:
    """What of ``source`` a translator would translate: without placeholders, URLs, e-mails,
    paths, code, acronyms and capitalised words (brand and product names: "Amazon S3")."""
    from pipeline.checks.langid import discount

    return _CAPITALISED.sub(" ", discount(source, None))


@lru_cache(maxsize=16384)
def _source_facts(source: str) -> tuple[str, frozenset[str]]:
    """``_key(translatable(source))`` and the scripts of ``source``, once per distinct source:
    a source recurs in every system's (or candidate's) record of it."""
    return _key(translatable(source)), frozenset(script_counts(source))


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
        s_text, src_has = _source_facts(src)
        if len(s_text) < cfg.min_chars:
            return []  # names, code, placeholders, URLs: copied as they should be
        src_scripts = set(language_scripts(row["src_lang"])) if row["src_lang"] else set()
        src_in_its_scripts = not src_scripts or bool(src_scripts & src_has)
        if src_in_its_scripts and _HAN.search(s_text) and not _HAN.search(row["target"]):
            # Speed only, the same answer as below: the target's translatable part is a subset
            # of its characters, so it has no Han either; every branch below returns no flag
            # (and the one counter is for sources not in their language, excluded here).
            return []
        # Compare what a translator translates: a target that keeps only the source's class or
        # product name ("环境变量 EnvironmentVariables" -> "EnvironmentVariables") copies a name,
        # not the text.
        s, t = s_text, _key(translatable(row["target"]))
        if not t:
            return []
        if not src_in_its_scripts:
            # The source is not in its language ("secret key" among Chinese msgids): it is
            # already in the target's language, and a copy is the translation.
            self.count("skipped_source_not_in_source_language")
            return []
        if row["src_lang"] and set(language_scripts(row["src_lang"])) & set(
            language_scripts(row["tgt_lang"])
        ):
            # Same script (en->de): a copied UI term or cognate is often right ("Status",
            # "Templates (%s gerendert)"): an exact copy of several words is a minor finding;
            # a near copy ("URL name" -> "URL-Name") or one word ("date", "config") is none.
            if src.strip() != row["target"].strip() or len(src.split()) < 2:
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
        # Two exact upper bounds of the ratio first (difflib's real_quick_ratio, then
        # quick_ratio's shared characters, without building the matcher): the full ratio is
        # quadratic, minutes for a long target, and is never above either bound.
        if 2.0 * min(len(s), len(t)) / (len(s) + len(t)) < cfg.near_ratio:
            return []
        if _HAN.search(s) and not _HAN.search(t):
            return []  # the Chinese words were translated; a name kept ("品牌：X" -> "Brand: X")
        if _ratio_bound(s, t) < cfg.near_ratio:
            return []  # not even the shared characters make a near copy (a zh->en pair)
        ratio = SequenceMatcher(None, s, t, autojunk=False).ratio()
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

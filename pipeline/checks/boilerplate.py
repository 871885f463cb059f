"""Boilerplate checks.

- ``duplicate`` (document level): a headline or paragraph repeated in the same document,
  exactly or nearly (word 3-gram Jaccard). The *repeat* is flagged, the first occurrence kept.
- ``keyword_tail``: page furniture after a headline, ``Headline | team | problem-solving``;
  the tail is the evidence, and the segment's output loses it.
- ``byline``: a line of its own that is only a byline or a timestamp
  ("Release time: Apr 14, 2024 13:47", "Editor: ...", "来源：...").
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.checks.docbase import DocCheck, DocSegment, Flags, same_unit
from pipeline.flags import make_flag
from pipeline.stages.base import Batch, StageConfig, register

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDS = re.compile(r"[^\W\d_\u3400-\u9fff]+")


class DuplicateConfig(StageConfig):
    min_chars: int = Field(20, description="shorter segments may repeat legitimately")
    min_cjk_chars: int = Field(
        10, description="the same for unspaced CJK text, where a character carries a word"
    )
    near_threshold: float = Field(0.8, description="word 3-gram Jaccard for a near-duplicate")
    max_shingle_df: int = Field(50, description="shingles in more segments are ignored")
    min_source_words: int = Field(
        4,
        description="bilingual units: one target for different sources shorter than this (in "
        'words; CJK: characters / 2) is normal ("Yes", "Delete") and not flagged',
    )


def _key(text: str) -> str:
    return _NOISE.sub(" ", text.casefold()).strip()


def _shingles(key: str) -> set[str]:
    # The n-grams themselves, not hashes of them: no collision can make two segments look alike.
    if _CJK.search(key):  # unspaced text: character 4-grams
        s = key.replace(" ", "")
        return {s[i : i + 4] for i in range(max(1, len(s) - 3))}
    w = key.split()
    return {" ".join(w[i : i + 3]) for i in range(max(1, len(w) - 2))}


def _same_source(a: DocSegment, b: DocSegment) -> bool:
    """Both segments are translations of one repeated source sentence."""
    return bool(a.source and b.source and _key(a.source) == _key(b.source))


def _source_words(text: str) -> float:
    """Words of a source, counting two CJK characters as one word."""
    return len(_WORDS.findall(text)) + len(_CJK.findall(text)) / 2


def _variant_sources(a: DocSegment, b: DocSegment) -> bool:
    """The two sources are one message in two forms ("constance" / "Constance" / "constances",
    "Save" / "Save..."): the same words after folding case, punctuation and a plural -s. Sources
    that differ in a word ("明天" / "后天") are different messages even when nearly equal."""

    def words(text: str) -> list[str]:
        return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _key(text).split()]

    if words(a.source or "") == words(b.source or ""):
        return True
    # One message with a value or a lead-in clause more ("所在省份【{}】校验失败" / "所在省份校验
    # 失败", "模块文本路径，请输入完整路径…" / "请输入完整路径…"): the shorter source, without its
    # placeholders and spaces, is most of the longer one and inside it.
    # Whole words only: "a valid date" is not "a valid datetime".
    short, long_ = sorted((_compact(a.source or ""), _compact(b.source or "")), key=len)
    from pipeline.checks.tm_consistency import one_small_insertion

    if one_small_insertion(short.replace(" ", ""), long_.replace(" ", "")):
        return True  # "请帮忙跟进吗" / "请帮忙跟进一下吗"
    if not short or len(short) < 0.7 * len(long_):
        return False
    at = long_.find(short)
    while at >= 0:
        before, after = long_[at - 1 : at], long_[at + len(short) : at + len(short) + 1]
        cut_before = before.isalnum() and short[0].isascii()
        cut_after = after.isalnum() and short[-1].isascii()
        if not (cut_before or cut_after):
            return True
        at = long_.find(short, at + 1)
    return False


_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) | (?=[\u3400-\u9fff])")


def _compact(text: str) -> str:
    """The source without placeholders, case and punctuation; no spaces beside Chinese."""
    from pipeline.checks.placeholders import placeholders

    for _, start, end, _ in sorted(placeholders(text), key=lambda p: -p[1]):
        text = text[:start] + text[end:]
    return _CJK_GAP.sub("", _key(text))


@register
class Duplicate(DocCheck):
    """Flag the second and later occurrences of a segment within its document."""

    name = "duplicate"
    Config = DuplicateConfig

    def analyse(self, segs: list[DocSegment], flags: Flags) -> None:
        cfg: DuplicateConfig = self.config  # type: ignore[assignment]
        exact: dict[str, DocSegment] = {}
        shingles: list[set[str]] = []
        owners: list[DocSegment] = []
        index: dict[str, list[int]] = {}
        max_df = cfg.max_shingle_df
        for seg in segs:
            key = _key(seg.target)
            if len(key) < (cfg.min_cjk_chars if _CJK.search(key) else cfg.min_chars):
                continue
            first = exact.get(key)
            if first is not None and (_same_source(seg, first) or same_unit(seg, first)):
                continue  # the source repeats too: a faithful repeat, not boilerplate
            # Bilingual: the question is not boilerplate but whether the target says what both
            # sources say. Short UI strings and variants of one message share targets
            # legitimately; a long message whose target repeats another one's is worth a look
            # (a copied translation loses what the source adds).
            if (
                first is not None
                and seg.source
                and first.source
                and (
                    _source_words(seg.source) < cfg.min_source_words or _variant_sources(seg, first)
                )
            ):
                continue
            if first is not None:
                flags.setdefault((seg.file, seg.seq), []).append(
                    make_flag(
                        self.name,
                        "major",
                        1.0,
                        f"same target as {first.record}#{first.index} but another source"
                        if seg.source
                        else f"repeats {first.record}#{first.index} exactly",
                        0,
                        len(seg.target),
                        seg.target,
                    )
                )
                continue
            exact[key] = seg
            if seg.source:
                continue  # near-duplicate targets of different sources: templates, not repeats
            sh = _shingles(key)
            hits: dict[int, int] = {}
            for h in sh:
                posting = index.get(h)
                if posting and len(posting) <= max_df:
                    for o in posting:
                        hits[o] = hits.get(o, 0) + 1
            best, best_j = -1, 0.0
            for cand, common in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
                j = common / len(sh | shingles[cand])
                if j > best_j:
                    best, best_j = cand, j
            if (
                best >= 0
                and best_j >= cfg.near_threshold
                and not _same_source(seg, owners[best])
                and not same_unit(seg, owners[best])
            ):
                other = owners[best]
                flags.setdefault((seg.file, seg.seq), []).append(
                    make_flag(
                        self.name,
                        "major",
                        best_j,
                        f"near-duplicate of {other.record}#{other.index} ({best_j:.0%} similar)",
                        0,
                        len(seg.target),
                        seg.target,
                    )
                )
                continue
            n = len(owners)
            for h in sh:
                index.setdefault(h, []).append(n)
            shingles.append(sh)
            owners.append(seg)


# One or more " | item" at the end, each item short and free of sentence punctuation.
_TAIL = re.compile(r"(?:\s*[|｜]\s*[^|｜.!?。！？]{1,60}?){1,8}\s*$")


class KeywordTailConfig(StageConfig):
    max_item_words: int = Field(6, description="longest keyword item, in words")


@register
class KeywordTail(SegmentCheck):
    """Flag pipe-separated keyword tails and propose the segment without them."""

    name = "keyword_tail"
    Config = KeywordTailConfig
    writes = frozenset({"flags", "output"})
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        text = row["target"]
        if "|" not in text and "｜" not in text:
            return []
        m = _TAIL.search(text)
        if not m or m.start() == 0:
            return []
        items = [i.strip() for i in re.split(r"[|｜]", m.group()) if i.strip()]
        if any(len(i.split()) > self.config.max_item_words for i in items):  # type: ignore
            return []
        source = row.get("source") or ""
        if items and source.rstrip().endswith(items[-1]):
            return []  # the source has the same tail: a faithful translation of a keyed message
        return [
            make_flag(
                self.name,
                "major",
                1.0,
                f"keyword tail after a headline: {' | '.join(items)}",
                m.start(),
                m.end(),
                m.group(),
            )
        ]

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        out = super().apply(batch, state)
        outputs = list(out["output"])
        for i, flags in enumerate(out["flags"]):
            if out["source"][i]:  # a human translation is flagged, never cut without review
                continue
            for f in flags:
                if f["check"] == self.name and outputs[i] == out["target"][i]:
                    outputs[i] = outputs[i][: f["evidence"]["start"]].rstrip()
        out["output"] = outputs
        return out


_BYLINE = re.compile(
    r"^\s*(?:release\s*time|released|published|publish\s*time|posted|updated|source|editor|"
    r"editors?\s*in\s*charge|reporter|author|correspondent|photo(?:graph)?s?\s*by|photo|"
    r"responsible\s*editor|发布时间|来源|责任编辑|编辑|记者|作者|时间)\s*[:：]",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(
    r"^\s*(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?)?\s*$",
    re.IGNORECASE,
)


class BylineConfig(StageConfig):
    max_chars: int = Field(100, description="longer lines are content, not a byline")


@register
class Byline(SegmentCheck):
    """Flag lines that are only a byline, a source credit or a timestamp."""

    name = "byline"
    Config = BylineConfig
    columns = ("target", "line_first", "line_end")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        text = row["target"]
        if not (row["line_first"] and row["line_end"]) or len(text) > self.config.max_chars:  # type: ignore
            return []
        m = _BYLINE.match(text) or _TIMESTAMP.match(text)
        if not m:
            return []
        return [
            make_flag(
                self.name,
                "major",
                1.0,
                "byline or timestamp line (page furniture)",
                0,
                len(text),
                text,
            )
        ]

"""Check ``inconsistency`` (document level).

- A name swap: the same sentence twice in a document with one name changed (a caption says
  "Hospitals in Shanghai and Kashgar conducted ...", the body "hospitals in Shanghai and
  Kazakhstan have successfully conducted ..."). The segment with the name that is rarer in the
  document is flagged major; the evidence names the other segment and its name.
- One entity rendered several ways: capitalised names with the same content words in another
  order or with other linking words ("Shanghai Aid to Xinjiang Front Command" / "Shanghai Front
  Command for Aid to Xinjiang"). Segments using a minority rendering are flagged minor.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher

from pydantic import Field

from pipeline.checks.docbase import DocCheck, DocSegment, Flags, same_unit
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)
_LINK = r"(?:of|for|to|and|the|in|on|de|du)"
_NAME = re.compile(rf"[A-Z][\w'&+\-]*(?:\s+(?:{_LINK}\s+)*[A-Z][\w'&+\-]*)+")
_LINKS = frozenset({"of", "for", "to", "and", "the", "in", "on", "de", "du", "at", "a", "an"})
_STOP = _LINKS | {
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "with",
    "by",
    "from",
    "as",
    "that",
    "this",
    "it",
    "its",
    "be",
    "been",
    "also",
    "which",
}


class InconsistencyConfig(StageConfig):
    min_tokens: int = Field(6, description="shorter segments are not compared for name swaps")
    min_overlap: float = Field(
        0.6, description="share of the shorter segment's tokens that must match for a name swap"
    )
    max_name_tokens: int = 3
    entity_variants: bool = True
    max_word_df: int = Field(50, description="words in more segments do not select candidates")
    max_candidates: int = Field(5, description="most similar earlier segments compared")


def _caps(tokens: list[str], names: set[str]) -> list[str]:
    return [t for t in tokens if t[:1].isupper() and t in names]


# What may stand before the first word of a sentence (or of a clause set off by a dash or a
# bracket): "(Laughter) So ...", "... a black hole. It ...", "- and this is ...".
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…)\]\-–—]|\n)[\s\"“”'‘’(\[]*$")


def _mid_sentence_caps(segs: list[DocSegment]) -> set[str]:
    """Words capitalised somewhere other than at the start of a sentence: names, not "Later",
    nor the "So" or "It" that opens the second sentence of a segment."""
    names: set[str] = set()
    for s in segs:
        text = s.target
        for m in _TOKEN.finditer(text):
            word, at = m.group(), m.start()
            if (
                at
                and word[:1].isupper()
                and word not in names
                and not _SENTENCE_START.search(text, max(0, at - 8), at)
            ):
                names.add(word)
    return names


@register
class Inconsistency(DocCheck):
    """Flag name swaps between near-identical sentences and entities rendered several ways."""

    name = "inconsistency"
    Config = InconsistencyConfig

    def analyse(self, segs: list[DocSegment], flags: Flags) -> None:
        names = _mid_sentence_caps(segs)
        self._name_swaps(segs, flags, names)
        if self.config.entity_variants:  # type: ignore[attr-defined]
            self._variants(segs, flags, names)

    def _name_swaps(self, segs: list[DocSegment], flags: Flags, names: set[str]) -> None:
        cfg: InconsistencyConfig = self.config  # type: ignore[assignment]
        toks = [_TOKEN.findall(s.target) for s in segs]
        lows = [[t.lower() for t in ts] for ts in toks]  # lowered once, compared many times
        caps = [_caps(ts, names) for ts in toks]
        name_freq: Counter[str] = Counter(t for c in caps for t in c)
        index: dict[str, list[int]] = defaultdict(list)
        content = []
        max_df = cfg.max_word_df
        for i, ts in enumerate(toks):
            words = {t for t in lows[i] if t not in _STOP}
            content.append(words)
            # A swap needs a name on both sides: a sentence without one cannot be flagged here,
            # and cannot flag a partner (the comparison below would find nothing to report).
            if len(ts) < cfg.min_tokens or not caps[i]:
                for w in words:
                    index[w].append(i)
                continue
            hits: dict[int, int] = {}
            for w in words:
                posting = index.get(w)
                if posting and len(posting) <= max_df:  # common words cannot pick a candidate
                    for j in posting:
                        hits[j] = hits.get(j, 0) + 1
            ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[: cfg.max_candidates]
            for j, common in sorted(ranked):
                if not caps[j] or common < cfg.min_overlap * min(len(words), len(content[j])):
                    continue
                self._compare(segs, toks, lows, j, i, name_freq, flags, names)
            for w in words:
                index[w].append(i)

    def _compare(
        self,
        segs: list[DocSegment],
        toks: list[list[str]],
        lows: list[list[str]],
        j: int,
        i: int,
        freq: Counter[str],
        flags: Flags,
        names: set[str],
    ) -> None:
        cfg: InconsistencyConfig = self.config  # type: ignore[assignment]
        if same_unit(segs[j], segs[i]):
            return  # singular and plural of one PO unit differ by design
        if segs[j].source and segs[i].source:
            # Two translation units: where the sources differ, the targets' names differ with
            # them ("not a valid timezone" / "not a valid e-mail address"; every German noun is
            # capitalised); where the sources are one sentence, translation_inconsistency
            # reports the differing targets. Name swaps are for monolingual archive text.
            return
        a, b = toks[j], toks[i]
        sm = SequenceMatcher(None, lows[j], lows[i], autojunk=False)
        # quick_ratio() bounds ratio() from above and costs a fraction of it.
        if sm.quick_ratio() < 0.5:
            return
        ratio = sm.ratio()
        if ratio < 0.5 or ratio == 1.0:
            return
        for op, a0, a1, b0, b1 in sm.get_opcodes():
            if op != "replace":
                continue
            na, nb = _caps(a[a0:a1], names), _caps(b[b0:b1], names)

            if not na or not nb or len(na) > cfg.max_name_tokens or len(nb) > cfg.max_name_tokens:
                continue
            if [x.lower() for x in na] == [x.lower() for x in nb]:
                continue
            name_a, name_b = " ".join(na), " ".join(nb)
            fa, fb = min(freq[x] for x in na), min(freq[x] for x in nb)
            pairs = [(i, name_b, j, name_a)] if fb < fa else [(j, name_a, i, name_b)]
            if fa == fb:
                pairs.append((i, name_b, j, name_a))
            for k, mine, other, theirs in pairs:
                seg, o = segs[k], segs[other]
                m = re.search(re.escape(mine.split()[0]), seg.target)
                start, end = (m.start(), m.start() + len(mine)) if m else (None, None)
                sev = "major" if fa != fb else "minor"
                flags.setdefault((seg.file, seg.seq), []).append(
                    make_flag(
                        self.name,
                        sev,
                        0.9,
                        f"same sentence as {o.record}#{o.index} but {mine!r} where it has "
                        f"{theirs!r}",
                        start,
                        end,
                        seg.target[start:end] if m else "",
                    )
                )
            return

    def _variants(self, segs: list[DocSegment], flags: Flags, names: set[str]) -> None:
        groups: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
        where: list[tuple[DocSegment, int, int, frozenset[str]]] = []
        for seg in segs:
            for m in _NAME.finditer(seg.target):
                words = list(re.finditer(r"\S+", m.group()))
                # A sentence-initial word ("Later the Shanghai ...") is not part of the name.
                while words and (
                    words[0].group() not in names or words[0].group().lower() in _LINKS
                ):
                    words.pop(0)
                if not words:
                    continue
                start, end = m.start() + words[0].start(), m.end()
                key = frozenset(w.group().lower() for w in words) - _LINKS
                if len(key) < 3:
                    continue
                form = " ".join(seg.target[start:end].split())
                groups[key][form] += 1
                where.append((seg, start, end, key))
        for seg, start, end, key in where:
            forms = groups[key]
            if len(forms) < 2:
                continue
            form = " ".join(seg.target[start:end].split())

            top, top_n = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if form == top:
                continue
            flags.setdefault((seg.file, seg.seq), []).append(
                make_flag(
                    self.name,
                    "minor",
                    0.5,
                    f"entity rendered {len(forms)} ways in this document; "
                    f"most often {top!r} ({top_n}x)",
                    start,
                    end,
                    seg.target[start:end],
                )
            )

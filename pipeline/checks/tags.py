"""Check ``tag_mismatch`` (bilingual): inline tags or inline codes lost, added or reordered.

Two kinds of markup reach a check. XLIFF/TMX inline codes (``<g>``, ``<x/>``, ``<bpt>``...)
arrive as private-use placeholder characters (U+E000.., see ``pipeline.readers.tm``), numbered
separately in source and target, so only their number can be compared here. HTML-like tags left
in the text (PO strings, JSONL, TSV: ``<b>``, ``</a>``, ``<br/>``) are compared by name and
order: a tag missing, added, or moved so that the nesting changes is flagged with its span.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_PUA = re.compile(r"[\ue000-\uf8ff]")
# Attributes need "=": "<no view>" or "<unavailable>" are text in angle brackets, not tags.
_TAG = re.compile(r"</?([A-Za-z][\w:.-]*)(?:\s+[^<>=]+=[^<>]*?)?\s*/?>")


def _tags(text: str) -> list[tuple[str, int, int]]:
    """``(normalised tag, start, end)``: attributes other than the name are ignored."""
    out = []
    for m in _TAG.finditer(text):
        t = m.group()
        kind = "/" if t.startswith("</") else ("/>" if t.endswith("/>") else "")
        norm = f"</{m.group(1).lower()}>" if kind == "/" else f"<{m.group(1).lower()}{kind[:1]}>"
        out.append((norm, m.start(), m.end()))
    return out


@register
class TagMismatch(SegmentCheck):
    """Flag inline tags and inline codes the target lost, added or reordered."""

    name = "tag_mismatch"
    Config = StageConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src, tgt = row["source"], row["target"]
        if not src:
            return []
        flags = []
        ns, nt = len(_PUA.findall(src)), len(_PUA.findall(tgt))
        if ns != nt:
            flags.append(
                make_flag(
                    self.name,
                    "major",
                    1.0,
                    f"{ns} inline codes in the source, {nt} in the target",
                )
            )
        st, tt = _tags(src), _tags(tgt)
        if not st and not tt:
            return flags
        sc, tc = Counter(t[0] for t in st), Counter(t[0] for t in tt)
        for tag in sc - tc:
            flags.append(
                make_flag(self.name, "major", 1.0, f"tag {tag} of the source missing", text=tag)
            )
        extra = tc - sc
        for tag, start, end in tt:
            if extra.get(tag, 0) > 0:
                extra[tag] -= 1
                flags.append(
                    make_flag(
                        self.name,
                        "major",
                        1.0,
                        f"tag {tag} not in the source",
                        start,
                        end,
                        tgt[start:end],
                    )
                )
        if not flags and [t[0] for t in st] != [t[0] for t in tt]:
            flags.append(
                make_flag(
                    self.name,
                    "minor",
                    0.6,
                    "tags in another order than in the source: " + " ".join(t[0] for t in st),
                    tt[0][1],
                    tt[-1][2],
                    tgt[tt[0][1] : tt[-1][2]],
                )
            )
        return flags

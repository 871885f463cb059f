"""Check ``tag_mismatch`` (bilingual): inline tags or inline codes lost, added or reordered.

Two kinds of markup reach a check. XLIFF/TMX inline codes (``<g>``, ``<x/>``, ``<bpt>``...)
arrive as private-use placeholder characters (U+E000.., see ``pipeline.readers.tm``), numbered
separately in source and target, so only their number can be compared here. Text in angle
brackets left in the strings (PO, JSONL, TSV, or escaped markup in XLIFF/TMX) is markup only when
it looks like markup: an HTML element name (``<b>``, ``</a>``, ``<br/>``) or a tag with attributes
(``<link href=...>``). ``<unavailable>`` or ``<利用不可>`` is text in angle brackets, translated
like any other text, and is not compared. Tags are compared by name and order: a tag missing,
added, or moved so that the nesting changes is flagged with its span.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.checks.pairs import token_diff
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_PUA = re.compile(r"[\ue000-\uf8ff]")
_TAG = re.compile(r"</?([A-Za-z][\w:.-]*)(\s+[^<>=]+=[^<>]*?)?\s*/?>")
# HTML elements (WHATWG) that turn up in UI strings; anything else needs attributes to count.
HTML_ELEMENTS = frozenset(
    """a abbr address article aside b bdi bdo blockquote body br button caption cite code col
    dd del details dfn div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4
    h5 h6 head header hr html i iframe img input ins kbd label legend li link main mark meta nav
    ol optgroup option p pre q s samp script section select small source span strike strong style
    sub summary sup table tbody td template textarea tfoot th thead time title tr tt u ul var
    video wbr""".split()
)


def tags(text: str) -> list[tuple[str, int, int]]:
    """``(normalised tag, start, end)`` of the markup in ``text``: attributes are ignored."""
    out = []
    for m in _TAG.finditer(text):
        name = m.group(1).lower()
        if name not in HTML_ELEMENTS and not m.group(2):
            continue  # "<unavailable>": text in angle brackets, not markup
        t = m.group()
        kind = "/" if t.startswith("</") else ("/>" if t.endswith("/>") else "")
        norm = f"</{name}>" if kind == "/" else f"<{name}{kind[:1]}>"
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
        st, tt = tags(src), tags(tgt)
        if not st and not tt:
            return flags
        missing, added = token_diff(st, tt)
        flags += [
            make_flag(self.name, "major", 1.0, f"tag {tag} of the source missing", text=tag)
            for tag, _ in missing
        ]
        flags += [
            make_flag(self.name, "major", 1.0, f"tag {tag} not in the source", a, b, tgt[a:b])
            for tag, a, b in added
        ]
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

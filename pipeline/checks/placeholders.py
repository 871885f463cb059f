"""Check ``placeholder_mismatch`` (bilingual): a placeholder of the source is lost or one is added.

Recognised: printf (``%s``, ``%1$s``, ``%-5.2f``, ``%lld``, ``%zu``, ``%@``), Python
``%(name)s``, ``{}``/``{0}``/``{name}``/``{name:>10}`` (Python, Java/.NET), ICU arguments
(``{count, plural, ...}`` is compared by its head ``{count, plural}``: the branches are text),
Qt ``%1``/``%L1``, Ruby ``%{name}``. Placeholders are compared as multisets; printf
placeholders without positions must also keep their order (the arguments are positional).
A literal ``%%`` and a percent sign before a space ("50 % of") are not placeholders.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.checks.pairs import token_diff
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_PRINTF = (
    r"%(?:\d+\$)?(?:\([A-Za-z_]\w*\))?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspn@]"
)
_PATTERN = re.compile(
    r"(?P<pct>%%)"
    rf"|(?P<printf>{_PRINTF})"
    r"|(?P<qt>%L?\d+)"
    r"|(?P<ruby>%\{\w+\})"
    r"|(?P<icu>\{\s*\w+\s*,\s*(?:plural|select|selectordinal|number|date|time|choice)\b)"
    r"|(?P<brace>\{[\w.\[\]]*(?:[:!][^{}\s]*)?\})"
)


def placeholders(text: str) -> list[tuple[str, int, int, str]]:
    """``(normalised token, start, end, kind)`` for each placeholder in ``text``."""
    if "%" not in text and "{" not in text:
        return []  # every pattern starts with one of these: most text skips the regex
    found = []
    for m in _PATTERN.finditer(text):
        kind = m.lastgroup or ""
        if kind == "pct":
            continue
        token = m.group()
        if kind == "icu":  # "{ count ,plural" and "{count, plural" are one argument
            name, _, fmt = token[1:].partition(",")
            token = "{" + name.strip() + ", " + fmt.strip() + "}"
        found.append((token, m.start(), m.end(), kind))
    return found


@register
class PlaceholderMismatch(SegmentCheck):
    """Flag placeholders lost, added or (unnumbered printf) reordered in the target."""

    name = "placeholder_mismatch"
    Config = StageConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src = row["source"]
        if not src:
            self.count("skipped_no_source")
            return []
        tgt = row["target"]
        sp, tp = placeholders(src), placeholders(tgt)
        if not sp and not tp:
            return []
        missing, added = token_diff([p[:3] for p in sp], [p[:3] for p in tp])
        flags = [
            make_flag(
                self.name,
                "major",
                1.0,
                f"placeholder {token} of the source missing" + (f" ({n}x)" if n > 1 else ""),
                None,
                None,
                token,
            )
            for token, n in missing
        ]
        flags += [
            make_flag(
                self.name, "major", 1.0, f"placeholder {token} not in the source", a, b, token
            )
            for token, a, b in added
        ]
        if not flags:
            s_seq = [p[0] for p in sp if p[3] == "printf" and "$" not in p[0] and "(" not in p[0]]
            t_seq = [p for p in tp if p[3] == "printf" and "$" not in p[0] and "(" not in p[0]]
            if s_seq != [p[0] for p in t_seq]:
                start, end = t_seq[0][1], t_seq[-1][2]
                flags.append(
                    make_flag(
                        self.name,
                        "major",
                        0.9,
                        f"printf placeholders reordered ({' '.join(s_seq)} in the source); "
                        "use positions (%1$s) to reorder",
                        start,
                        end,
                        tgt[start:end],
                    )
                )
        return flags

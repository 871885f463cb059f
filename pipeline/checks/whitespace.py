"""Check ``whitespace_mismatch`` (bilingual): leading/trailing whitespace and newlines differ.

A PO ``msgid`` that ends in ``\\n`` whose ``msgstr`` does not, a leading space the program
relies on for concatenation, or a different number of line breaks inside the text: the
program prints the string, so these are real defects (pofilter ``endwhitespace``,
``startwhitespace``, ``newlines``). CJK targets may drop a space that stands before or after
a Latin word (no spaces between CJK words), so only newlines and tabs are compared for them.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language

_CJK_LANGS = frozenset({"zh", "ja", "ko", "yue", "wuu"})
_LEAD = re.compile(r"^\s*")
_TRAIL = re.compile(r"\s*$")


def _kinds(ws: str, cjk: bool) -> str:
    """The whitespace that matters: newlines always, spaces only for spaced scripts."""
    if cjk:
        return "".join(c for c in ws if c in "\n\t")
    return "".join(c for c in ws if c in "\n\t") + (" " if " " in ws or "\u00a0" in ws else "")


def _show(ws: str) -> str:
    return repr(ws) if ws else "nothing"


@register
class WhitespaceMismatch(SegmentCheck):
    """Flag leading/trailing whitespace and newline counts that differ from the source."""

    name = "whitespace_mismatch"
    Config = StageConfig
    columns = ("target", "source", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src, tgt = row["source"], row["target"]
        if not src or not tgt:
            return []
        cjk = base_language(row["tgt_lang"] or "") in _CJK_LANGS
        flags = []
        for where, pat in (("start", _LEAD), ("end", _TRAIL)):
            s_ws, t_m = pat.search(src).group(), pat.search(tgt)  # type: ignore[union-attr]
            t_ws = t_m.group()  # type: ignore[union-attr]
            sk, tk = _kinds(s_ws, cjk), _kinds(t_ws, cjk)
            if sk != tk:
                at = t_m.start() if where == "end" else 0  # type: ignore[union-attr]
                # A space only the target has is cosmetic; a newline, a tab, or a space the
                # source has (the program concatenates it) lost or added changes the output.
                added_space = tk.replace(" ", "") == sk and " " not in sk
                flags.append(
                    make_flag(
                        self.name,
                        "minor" if added_space else "major",
                        1.0,
                        f"source has {_show(s_ws)} at the {where}, target {_show(t_ws)}",
                        at,
                        at + len(t_ws),
                        t_ws,
                    )
                )
        s_n, t_n = src.strip().count("\n"), tgt.strip().count("\n")
        if s_n != t_n:
            flags.append(
                make_flag(
                    self.name,
                    "minor",
                    0.7,
                    f"{s_n} line breaks inside the source, {t_n} in the target",
                )
            )
        return flags

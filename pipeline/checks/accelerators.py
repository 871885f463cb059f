"""Check ``accelerator_mismatch`` (bilingual): a keyboard accelerator lost or added.

``&File`` (Windows, Qt), ``_File`` (GTK) and ``~File`` (LibreOffice) mark the key of a menu
item; a CJK translation keeps it as a suffix, ``文件(&F)``. The marker must appear the same
number of times in source and target (``&&`` is a literal ampersand; ``&amp;``-style entities and
snake_case identifiers are not accelerators).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_ACCEL = {
    "&": re.compile(r"(?<![&\w])&(?![&#]|\w+;)(?=\w)"),
    "_": re.compile(r"(?<![\w_])_(?=[^\W_])(?!\w*_)"),
    "~": re.compile(r"(?<![\w~])~(?=[^\W_])"),
}


@register
class AcceleratorMismatch(SegmentCheck):
    """Flag a menu accelerator marker (``&``, ``_``, ``~``) lost or added."""

    name = "accelerator_mismatch"
    Config = StageConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src, tgt = row["source"], row["target"]
        if not src or len(src) > 80:  # accelerators live in short menu labels
            return []
        flags = []
        for mark, pat in _ACCEL.items():
            ns, tm = len(pat.findall(src)), list(pat.finditer(tgt))
            if ns == 1 and not tm:
                flags.append(
                    make_flag(
                        self.name,
                        "major",
                        0.9,
                        f"accelerator {mark} of the source missing",
                        text=mark,
                    )
                )
            elif ns == 0 and len(tm) == 1 and mark == "&":
                m = tm[0]
                flags.append(
                    make_flag(
                        self.name,
                        "minor",
                        0.6,
                        f"accelerator {mark} not in the source",
                        m.start(),
                        m.end() + 1,
                        tgt[m.start() : m.end() + 1],
                    )
                )
        return flags

"""Check ``url_mismatch`` (bilingual): a URL, e-mail address or file path of the source is
missing from the target, or the target has one the source lacks.

These are copied verbatim in a translation (pofilter ``urls``, ``emails``, ``filepaths``); a
changed host or a translated path breaks the program or the link. Trailing sentence punctuation
is not part of a URL.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.base import Row, SegmentCheck
from pipeline.checks.pairs import token_diff
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register

_URL = r"(?:https?|ftp)://[^\s<>\"'`{}|\\^，。、；：！？（）「」【】]+|www\.[\w-]+(?:\.[\w-]+)+[^\s<>\"'，。、；：！？（）]*"
# The lookbehind starts an address only where a run of its characters starts: without it the
# search rescans the run from every position, quadratic in a long word (a 10 MiB token, or a
# Chinese paragraph, all ``\w``); a leftmost match starts there anyway, so matches are the same.
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PATH = r"(?<![\w/.])(?:~|\.{1,2})?/(?:[\w.-]+/)+[\w.-]*|[A-Za-z]:\\(?:[\w .-]+\\)*[\w.-]+"
_ANY = re.compile(rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<path>{_PATH})")
_TRAIL = ".,;:!?)]'\""


def locators(text: str) -> list[tuple[str, int, int, str]]:
    """``(text, start, end, kind)`` for each URL, e-mail address and file path."""
    if "/" not in text and "@" not in text and "\\" not in text and "www." not in text:
        return []  # each pattern needs one of these: most text is done without the regex
    out = []
    for m in _ANY.finditer(text):
        s = m.group().rstrip(_TRAIL)
        if m.lastgroup == "path" and s.count("/") < 2 and "\\" not in s:
            continue  # "and/or", "km/h": a slash is not yet a path
        out.append((s, m.start(), m.start() + len(s), m.lastgroup or ""))
    return out


@register
class UrlMismatch(SegmentCheck):
    """Flag URLs, e-mail addresses and file paths lost or added in the target."""

    name = "url_mismatch"
    Config = StageConfig
    columns = ("target", "source")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        src, tgt = row["source"], row["target"]
        if not src:
            return []
        sl, tl = locators(src), locators(tgt)
        if not sl and not tl:
            return []
        kinds = {x[0]: x[3] for x in sl + tl}
        missing, added = token_diff([x[:3] for x in sl], [x[:3] for x in tl])
        flags = [
            make_flag(self.name, "major", 1.0, f"{kinds[s]} {s} of the source missing", text=s)
            for s, _ in missing
        ]
        flags += [
            make_flag(self.name, "major", 0.9, f"{kinds[s]} {s} not in the source", a, b, s)
            for s, a, b in added
        ]
        return flags

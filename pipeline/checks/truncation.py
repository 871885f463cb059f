"""Check ``truncation``: a passage cut off mid-sentence.

Fires on the last segment of a line when it ends with a comma, a conjunction, an article, a
preposition or an auxiliary verb, or leaves a quote open; or when it is the last sentence of a
multi-sentence paragraph and has no final stop. A line that is one sentence without a final stop
is a heading, caption or title and is left alone, unless it ends in one of those dangling words
or is longer than any heading (``max_heading_words``).

Not flagged, because they are not cuts: a quotation left open at the end of a paragraph that ends
a sentence (a quote running on across paragraphs or lines opens each paragraph and closes only
at its end; a source that closes a quotation it did not open ends one begun earlier), and, in a
bilingual record, a target that ends the way its source does (a source fragment ending with a
comma or without a stop is translated as such).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language

DANGLING = frozenset(
    """and or but nor so yet because while although though whereas that which who whom whose
    if unless until whether a an the of in on at to for with by from into onto about as than
    along across among between through during without within under over via per including
    such like has have had is are was were will would can could should shall may might must
    be been being do does did its their his her our your my this these those""".split()
)
_FINAL = re.compile(r"[.!?…。！？:：;；]['\"”’」』)）\]】》]*$|[\"”’」』)）\]】》]$")
_LAST_WORD = re.compile(r"(\w+)\W*$", re.UNICODE)
# A letter's salutation ends with a comma in English ("尊敬的顾客您好！" -> "Dear customer,"):
# the greeting and at most four words ("Hello everyone and welcome to the meeting where we
# decide," is a sentence cut short, not a salutation).
_SALUTATION = re.compile(r"^\W*(?:Dear|Hello|Hi|Greetings)\b(?:\s+[^\s.!?,]+){0,4},$")
# A semicolon (full-width ；too) closes a clause; only commas leave one dangling.
_CJK_DANGLING = re.compile(r"[，、,]$")


class TruncationConfig(StageConfig):
    min_words: int = Field(4, description="shorter trailing fragments are not judged")
    max_heading_words: int = Field(
        40, description="a stop-less line longer than this is not a heading"
    )


def _unclosed_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


@register
class Truncation(SegmentCheck):
    """Flag segments that end a line in the middle of a sentence."""

    name = "truncation"
    Config = TruncationConfig
    columns = ("target", "line_end", "line_first", "source", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        cfg: TruncationConfig = self.config  # type: ignore[assignment]
        if not row["line_end"]:
            return []
        text = row["target"].rstrip()
        if not text:
            return []
        src = (row.get("source") or "").rstrip()
        if src and not _FINAL.search(src):
            return []  # the source is a fragment too: the target mirrors it
        words = text.split()
        tail_start = max(0, len(text) - 30)
        ev = (tail_start, len(text), text[tail_start:])
        if (_CJK_DANGLING.search(text) or text.endswith(",")) and not _SALUTATION.match(text):
            return [make_flag(self.name, "major", 1.0, "ends with a comma", *ev)]
        # An open quote after a final stop is a quote that runs on across paragraphs.
        # A source quote closed without being opened (”) ends a quotation opened in an earlier
        # segment: the target's lone quote mirrors it ("... burns. \"").
        runs_on = _FINAL.search(text.rstrip('"“ ')) or (
            src and (_unclosed_quote(src) or src.count("”") > src.count("“"))
        )
        if _unclosed_quote(text) and not runs_on:
            return [make_flag(self.name, "major", 0.9, "a quotation is left open", *ev)]
        if _FINAL.search(text) or "|" in text or "｜" in text:
            return []  # a final stop, or a pipe-separated headline (layout, not a cut)

        m = _LAST_WORD.search(text)
        last = m.group(1).lower() if m else ""
        english = base_language(row.get("tgt_lang")) in ("en", "")
        if not english:
            self.count("skipped_pair_dangling_words")  # the word list is English
        elif last in DANGLING and len(words) >= 2:
            return [make_flag(self.name, "major", 1.0, f"ends with {last!r}, mid-sentence", *ev)]
        if not row["line_first"] and len(words) >= cfg.min_words:
            return [
                make_flag(
                    self.name, "major", 0.9, "last sentence of a paragraph has no final stop", *ev
                )
            ]
        if len(words) > cfg.max_heading_words:
            return [
                make_flag(
                    self.name,
                    "minor",
                    0.8,
                    f"{len(words)} words with no final stop: too long for a heading",
                    *ev,
                )
            ]
        return []

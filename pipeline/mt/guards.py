"""Candidate guards: a candidate text is checked like the target it would replace.

The detection checks are re-run on the candidate through ``check_row`` (every segment check
reads ``target``; the candidate goes in as the row's ``target``), and four guards that hold
for any check configuration are applied first:

- ``empty``: nothing but spaces;
- ``loop``: a decoder loop (the ``repetition`` check's critical finding, or one chunk of text
  repeated five times or more, which word-level repetition cannot see in ``owowowow``);
- ``runaway_length``: far longer than the source predicts (the ``length_ratio`` check's
  expected ratio times ``runaway_factor``);
- ``wrong_language``: most letters in a script the target language is not written in.

Each problem is a reason string; a candidate with any reason is discarded, never applied.
"""

from __future__ import annotations

import re
from typing import Any

import pipeline.checks  # noqa: F401  (registers every check in STAGES)
from pipeline.checks.base import SegmentCheck
from pipeline.checks.length_ratio import LengthRatioConfig, length_units
from pipeline.checks.repetition import Repetition
from pipeline.stages.base import STAGES
from pipeline.text.scripts import base_language, language_scripts, script_counts

_RANK = {"minor": 0, "major": 1, "critical": 2}
_CHUNK_LOOP = re.compile(r"(.{1,12}?)\1{4,}", re.DOTALL)


def segment_checks(names: list[str]) -> list[SegmentCheck]:
    """Instances of the named checks that judge one row at a time (others are skipped)."""
    out = []
    for name in names:
        cls = STAGES.get(name)
        if cls is not None and issubclass(cls, SegmentCheck):
            out.append(cls())
    return out


class CandidateGuard:
    """Judge candidate texts for one segment row; ``reasons`` is empty for a usable one."""

    def __init__(
        self, checks: list[str], min_severity: str = "major", runaway_factor: float = 3.0
    ) -> None:
        self.checks = segment_checks(checks)
        self.floor = _RANK[min_severity]
        self.runaway_factor = runaway_factor
        self.repetition = Repetition()
        self.expected = LengthRatioConfig().expected

    def reasons(self, row: dict[str, Any], text: str) -> list[str]:
        """Why ``text`` may not replace the row's target (empty list: it may)."""
        if not text.strip():
            return ["empty: no text"]
        out: list[str] = []
        probe = {**row, "target": text}
        loop = self._loop(probe)
        if loop:
            out.append(f"loop: {loop}")
        long = self._runaway(row, text)
        if long:
            out.append(f"runaway_length: {long}")
        wrong = self._script(text, row.get("tgt_lang"))
        if wrong:
            out.append(f"wrong_language: {wrong}")
        for check in self.checks:
            for flag in check.check_row(probe):
                if _RANK[flag["severity"]] >= self.floor:
                    out.append(f"{flag['check']}: {flag['evidence']['reason']}")
        return out

    def _loop(self, probe: dict[str, Any]) -> str:
        for f in self.repetition.check_row(probe):
            if f["severity"] == "critical":
                return str(f["evidence"]["reason"])
        for m in _CHUNK_LOOP.finditer(probe["target"]):
            unit = m.group(1)
            if any(c.isalpha() for c in unit):
                return f"{unit!r} repeated {len(m.group()) // len(unit)} times"
        return ""

    def _runaway(self, row: dict[str, Any], text: str) -> str:
        source = row.get("source")
        if not source:
            return ""
        sl, tl = base_language(row.get("src_lang")) or "zh", base_language(row.get("tgt_lang"))
        s_units, t_units = length_units(source, sl), length_units(text, tl)
        limit = self.runaway_factor * self.expected.get(f"{sl}-{tl}", 1.0) * s_units + 5
        if t_units > limit:
            return f"{t_units} {tl} units for {s_units} {sl} units (limit {limit:.0f})"
        return ""

    @staticmethod
    def _script(text: str, tgt_lang: str | None) -> str:
        counts = script_counts(text)
        letters = sum(counts.values())
        if letters < 4:
            return ""
        script, n = counts.most_common(1)[0]
        if script not in language_scripts(tgt_lang) and n / letters >= 0.5:
            return f"mostly {script} script, not {base_language(tgt_lang) or 'en'}"
        return ""

"""Candidate guards: a candidate text is checked like the target it would replace.

The worker context judges the candidate with the run's configured checks named in
``guard_checks`` (``Context.judge``: the candidate stands in for the row's target, at its own
positions), and four guards that hold for any check configuration are applied first:

- ``empty``: nothing but spaces;
- ``loop``: a decoder loop (the ``repetition`` check's critical finding, or one chunk of text
  repeated five times or more, which word-level repetition cannot see in ``owowowow``, or a
  run of one digit or symbol such as ``1111…``);
- ``runaway_length``: far longer than the source predicts (the ``length_ratio`` check's
  expected ratio times ``runaway_factor``);
- ``wrong_language``: most letters in a script the target language is not written in.

Each problem is a reason string; a candidate with any reason is discarded, never applied.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.checks.length_ratio import LengthRatioConfig, length_units
from pipeline.core.context import Context
from pipeline.core.schema import at_least
from pipeline.text.scripts import base_language, language_scripts, script_counts

_CHUNK_LOOP = re.compile(r"(.{1,12}?)\1{4,}", re.DOTALL)
# One character that is not a letter or a space, sixteen times or more (``1111…``, ``----``):
# a loop too, though numbers may repeat a digit a few times (``1000000``).
_CHAR_RUN = re.compile(r"([^\s\w]|\d)\1{15,}")
LOOP_CHECK = "repetition"


class CandidateGuard:
    """Judge candidate texts for one segment row; ``reasons`` is empty for a usable one."""

    def __init__(
        self,
        context: Context,
        checks: list[str],
        min_severity: str = "major",
        runaway_factor: float = 3.0,
        default_src: str = "zh",
    ) -> None:
        self.context = context
        self.default_src = default_src
        self.checks = list(checks)
        self.min_severity = min_severity
        self.runaway_factor = runaway_factor
        # The configured expected length ratios (the run's [length_ratio] table).
        self.expected = LengthRatioConfig(**context.spec.options.get("length_ratio", {})).expected

    def reasons(self, row: dict[str, Any], text: str) -> list[str]:
        """Why ``text`` may not replace the row's target (empty list: it may)."""
        if not text.strip():
            return ["empty: no text"]
        out: list[str] = []
        names = list(dict.fromkeys([*self.checks, LOOP_CHECK]))
        flags = self.context.judge(row, text, names)
        loop = self._loop(flags, text)
        if loop:
            out.append(f"loop: {loop}")
        long = self._runaway(row, text)
        if long:
            out.append(f"runaway_length: {long}")
        wrong = self._script(text, self.context.languages(row)[1])
        if wrong:
            out.append(f"wrong_language: {wrong}")
        for flag in flags:
            if flag["check"] in self.checks and at_least(flag["severity"], self.min_severity):
                out.append(f"{flag['check']}: {flag['evidence']['reason']}")
        return out

    @staticmethod
    def _loop(flags: list[Any], text: str) -> str:
        for f in flags:
            if f["check"] == LOOP_CHECK and f["severity"] == "critical":
                return str(f["evidence"]["reason"])
        for m in _CHUNK_LOOP.finditer(text):
            unit = m.group(1)
            if any(c.isalpha() for c in unit):
                return f"{unit!r} repeated {len(m.group()) // len(unit)} times"
        m = _CHAR_RUN.search(text)
        if m:
            return f"{m.group(1)!r} repeated {len(m.group())} times"
        return ""

    def _runaway(self, row: dict[str, Any], text: str) -> str:
        source = row.get("source")
        if not source:
            return ""
        src, tgt = self.context.languages(row)
        sl, tl = base_language(src) or self.default_src, base_language(tgt)
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

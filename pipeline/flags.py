"""The flag record every check emits: ``{check, severity, score, evidence}``.

Evidence always has the same four keys so that column batches keep one schema (Arrow, Ray):
``start``/``end`` are offsets into the segment's ``target`` (None when the flag is about the
whole segment or about something absent), ``text`` is the exact span, ``reason`` is for people.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[Severity, ...] = ("minor", "major", "critical")


def make_flag(
    check: str,
    severity: Severity,
    score: float,
    reason: str,
    start: int | None = None,
    end: int | None = None,
    text: str = "",
) -> dict[str, Any]:
    """Build one flag; ``score`` is clamped to 0..1 and rounded for stable output."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return {
        "check": check,
        "severity": severity,
        "score": round(min(1.0, max(0.0, float(score))), 4),
        "evidence": {"start": start, "end": end, "text": text, "reason": reason},
    }


class KnownWrong(NamedTuple):
    """A known wrong rendering found at ``text[start:end]`` (what a glossary hook reports)."""

    start: int
    end: int
    wrong: str
    approved: str
    ambiguous: bool = False  # wrong only in some contexts: flag for review, do not replace
    note: str = ""
    minor: bool = False  # an understandable alternative rendering: no garble on its own

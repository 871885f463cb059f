"""Candidate choice: the one rule that says which candidate becomes a segment's output.

Stage ``score`` uses it to report the quality of the output and to say in each candidate's
``reasons`` why it was or was not chosen; stage ``decide``, which alone writes ``output`` and
``decision``, applies it. The rule:

- the *base* is the current output: the MT, or its edit by an earlier stage (glossary fix,
  keyword-tail cut, normalisation); the MT and its edits are not ranked against each other
  (an edit is a policy, not a guess);
- a *rival* is a re-translation with no guard failure: a candidate with any guard failure is
  never chosen, whatever its score; dictionary glosses are proposals for editors, never chosen;
- with quality scores (stage ``score`` ran), the best rival replaces the base only when its
  quality beats the base's by ``margin``; without scores, the first rival replaces it (every
  rival has passed the guards).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.core.schema import MT_FAMILY, Candidate

CHOSEN = "chosen"
RIVAL_ORIGINS = frozenset({"retranslation"})


@dataclass(frozen=True)
class Choice:
    """The outcome: ``pick`` (None: keep the base), the ``base`` and the best ``top`` rival."""

    base: Candidate | None
    pick: Candidate | None
    top: Candidate | None
    gain: float | None


def base_of(row: dict[str, Any], cands: Sequence[Candidate]) -> Candidate | None:
    """The candidate holding the current output (an MT-family one), else the MT's."""
    family = [c for c in cands if c["origin"] in MT_FAMILY]
    for c in family:
        if c["text"] == row["output"]:
            return c
    return family[-1] if family else None


def usable(c: Candidate) -> bool:
    """A rival that may be chosen: a re-translation with no guard failure."""
    return c["origin"] in RIVAL_ORIGINS and not c.get("guards") and bool(c["text"].strip())


def choose(row: dict[str, Any], cands: Sequence[Candidate], margin: float) -> Choice:
    """Apply the rule to one segment's candidates (see the module docstring)."""
    base = base_of(row, cands)
    rivals = [c for c in cands if usable(c)]
    if not rivals:
        return Choice(base, None, None, None)
    scored = base is not None and base["score"] is not None
    if not scored or any(c["score"] is None for c in rivals):
        return Choice(base, rivals[0], rivals[0], None)
    assert base is not None and base["score"] is not None
    top = max(rivals, key=lambda c: c["score"] or 0.0)
    gain = (top["score"] or 0.0) - base["score"]
    return Choice(base, top if gain >= margin else None, top, gain)

"""Stage ``decide``: the final ``decision`` and ``output`` of each segment (the only stage that
writes ``decision``).

Order of precedence: ``dropped`` (a flag from a drop check, e.g. a repeated headline; the repeat
is the one flagged) > ``retranslated`` (a re-translation candidate wins by the candidate rule of
``pipeline.stages.choice``: it passed every guard, and, when stage ``score`` ran, beats the
current output's quality by ``retranslation_margin``) > ``needs_review`` (garbled, nothing
fixed it) > ``fixed`` (output differs from target, and what made it garbled was repaired, e.g. a
keyword tail cut off) > ``kept``.
In ``detect`` mode nothing is rewritten: output stays the target and drops become reviews.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipeline.core.schema import at_least
from pipeline.core.stage import Batch, Stage, StageConfig, register
from pipeline.stages.choice import choose

DECISIONS = ("kept", "fixed", "retranslated", "needs_review", "dropped")


class DecideConfig(StageConfig):
    mode: Literal["clean", "detect"] = "clean"
    drop_checks: list[str] = Field(default_factory=lambda: ["duplicate", "byline"])
    drop_min_severity: Literal["minor", "major", "critical"] = "major"
    retranslation_margin: float = Field(
        0.05, ge=0.0, le=1.0, description="set from [score] retranslation_margin"
    )


@register
class Decide(Stage):
    """Pick each segment's decision and final output text."""

    name = "decide"
    Config = DecideConfig
    writes = frozenset({"decision", "output"})

    @classmethod
    def detect_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        """Detect mode: output stays the target, drops become reviews."""
        return {**options, "mode": "detect"}

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        cfg: DecideConfig = self.config  # type: ignore[assignment]
        drop = set(cfg.drop_checks)
        margin = cfg.retranslation_margin
        decisions, outputs = [], []
        residual = batch.get("residual_garbled", batch["garbled"])
        candidates = batch.get("candidates") or [[] for _ in batch["target"]]
        # Monolingual archive text may come without a source column at all.
        sources = batch.get("source") or [None for _ in batch["target"]]
        for target, source, output, flags, garbled, still, hits, cands in zip(
            batch["target"],
            sources,
            batch["output"],
            batch["flags"],
            batch["garbled"],
            residual,
            batch["glossary"],
            candidates,
            strict=True,
        ):
            drop_flag = any(
                f["check"] in drop and at_least(f["severity"], cfg.drop_min_severity) for f in flags
            )
            # Drops apply to monolingual archive text only: a bilingual unit (it has a source)
            # is a human translation, so a drop flag on it (a repeated target) is a review.
            droppable = drop_flag and not source
            # A glossary hit flagged for an editor (ambiguous variant, missing term) is a review.
            flagged = any(h["action"] == "flagged" for h in hits) or (drop_flag and bool(source))

            if cfg.mode == "detect":
                output = target
                decision = "needs_review" if garbled or droppable or flagged else "kept"

            elif droppable:
                decision, output = "dropped", ""
            elif cands and (pick := choose({"output": output}, cands, margin).pick) is not None:
                decision, output = "retranslated", pick["text"]
            elif flagged or (garbled and (still or output == target)):
                decision = "needs_review"
            elif output != target:
                decision = "fixed"
            else:
                decision = "kept"
            decisions.append(decision)
            outputs.append(output)
        out = dict(batch)
        out["decision"], out["output"] = decisions, outputs
        return out

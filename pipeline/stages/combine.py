"""Stage ``combine``: turn a segment's flags into ``garble_score`` (0..1) and ``garbled``.

Each flag contributes ``weight[check] * severity_factor[severity] * score`` as an independent
piece of evidence; the segment score is the noisy-OR ``1 - prod(1 - contribution)``, so one
critical flag can decide alone while several minor ones add up. Weights, severity factors and the
threshold live in the ``[combine]`` config table.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pipeline.core.schema import Flag
from pipeline.core.stage import Batch, Stage, StageConfig, register

DEFAULT_WEIGHTS: dict[str, float] = {
    # Repairs already applied by normalisation are not evidence of garbled translation.
    "mojibake": 0.0,
    "unicode_nfc": 0.0,
    "control_chars": 0.0,
}


# A weight or severity factor scales evidence: a negative one (a garble_score below 0), NaN or
# infinity would make the noisy-OR meaningless, so the config refuses them.
Factor = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class CombineConfig(StageConfig):
    threshold: float = Field(0.5, ge=0.0, le=1.0)
    default_weight: float = Field(1.0, ge=0.0, le=1.0)
    weights: dict[str, Factor] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    severity: dict[str, Factor] = Field(
        default_factory=lambda: {"minor": 0.35, "major": 0.75, "critical": 1.0}
    )
    # Problems a stage already repaired in ``output`` (e.g. a keyword tail cut off): they make
    # a segment garbled, but when nothing else does, the decision is ``fixed``, not a review.
    repaired_checks: list[str] = Field(
        default_factory=lambda: [
            "mojibake",
            "unicode_nfc",
            "control_chars",
            "keyword_tail",
            "glossary_known",
        ]
    )


def garble_score(
    flags: list[Flag], cfg: CombineConfig, skip: frozenset[str] = frozenset()
) -> float:
    """Noisy-OR of the weighted flag scores, rounded for stable output."""
    keep = 1.0
    for f in flags:
        if f["check"] in skip:
            continue
        w = cfg.weights.get(f["check"], cfg.default_weight)
        keep *= 1.0 - min(1.0, w * cfg.severity.get(f["severity"], 1.0) * f["score"])
    return round(1.0 - keep, 4)


@register
class Combine(Stage):
    """Score each segment from its flags and mark it garbled above the threshold."""

    name = "combine"
    Config = CombineConfig
    writes = frozenset({"garble_score", "garbled", "residual_garbled"})

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        cfg: CombineConfig = self.config  # type: ignore[assignment]
        scores = [garble_score(flags, cfg) for flags in batch["flags"]]
        out = dict(batch)
        out["garble_score"] = scores
        out["garbled"] = [s >= cfg.threshold for s in scores]
        repaired = frozenset(cfg.repaired_checks)
        out["residual_garbled"] = [
            g and garble_score(flags, cfg, repaired) >= cfg.threshold
            for g, flags in zip(out["garbled"], batch["flags"], strict=True)
        ]
        return out

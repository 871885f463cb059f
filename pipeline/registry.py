"""Import every built-in stage so each registers itself in ``STAGES`` under its name."""

from pipeline import checks
from pipeline.checks import CHECKS
from pipeline.glossary import stage as glossary_stage
from pipeline.stages import combine, decide, normalize, retranslate, score, suppress
from pipeline.stages.base import STAGES

__all__ = [
    "CHECKS",
    "STAGES",
    "checks",
    "combine",
    "decide",
    "glossary_stage",
    "normalize",
    "retranslate",
    "score",
    "suppress",
]

"""Registered stages. Importing this package registers every built-in stage and check."""

from pipeline import checks  # noqa: F401  (registers the detection checks)
from pipeline.stages import combine, decide, normalize
from pipeline.stages.base import STAGES, Batch, Stage, StageConfig, register

__all__ = ["STAGES", "Batch", "Stage", "StageConfig", "combine", "decide", "normalize", "register"]

"""The stage model (``pipeline.stages.base``) and the core stages. ``pipeline.registry``
imports every built-in stage so that all are registered by name."""

from pipeline.stages.base import STAGES, Batch, Stage, StageConfig, register

__all__ = ["STAGES", "Batch", "Stage", "StageConfig", "register"]

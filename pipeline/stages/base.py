"""The stage model: a named, registered, configurable step over column batches of segments.

A *column batch* is ``dict[str, list]``: one list per column, all the same length. That is the
shape ``datasets.Dataset.map(batched=True)`` and Ray Data ``map_batches`` hand to a function, so
the executors in ``pipeline.executor`` run the very same ``Stage.apply``.

A stage that needs document-level state (e.g. how often a line occurs in its document) declares
it with an explicit first pass: ``scan`` each batch to a partial state, ``merge`` the partials,
then ``apply`` every batch with the merged state. Nothing is kept in hidden globals, so batches
can be processed in any order, in any process.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

Batch = dict[str, list[Any]]

# Columns of a segment batch. Stages may add columns; these are always present.
COLUMNS = (
    "file",
    "record",
    "index",
    "start",
    "end",
    "doc",
    "target",
    "source",
    "src_lang",
    "tgt_lang",
    "flags",
    "garble_score",
    "garbled",
    "glossary",
    "output",
    "decision",
)


class StageConfig(BaseModel):
    """Base for a stage's options; unknown keys are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Stage(ABC):
    """One pipeline step. Subclasses set ``name`` and, if configurable, ``Config``."""

    name: ClassVar[str]
    Config: ClassVar[type[StageConfig]] = StageConfig
    # True when the stage needs the scan/merge first pass over all batches.
    needs_scan: ClassVar[bool] = False

    def __init__(self, config: StageConfig | dict[str, Any] | None = None) -> None:
        if config is None or isinstance(config, dict):
            config = self.Config(**(config or {}))
        self.config = config

    def scan(self, batch: Batch) -> Any:
        """First pass over one batch: return a partial document-level state."""
        return None

    def merge(self, parts: list[Any]) -> Any:
        """Combine the partial states of all batches into the state ``apply`` receives."""
        return None

    @abstractmethod
    def apply(self, batch: Batch, state: Any = None) -> Batch:
        """Process one batch and return it (same length); do not keep state between calls."""

    def __call__(self, batch: Batch, state: Any = None) -> Batch:
        return self.apply(batch, state)


STAGES: dict[str, type[Stage]] = {}


def register(cls: type[Stage]) -> type[Stage]:
    """Class decorator: make a stage available by its ``name`` in configs and on the CLI."""
    if cls.name in STAGES and STAGES[cls.name] is not cls:
        raise ValueError(f"stage name {cls.name!r} registered twice")
    STAGES[cls.name] = cls
    return cls


def batch_len(batch: Batch) -> int:
    """Number of rows in a column batch."""
    return len(next(iter(batch.values()))) if batch else 0


def add_flags(batch: Batch, new: list[list[dict[str, Any]]]) -> Batch:
    """Return ``batch`` with each row's new flags appended to its ``flags`` (a new list)."""
    out = dict(batch)
    out["flags"] = [
        old + extra if extra else old for old, extra in zip(batch["flags"], new, strict=True)
    ]
    return out

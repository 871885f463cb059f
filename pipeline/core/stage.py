"""The stage model: a named, registered, configurable step over column batches of segments.

A *column batch* is ``dict[str, list]``: one list per column, all the same length. That is the
shape ``datasets.Dataset.map(batched=True)`` and Ray Data ``map_batches`` hand to a function, so
every executor in ``pipeline.executor`` runs the very same ``Stage.apply``. The columns and their
types are declared once, in ``pipeline.segments``.

Lifecycle of a stage in one run:

1. ``__init__(config)``: validates the config and nothing else. It is cheap; it runs once in the
   main process and once more wherever the stage is unpickled (``__getstate__`` keeps only the
   config, so a loaded model is never pickled).
2. ``setup()``: builds what is heavy (models, automata, caches), lazily, once per worker process,
   before the first ``scan`` or ``apply`` there. Executors call ``ensure_setup()``.
3. ``scan``/``merge`` (only with ``needs_scan``): a first pass for document-level state. ``scan``
   turns each batch into a partial state; ``merge`` combines them. ``merge_shards`` is the
   streaming form the executors use: it receives ``(shard, part)`` in shard order and yields
   ``(shard, state)`` for each shard as soon as that shard's state is final, so state for a
   whole archive never sits in memory at once. By default it calls ``merge`` once.
4. ``apply(batch, state)``: process one batch; keep no state between calls.
5. ``count(key, n)``: the stats channel. Counters are summed across batches and workers and
   reported in ``summary.json`` under ``stages.<name>``; ``finish_stats`` may turn the sums into
   corpus-level figures (a value may be a number or a list of numbers, summed element-wise).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from pipeline.core.registry import STAGES, register
from pipeline.core.schema import Flag

Batch = dict[str, list[Any]]
Stats = dict[str, Any]
Row = dict[str, Any]


class StageConfig(BaseModel):
    """Base for a stage's options; unknown keys are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


C = TypeVar("C", bound=StageConfig)

# Shard id meaning "every shard" in ``merge_shards``.
ALL_SHARDS = -1


class Stage(ABC, Generic[C]):
    """One pipeline step. Subclasses set ``name`` and, if configurable, ``Config``."""

    name: ClassVar[str]
    Config: ClassVar[type[StageConfig]] = StageConfig
    # True when the stage needs the scan/merge first pass over all batches.
    needs_scan: ClassVar[bool] = False
    # Columns ``scan`` reads. A scan can run in the same pass as an earlier scan stage when no
    # stage in between writes any of these.
    scan_reads: ClassVar[frozenset[str]] = frozenset({"target", "doc", "file", "seq", "source"})
    # Columns ``apply`` may change (``flags`` for a check).
    writes: ClassVar[frozenset[str]] = frozenset({"flags"})
    # True when the stage runs a model and wants a long-lived actor (Ray) or a GPU.
    uses_model: ClassVar[bool] = False
    # Flag names this stage adds besides a check's own name (registered with the stage).
    emits: ClassVar[tuple[str, ...]] = ()

    config: C
    # Constructions per process, by stage name: one per stage and worker is the rule (tested).
    constructed: ClassVar[dict[str, int]] = {}

    def __init__(self, config: C | dict[str, Any] | None = None) -> None:
        if config is None or isinstance(config, dict):
            config = self.Config(**(config or {}))  # type: ignore[assignment]
        self.config = config  # type: ignore[assignment]
        self._ready = False
        self._stats: Stats = {}
        # The worker's ``pipeline.core.context.Context`` (typed loosely: that module imports
        # this one), set by ``bind`` before ``setup``.
        self.context: Any = None
        Stage.constructed[self.name] = Stage.constructed.get(self.name, 0) + 1

    # -- pickling: only the config travels; setup() runs again where the stage lands.
    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["config"])  # type: ignore[misc]

    # -- lifecycle
    def setup(self) -> None:
        """Build heavy resources (models, automata, caches). Called once per process."""

    def before_fork(self) -> None:
        """Load, once in the driver before local workers fork, what every worker would
        otherwise load on its own on first use (shared copy-on-write then, instead of built
        again per worker). Only for what the stage uses lazily, outside ``setup``; the default
        loads nothing."""

    def check(self) -> None:
        """Validate what ``setup`` will need (files exist, parse), cheaply, in the driver
        before any work starts, so a bad resource is one clear error and nothing is written."""

    def ensure_setup(self) -> None:
        if not self._ready:
            self.setup()
            self._ready = True

    def bind(self, context: Any) -> None:
        """Give the stage its worker's context (before ``setup``): the configured checks,
        termbase and models, shared by every stage of the worker."""
        self.context = context

    def scan(self, batch: Batch) -> Any:
        """First pass over one batch: return a partial document-level state."""
        return None

    def merge(self, parts: list[Any]) -> Any:
        """Combine the partial states of all batches into the state ``apply`` receives."""
        return None

    def merge_shards(self, parts: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
        """Streaming merge: ``(shard, part)`` in shard order in, ``(shard, state)`` out.

        The default merges everything once and yields it for ``ALL_SHARDS``.
        """
        yield ALL_SHARDS, self.merge([p for _, p in parts])

    @abstractmethod
    def apply(self, batch: Batch, state: Any = None) -> Batch:
        """Process one batch and return it (same length); do not keep state between calls."""

    def __call__(self, batch: Batch, state: Any = None) -> Batch:
        self.ensure_setup()
        return self.apply(batch, state)

    # -- stats channel
    def count(self, key: str, n: float | list[float] = 1) -> None:
        """Add ``n`` to this stage's counter ``key`` (numbers, or lists summed element-wise)."""
        old = self._stats.get(key)
        self._stats[key] = add_stat(old, n) if old is not None else n

    def take_stats(self) -> Stats:
        """The counters since the last call, and reset them."""
        out, self._stats = self._stats, {}
        return out

    def finish_stats(self, totals: Stats) -> Stats:
        """Turn the summed counters into what ``summary.json`` reports (e.g. corpus scores)."""
        return totals

    # -- detect mode
    @classmethod
    def detect_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        """This stage's options for a run that rewrites nothing (``mtclean detect``)."""
        return options


def add_stat(a: Any, b: Any) -> Any:
    """Sum two stats values: numbers add, lists add element-wise, dicts add key-wise."""
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = add_stat(out[k], v) if k in out else v
        return out
    if isinstance(a, list):
        return [x + y for x, y in zip(a, b, strict=True)]
    return a + b


def merge_stats(parts: Iterable[Stats]) -> Stats:
    total: Stats = {}
    for part in parts:
        total = add_stat(total, part) if total else dict(part)
    return total


def batch_len(batch: Batch) -> int:
    """Number of rows in a column batch."""
    return len(next(iter(batch.values()))) if batch else 0


def add_flags(batch: Batch, new: list[list[Flag]]) -> Batch:
    """Return ``batch`` with each row's new flags appended to its ``flags`` (a new list)."""
    out = dict(batch)
    out["flags"] = [
        old + extra if extra else old for old, extra in zip(batch["flags"], new, strict=True)
    ]
    return out


def rows_to_batch(rows: list[dict[str, Any]]) -> Batch:
    """Rows (dicts with the same keys) to one column batch."""
    if not rows:
        return {}
    return {k: [r[k] for r in rows] for k in rows[0]}


def batch_rows(batch: Batch) -> Iterator[dict[str, Any]]:
    """The rows of a column batch, as dicts."""
    keys = list(batch)
    for values in zip(*(batch[k] for k in keys), strict=True):
        yield dict(zip(keys, values, strict=True))


def to_batches(rows: list[dict[str, Any]], size: int) -> list[Batch]:
    """Rows to column batches of at most ``size`` rows."""
    return [rows_to_batch(rows[i : i + size]) for i in range(0, len(rows), size)]


def from_batches(batches: Iterable[Batch]) -> Iterator[dict[str, Any]]:
    """The rows of several batches, in order."""
    for b in batches:
        yield from batch_rows(b)


class SegmentCheck(Stage[Any]):
    """A check whose flags depend only on the segment's own row (target, source, langs...).

    ``columns`` names the columns ``check_row`` reads, so a batch is walked once, without
    building a dict per row for columns nobody reads. ``check_row`` is also what
    ``Context.judge`` calls on a candidate text.
    """

    columns: tuple[str, ...] = ("target",)

    @abstractmethod
    def check_row(self, row: Row) -> list[Flag]:
        """Flags for one segment (an empty list when nothing is wrong)."""

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        cols = [batch[c] for c in self.columns]
        names = self.columns
        new = [
            self.check_row(dict(zip(names, values, strict=True)))
            for values in zip(*cols, strict=True)
        ]
        return add_flags(batch, new)


__all__ = [
    "ALL_SHARDS",
    "STAGES",
    "Batch",
    "Row",
    "SegmentCheck",
    "Stage",
    "StageConfig",
    "Stats",
    "add_flags",
    "add_stat",
    "batch_len",
    "batch_rows",
    "from_batches",
    "merge_stats",
    "register",
    "rows_to_batch",
    "to_batches",
]

"""The pass driver: every pass of the plan over every shard, through one engine.

This is the one phase loop. ``mtclean run`` (``pipeline.runner``) feeds it the shards read
from the inputs; tests and benchmarks feed it ready segment rows through ``LocalExecutor``.
Either way each shard goes through ``work.run_task`` with the stages and the worker context
built once per worker, in sub-batches of ``batch_size``, with the scan parts merged between
passes and every result saved in the work folder.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.context import ContextSpec
from pipeline.core.stage import Batch, SegmentCheck, Stage, add_stat
from pipeline.executor.base import Engine, WorkDir, load, merge_pass, plan_passes
from pipeline.executor.hf_datasets import DatasetsEngine
from pipeline.executor.local import LocalEngine
from pipeline.executor.ray_engine import RayEngine
from pipeline.executor.work import ReadyRows, RunSpec, ShardIn, TaskResult, init_worker, run_task
from pipeline.glossary.matcher import matcher_for
from pipeline.mt.load import cached_translator

# A task whose completion marker exists: its result is read back, not computed again.
DONE = "done"


def make_engine(
    kind: str, workers: int, n_shards: int, ray_address: str | None = None, gpu: bool = False
) -> Engine:
    """The engine ``kind``, with no more local workers than there are shards to share."""
    workers = workers or (os.cpu_count() or 1)
    if kind == "datasets":
        return DatasetsEngine(workers)
    if kind == "ray":
        return RayEngine(workers, ray_address, gpu=gpu)
    return LocalEngine(max(1, min(workers, n_shards)))


@dataclass
class PassTotals:
    """What the passes add up to: raw stats and seconds per stage, segments per stage."""

    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: Counter[str] = field(default_factory=Counter)
    segments: Counter[str] = field(default_factory=Counter)
    merge_seconds: float = 0.0
    shards: list[int] = field(default_factory=list)


def run_passes(
    engine: Engine,
    stages: list[Stage[Any]],
    spec: RunSpec,
    first: Iterable[tuple[int, ShardIn]],
    on_result: Callable[[TaskResult], None] | None = None,
    on_pass: Callable[[int], None] | None = None,
) -> PassTotals:
    """Run every pass of ``spec`` over the shards ``first`` yields as ``(id, input)`` (ids
    0, 1, 2... in order). Completed tasks of a resumed run are read back from their markers."""
    wd = WorkDir(Path(spec.workdir))
    totals = PassTotals()

    def tasks(p: int) -> Iterator[tuple[int, int, Any]]:
        if p == 0:
            for sid, shard in first:
                totals.shards.append(sid)
                yield (0, sid, DONE if wd.done(0, sid).exists() else shard)
        else:
            for sid in totals.shards:
                yield (p, sid, DONE if wd.done(p, sid).exists() else None)

    engine.start(init_worker, (stages, spec))
    try:
        for p, plan in enumerate(spec.passes):
            if on_pass and p:
                on_pass(p)
            for res in _merge_results(engine, tasks(p), wd):
                totals.stats = add_stat(totals.stats, res.stats)
                totals.seconds.update(res.seconds)
                for i in plan.apply:
                    totals.segments[stages[i].name] += res.segments
                if on_result:
                    on_result(res)
            t0 = time.perf_counter()
            merge_pass(wd, stages, plan.scans, totals.shards)
            totals.merge_seconds += time.perf_counter() - t0
    finally:
        engine.close()
    return totals


def _merge_results(
    engine: Engine, tasks: Iterator[tuple[int, int, Any]], wd: WorkDir
) -> Iterator[TaskResult]:
    """Results in shard order: completed tasks from their markers, the rest from the engine."""
    pending_done: list[tuple[int, int]] = []

    def fresh() -> Iterator[tuple[int, int, Any]]:
        for t in tasks:
            if t[2] == DONE:
                pending_done.append((t[0], t[1]))
                continue
            yield t

    # The engine consumes ``fresh`` lazily, so markers of skipped shards are read as we go.
    for res in engine.map(run_task, fresh()):
        while pending_done and pending_done[0][1] < res.shard:
            p, sid = pending_done.pop(0)
            yield load(wd.done(p, sid))
        yield res
    for p, sid in pending_done:
        yield load(wd.done(p, sid))


def segment_check_names(stages: Sequence[Stage[Any]]) -> tuple[str, ...]:
    """The names of the segment checks among ``stages``, in order (what ``judge`` runs)."""
    return tuple(s.name for s in stages if isinstance(s, SegmentCheck))


class LocalExecutor:
    """Stages over batches of ready segment rows, through the production shard path (one batch
    = one shard, in a temporary work folder): for tests, benchmarks and programmatic use.

    ``context`` is the worker context spec (default: the stages' own segment checks, other
    options at their defaults); ``stats`` and ``timings`` hold the last run's raw stats and
    seconds per stage.
    """

    def __init__(
        self, workers: int = 1, context: ContextSpec | None = None, batch_size: int = 1000
    ) -> None:
        self.workers = workers
        self.context = context
        self.batch_size = batch_size
        self.stats: dict[str, Any] = {}
        self.timings: dict[str, float] = {}

    def run(
        self, stages: Sequence[Stage[Any]], batches: list[Batch], progress: Any = None
    ) -> list[Batch]:
        stages = list(stages)
        spec_ctx = self.context or ContextSpec(
            checks=segment_check_names(stages),
            load_matcher=matcher_for,
            load_translator=cached_translator,
        )
        passes = plan_passes(stages)
        with tempfile.TemporaryDirectory(prefix="mtclean-mem-") as tmp:
            spec = RunSpec(tmp, tuple(passes), True, self.batch_size, spec_ctx)
            engine = LocalEngine(max(1, min(self.workers, len(batches))))
            totals = run_passes(
                engine, stages, spec, ((k, ReadyRows(b)) for k, b in enumerate(batches))
            )
            wd = WorkDir(Path(tmp))
            out = [load(wd.batch(len(passes) - 1, k))[1] for k in range(len(batches))]
        self.stats = totals.stats
        self.timings = {k: v for k, v in totals.seconds.items() if k != "segment"}
        return out

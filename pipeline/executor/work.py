"""What a worker does with one shard in one pass. Every engine runs exactly this.

``init_worker`` receives the stages once per worker process (or actor) and builds the worker's
``Context`` from them (``pipeline.core.context``); ``run_task`` then handles one
``(pass, shard)``: it loads the shard's batch (or, in pass 0, segments the shard's records, or
takes the ready rows of a test or benchmark), applies the pass's stages with their merged
states in sub-batches of ``batch_size``, and either saves the batch and the scan parts for the
next pass or, in the last pass, renders the shard's outputs (a batch of ready rows is saved
for its caller instead). Its small result (counts, stats, timings) is saved as the completion
marker, so a resumed run can skip the task and still report the same figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.context import Context, ContextSpec
from pipeline.core.stage import Batch, Stage, add_stat, batch_len, rows_to_batch
from pipeline.executor.base import Pass, WorkDir, load, load_state, save
from pipeline.shards import ShardInput, ShardOutput, render_shard, shard_rows
from pipeline.writers import atomic


@dataclass(frozen=True)
class RunSpec:
    """What every worker needs besides the stages (small, picklable)."""

    workdir: str
    passes: tuple[Pass, ...]
    rewrite: bool
    batch_size: int
    context: ContextSpec = field(default_factory=ContextSpec)


@dataclass
class TaskResult:
    pass_no: int
    shard: int
    records: int
    segments: int
    stats: dict[str, dict[str, Any]]
    seconds: dict[str, float]
    output: ShardOutput | None = None


@dataclass(frozen=True)
class ReadyRows:
    """Pass-0 input of segment rows built by the caller (tests, benchmarks): no records to
    segment or render; the last pass saves the final batch for the caller to read."""

    batch: Batch

    @property
    def n_records(self) -> int:
        return 0


ShardIn = ShardInput | ReadyRows

_STAGES: list[Stage[Any]] = []
_SPEC: RunSpec | None = None
_CONTEXT: Context | None = None


def init_worker(stages: list[Stage[Any]], spec: RunSpec) -> None:
    """Keep the stages for this process and build its context (once); ``setup()`` runs
    lazily, on first use."""
    global _STAGES, _SPEC, _CONTEXT
    _STAGES, _SPEC = stages, spec
    _CONTEXT = Context(spec.context, stages)


def run_task(task: tuple[int, int, ShardIn | None]) -> TaskResult:
    """Run pass ``task[0]`` on shard ``task[1]`` (pass 0 carries the shard's input)."""
    assert _SPEC is not None, "init_worker was not called"
    p, sid, shard_in = task
    return run_shard_pass(_STAGES, _SPEC, p, sid, shard_in)


def run_shard_pass(
    stages: list[Stage[Any]], spec: RunSpec, p: int, sid: int, shard_in: ShardIn | None
) -> TaskResult:
    wd = WorkDir(Path(spec.workdir))
    plan = spec.passes[p]
    shard: ShardIn
    if p == 0:
        assert shard_in is not None
        shard = shard_in
        t0 = time.perf_counter()
        ready = isinstance(shard, ReadyRows)
        batch = shard.batch if ready else rows_to_batch(shard_rows(shard))  # type: ignore[union-attr,arg-type]
        seconds = {"segment": time.perf_counter() - t0}
    else:
        shard, batch = load(wd.batch(p - 1, sid))
        seconds = {}
    n = batch_len(batch)
    for st in stages:  # counts left by an earlier task in this process (see below)
        st.take_stats()
    stats: dict[str, dict[str, Any]] = {}
    for i in plan.apply:
        st = stages[i]
        st.ensure_setup()
        state = load_state(wd, st.name, sid) if st.needs_scan else None
        t0 = time.perf_counter()
        if n:
            batch = _apply_in_batches(st, batch, state, spec.batch_size)
        seconds[st.name] = seconds.get(st.name, 0.0) + time.perf_counter() - t0
        stats[st.name] = st.take_stats()
    for i in plan.scans:
        st = stages[i]
        st.ensure_setup()
        t0 = time.perf_counter()
        save(wd.part(st.name, sid), st.scan(batch) if n else None)
        seconds[st.name] = seconds.get(st.name, 0.0) + time.perf_counter() - t0
    # A stage also counts when another one calls it (``Context.judge`` runs the checks on a
    # re-translation candidate), possibly after its own apply: those counts belong to this
    # task too, not to whichever task this process runs next (that made them shard-dependent).
    for st in stages:
        extra = st.take_stats()
        if extra:
            stats[st.name] = add_stat(stats[st.name], extra) if st.name in stats else extra
    output = None
    last = p == len(spec.passes) - 1
    if last and isinstance(shard, ReadyRows):
        save(wd.batch(p, sid), (shard, batch))
    elif last:
        t0 = time.perf_counter()
        with atomic.atomic_open(wd.final_segments(sid), "wb", fsync=False) as fh:
            output = render_shard(shard, batch, spec.rewrite, fh)
        seconds["render"] = time.perf_counter() - t0
    else:
        save(wd.batch(p, sid), (shard, batch))
    result = TaskResult(p, sid, shard.n_records, n, stats, seconds, output)
    save(wd.done(p, sid), result)
    if p > 0:
        wd.batch(p - 1, sid).unlink(missing_ok=True)  # consumed; keeps the work folder small
    return result


def _apply_in_batches(st: Stage[Any], batch: Batch, state: Any, size: int) -> Batch:
    n = batch_len(batch)
    if n <= size:
        return st.apply(batch, state)
    parts = [
        st.apply({k: v[i : i + size] for k, v in batch.items()}, state) for i in range(0, n, size)
    ]
    return {k: [x for part in parts for x in part[k]] for k in parts[0]}

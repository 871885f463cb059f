"""The executor protocol: one phase loop (scan, merge, apply, stats) for every engine.

A run is split into *shards* (a few hundred records of one file, in order). The stages are
planned into *passes*: a pass applies a chain of stages to every shard and ends by scanning
for the next stages that need document-level state. Between passes the partial states are
merged in shard order by each stage's ``merge_shards`` (streaming, so state for the whole
archive never sits in memory) and saved per shard.

Every shard's result of every pass is written to the run's work folder (the batch for the next
pass, scan parts, stats) with a completion marker written last, as datatrove does. A resumed
run skips what is marked complete, so after a crash it continues where it stopped.

Engines differ only in how they run ``work.run_task`` over many shards: in this process, on a
local process pool, through ``datasets.Dataset.map`` or on Ray. Each receives the stages once
(``start``) and gives results back in shard order (``map``).
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.stages.base import ALL_SHARDS, Stage
from pipeline.writers import atomic


@dataclass(frozen=True)
class Pass:
    """Stages applied in one pass (indices into the stage list) and stages scanned after it."""

    apply: tuple[int, ...]
    scans: tuple[int, ...]


def plan_passes(stages: Sequence[Stage[Any]]) -> list[Pass]:
    """Group stages into as few passes as their scans allow.

    A stage with ``needs_scan`` needs the merged state of a scan over every shard before its
    ``apply``, so it starts a new pass; its scan runs at the end of the pass before. A later
    scan stage joins that same scan when no stage in between writes a column its scan reads
    (the document checks only add flags, so they share one scan).
    """
    passes: list[Pass] = []
    current: list[int] = []
    i, n = 0, len(stages)
    while i < n:
        if not stages[i].needs_scan:
            current.append(i)
            i += 1
            continue
        scans = [i]
        writes = set(stages[i].writes)
        k = i + 1
        while k < n:
            if stages[k].needs_scan:
                if "*" in writes or writes & stages[k].scan_reads:
                    break
                scans.append(k)
            writes |= set(stages[k].writes)
            k += 1
        passes.append(Pass(tuple(current), tuple(scans)))
        current = list(range(i, k))
        i = k
    passes.append(Pass(tuple(current), ()))
    return passes


# -- per-shard files of the work folder --------------------------------------------------------


@dataclass
class WorkDir:
    """The resumable state of a run: one folder, files written atomically, markers last."""

    root: Path

    def batch(self, p: int, shard: int) -> Path:
        return self.root / f"pass{p}" / f"{shard:07d}.pkl"

    def done(self, p: int, shard: int) -> Path:
        return self.root / f"pass{p}" / f"{shard:07d}.done"

    def part(self, stage: str, shard: int) -> Path:
        return self.root / "parts" / stage / f"{shard:07d}.pkl"

    def state(self, stage: str, shard: int) -> Path:
        name = "all" if shard == ALL_SHARDS else f"{shard:07d}"
        return self.root / "state" / stage / f"{name}.pkl"

    def merged(self, stage: str) -> Path:
        return self.root / "state" / stage / "complete"

    def final_segments(self, shard: int) -> Path:
        return self.root / "final" / f"{shard:07d}.segments.jsonl"


def save(path: Path, obj: Any) -> None:
    with atomic.atomic_open(path, "wb", fsync=False) as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def load_state(wd: WorkDir, stage: str, shard: int) -> Any:
    own = wd.state(stage, shard)
    if own.exists():
        return load(own)
    every = wd.state(stage, ALL_SHARDS)
    return load(every) if every.exists() else None


def merge_pass(
    wd: WorkDir, stages: Sequence[Stage[Any]], scans: Iterable[int], shards: Sequence[int]
) -> None:
    """Merge the scan parts of a finished pass, stage by stage, shard by shard."""
    for i in scans:
        st = stages[i]
        if wd.merged(st.name).exists():
            continue
        parts = ((s, load(wd.part(st.name, s))) for s in shards)
        written: set[int] = set()
        for shard, state in st.merge_shards(parts):
            save(wd.state(st.name, shard), state)
            written.add(shard)
        for s in shards:  # a shard the merge had nothing for gets an explicit empty state
            if ALL_SHARDS not in written and s not in written:
                save(wd.state(st.name, s), None)
        atomic.write_text(wd.merged(st.name), "ok\n")


# -- engines -----------------------------------------------------------------------------------


class Engine(Protocol):
    """How shard tasks run: in order, with the stages shipped to each worker once."""

    name: str
    workers: int

    def start(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
        """Call ``init(*init_args)`` once in every worker (and build nothing else)."""

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """``fn(task)`` for every task, results in task order; tasks are consumed lazily."""

    def close(self) -> None: ...


# -- in memory ---------------------------------------------------------------------------------

_MEM_STAGES: list[Stage[Any]] = []


def _init_memory(stages: list[Stage[Any]]) -> None:
    global _MEM_STAGES
    _MEM_STAGES = stages


def _memory_task(task: tuple[tuple[int, ...], tuple[int, ...], Any, dict[int, Any]]) -> Any:
    apply, scans, batch, states = task
    seconds: dict[int, float] = {}
    for i in apply:
        st = _MEM_STAGES[i]
        st.ensure_setup()
        t0 = time.perf_counter()
        batch = st.apply(batch, states.get(i))
        seconds[i] = time.perf_counter() - t0
    parts = {}
    for i in scans:
        _MEM_STAGES[i].ensure_setup()
        t0 = time.perf_counter()
        parts[i] = _MEM_STAGES[i].scan(batch)
        seconds[i] = seconds.get(i, 0.0) + time.perf_counter() - t0
    return batch, parts, {i: _MEM_STAGES[i].take_stats() for i in apply}, seconds


def run_in_memory(
    stages: Sequence[Stage[Any]],
    batches: list[Any],
    workers: int = 1,
    timings: dict[str, float] | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """The same phase loop over batches held in memory (one batch = one shard): for tests,
    benchmarks of the stages alone, and small programmatic uses. Returns the batches and the
    summed stats per stage; ``timings`` (when given) receives seconds per stage."""
    from pipeline.executor.local import LocalEngine
    from pipeline.stages.base import add_stat

    engine = LocalEngine(workers)
    engine.start(_init_memory, (list(stages),))
    stats: dict[str, Any] = {}
    try:
        states: dict[int, dict[int, Any]] = {}
        for plan in plan_passes(stages):
            tasks = (
                (plan.apply, plan.scans, b, {i: _state_for(states.get(i), k) for i in plan.apply})
                for k, b in enumerate(batches)
            )
            new_batches, parts_by_stage = [], {i: [] for i in plan.scans}
            for k, (b, parts, st_stats, secs) in enumerate(engine.map(_memory_task, tasks)):
                new_batches.append(b)
                if timings is not None:
                    for i, t in secs.items():
                        timings[stages[i].name] = timings.get(stages[i].name, 0.0) + t
                for i, part in parts.items():
                    parts_by_stage[i].append((k, part))
                stats = add_stat(stats, {stages[i].name: s for i, s in st_stats.items()})
            batches = new_batches
            for i in plan.scans:
                states[i] = dict(stages[i].merge_shards(iter(parts_by_stage[i])))
    finally:
        engine.close()
    return batches, stats


def _state_for(states: dict[int, Any] | None, shard: int) -> Any:
    if not states:
        return None
    return states[shard] if shard in states else states.get(ALL_SHARDS)


class LocalExecutor:
    """Stages over in-memory batches (``run_in_memory``); kept for tests and benchmarks."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.stats: dict[str, Any] = {}
        self.timings: dict[str, float] = {}

    def run(
        self, stages: Sequence[Stage[Any]], batches: list[Any], progress: Any = None
    ) -> list[Any]:
        self.timings = {}
        out, self.stats = run_in_memory(stages, batches, self.workers, self.timings)
        return out

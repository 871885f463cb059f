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
(``start``) and gives results back in shard order (``map``). ``pipeline.executor.driver`` runs
the passes; real runs, tests and benchmarks all go through it (there is no second loop).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.core.stage import ALL_SHARDS, Stage
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

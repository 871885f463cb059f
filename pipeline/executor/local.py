"""Run stages on this machine, in-process or on all local cores.

Consecutive stages without a first pass are fused into one chain per batch, so a worker process
receives each batch once per phase rather than once per stage. A stage with ``needs_scan``
starts a new phase: every batch is scanned, the partial states merged, and the merged state is
handed to that stage's ``apply`` for every batch.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from pipeline.stages.base import Batch, Stage, batch_len

Chain = list[tuple[Stage, Any]]


def _apply_chain(chain: Chain, batch: Batch) -> tuple[Batch, list[float]]:
    times = []
    for stage, state in chain:
        t0 = time.perf_counter()
        batch = stage.apply(batch, state)
        times.append(time.perf_counter() - t0)
    return batch, times


def _scan(stage: Stage, batch: Batch) -> Any:
    return stage.scan(batch)


class LocalExecutor:
    """Run a pipeline of stages over batches; ``workers=0`` means one per local core."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.timings: dict[str, float] = {}

    def phases(self, stages: Sequence[Stage]) -> int:
        """How many passes over the data ``run`` makes (for progress totals)."""
        passes, open_chain = 0, False
        for stage in stages:
            if stage.needs_scan and open_chain:
                passes += 1
            open_chain = True
        return passes + (1 if open_chain else 0)

    def run(
        self,
        stages: Sequence[Stage],
        batches: list[Batch],
        progress: Callable[[int], None] | None = None,
    ) -> list[Batch]:
        """Apply ``stages`` in order to every batch and return the processed batches."""
        self.timings = {s.name: 0.0 for s in stages}
        pool: Executor | None = None
        if self.workers > 1 and len(batches) > 1:
            pool = ProcessPoolExecutor(
                max_workers=min(self.workers, len(batches)),
                mp_context=multiprocessing.get_context("spawn"),
            )
        try:
            chain: Chain = []
            for stage in stages:
                if stage.needs_scan:
                    batches = self._flush(pool, chain, batches, progress)
                    t0 = time.perf_counter()
                    parts = self._map(pool, _scan, [(stage, b) for b in batches])
                    chain = [(stage, stage.merge(parts))]
                    self.timings[stage.name] += time.perf_counter() - t0
                else:
                    chain.append((stage, None))
            return self._flush(pool, chain, batches, progress)
        finally:
            if pool is not None:
                pool.shutdown()

    def _flush(
        self,
        pool: Executor | None,
        chain: Chain,
        batches: list[Batch],
        progress: Callable[[int], None] | None,
    ) -> list[Batch]:
        if not chain:
            return batches
        out: list[Batch] = []
        if pool is None:
            results = (_apply_chain(chain, b) for b in batches)
        else:
            results = pool.map(_apply_chain, [chain] * len(batches), batches)
        for batch, times in results:
            for (stage, _), t in zip(chain, times, strict=True):
                self.timings[stage.name] += t
            out.append(batch)
            if progress:
                progress(batch_len(batch))
        return out

    @staticmethod
    def _map(
        pool: Executor | None, fn: Callable[..., Any], args: list[tuple[Any, ...]]
    ) -> list[Any]:
        if pool is None:
            return [fn(*a) for a in args]
        return list(pool.map(fn, *zip(*args, strict=True)))

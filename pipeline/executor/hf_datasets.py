"""Engine ``datasets``: shard tasks run through ``datasets.Dataset.map(batched=True, num_proc=N)``.

Tasks and results travel as pickled bytes in a binary column (a shard's records are not a flat
Arrow table). Tasks are fed in windows of a few per worker, so the archive is never held at once.
Each worker process builds the stages once from the pickled blob and reuses them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from pipeline.executor import work

_CACHE: dict[str, bool] = {}


def _run_batch(batch: dict[str, list[Any]], blob: bytes) -> dict[str, list[Any]]:
    key = hashlib.sha1(blob).hexdigest()
    if key not in _CACHE:  # once per worker process (and per run)
        init, init_args = pickle.loads(blob)
        init(*init_args)
        _CACHE.clear()
        _CACHE[key] = True
    return {"result": [pickle.dumps(work.run_task(pickle.loads(t))) for t in batch["task"]]}


class DatasetsEngine:
    name = "datasets"

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.blob = b""

    def start(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
        self.blob = pickle.dumps((init, init_args))

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Runs ``work.run_task`` (the only task function) over ``tasks``."""
        import datasets

        assert fn is work.run_task

        datasets.disable_progress_bars()
        it = iter(tasks)
        window = 4 * self.workers
        while chunk := list(islice(it, window)):
            ds = datasets.Dataset.from_dict({"task": [pickle.dumps(t) for t in chunk]})
            out = ds.map(
                _run_batch,
                batched=True,
                batch_size=1,
                num_proc=min(self.workers, len(chunk)) if self.workers > 1 else None,
                fn_kwargs={"blob": self.blob},
                remove_columns=["task"],
                load_from_cache_file=False,
                keep_in_memory=True,
            )
            for r in out["result"]:
                yield pickle.loads(r)

    def close(self) -> None:
        _CACHE.clear()

"""Engine ``local``: this process (one worker) or a pool of local processes (all cores).

The pool receives the stages once, in each worker's initializer; tasks carry only a shard.
At most two tasks per worker are in flight, so reading never runs far ahead of the work.

Where the platform forks (Linux) and no stage runs a model, the stages are set up here, once,
before the pool forks: every worker inherits the built dictionaries and profiles (wordfreq,
langdetect, CC-CEDICT) copy-on-write instead of importing and building them again. A run whose
stages load a model (a ``model`` set in a stage's config) spawns fresh workers, since a forked
torch/OpenMP runtime can hang.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


class LocalEngine:
    name = "local"

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def start(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
        if self.workers <= 1:
            init(*init_args)
            return
        method = "fork" if _can_fork(init_args) else "spawn"
        if method == "fork":
            init(*init_args)
            for st in _stages_of(init_args):
                st.ensure_setup()
            gc.freeze()  # the collector leaves the shared objects alone: fewer pages copied
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(method),
            initializer=init,
            initargs=init_args,
        )

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        if self.pool is None:
            for t in tasks:
                yield fn(t)
            return
        window: deque[Future[Any]] = deque()
        for t in tasks:
            window.append(self.pool.submit(fn, t))
            if len(window) >= 2 * self.workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _stages_of(init_args: tuple[Any, ...]) -> list[Any]:
    """The stage list among the initializer's arguments (every engine passes one first)."""
    first = init_args[0] if init_args else None
    return list(first) if isinstance(first, list) else []


def _can_fork(init_args: tuple[Any, ...]) -> bool:
    if os.environ.get("MTCLEAN_START_METHOD") == "spawn":
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    # A model stage without a model configured (the default re-translation) loads nothing.
    return not any(getattr(st.config, "model", "") for st in _stages_of(init_args))

"""Engine ``local``: this process (one worker) or a pool of local processes (all cores).

The pool receives the stages once, in each worker's initializer; tasks carry only a shard.
At most two tasks per worker are in flight, so reading never runs far ahead of the work.
"""

from __future__ import annotations

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
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
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

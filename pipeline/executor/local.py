"""Engine ``local``: this process (one worker) or a pool of local processes (all cores).

The pool receives the stages once, in each worker's initializer; tasks carry only a shard.
At most two tasks per worker are in flight, so reading never runs far ahead of the work.

Where the platform forks (Linux) and no stage runs a model, the stages are set up here, once,
before the pool forks: every worker inherits the built dictionaries and profiles (wordfreq,
langdetect, CC-CEDICT) copy-on-write instead of importing and building them again; what a
stage would load lazily on first use it loads here in ``before_fork``. A run whose
stages load a model (a ``model`` set in a stage's config) spawns fresh workers, since a forked
torch/OpenMP runtime can hang.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pipeline.errors import MtcleanError

_PR_SET_PDEATHSIG = 1


class WorkerDied(MtcleanError):
    """A worker process was killed (the OOM killer, a kill -9): the run stops, resumable."""


def _worker_start(parent: int, init: Callable[..., None], *args: Any) -> None:
    """First thing in a worker: die with the driver, leave Ctrl-C to it, then ``init``.

    PR_SET_PDEATHSIG makes the kernel kill the worker when the driver dies, however it dies
    (kill -9 included), so no orphan keeps writing into the work folder or holds the output
    pipe open. Ctrl-C reaches the whole process group: only the driver handles it."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the driver died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Blocked since the spawn (see ``_submit``): a Ctrl-C pending here is now discarded.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    init(*args)


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
                st.before_fork()
            gc.freeze()  # the collector leaves the shared objects alone: fewer pages copied
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_worker_start,
            initargs=(os.getpid(), init, *init_args),
        )

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        if self.pool is None:
            for t in tasks:
                yield fn(t)
            return
        window: deque[Future[Any]] = deque()
        try:
            for t in tasks:
                window.append(self._submit(fn, t))
                if len(window) >= 2 * self.workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BrokenProcessPool:
            raise WorkerDied(
                "a worker process died (killed, perhaps out of memory); the work done so far "
                "is kept: run the same command with --resume (and fewer --workers)"
            ) from None

    def _submit(self, fn: Callable[[Any], Any], task: Any) -> Future[Any]:
        """Submit (the pool starts a worker on a submit): SIGINT is blocked meanwhile, so a
        worker starts with it blocked and never turns Ctrl-C into a traceback while it
        imports; the driver receives a Ctrl-C that came meanwhile when it is unblocked."""
        assert self.pool is not None
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self.pool.submit(fn, task)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

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

"""Engine ``ray``: shard tasks on Ray actors, one copy of the stages per actor.

Each actor receives the stages once and keeps them, so a stage's ``setup()`` (a model load)
runs once per actor, not per task. Actors ask for a GPU (``num_gpus=1``) when a stage uses a
model and Ray sees a GPU. Tasks are submitted a few per actor at a time and results come back in
shard order through ``ActorPool.get_next``. Without ``address`` a local Ray starts with
``workers`` CPUs; ``address="auto"`` or ``"ray://HOST:10001"`` joins a running cluster, whose
nodes must see the input files and the ``--out`` folder at the same paths (shared storage).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pipeline.errors import UsageError


class RayEngine:
    name = "ray"

    def __init__(self, workers: int = 1, address: str | None = None, gpu: bool = False) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.address = address
        self.gpu = gpu
        self.pool: Any = None
        self.started_ray = False

    def start(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
        try:
            import ray
            from ray.util import ActorPool
        except ImportError:  # pragma: no cover
            raise UsageError(
                "--engine ray needs the 'ray' package (pip install 'ray[data]')"
            ) from None
        if not ray.is_initialized():
            try:
                if self.address:
                    ray.init(address=self.address, log_to_driver=False)
                else:
                    ray.init(
                        num_cpus=self.workers,
                        include_dashboard=False,
                        log_to_driver=False,
                        configure_logging=False,
                    )
            except (ConnectionError, RuntimeError, ValueError) as err:
                where = self.address or "a local Ray"
                raise UsageError(f"cannot start or join {where}: {err}") from None
            self.started_ray = True
        gpus = 1 if self.gpu and ray.cluster_resources().get("GPU", 0) >= 1 else 0

        @ray.remote(num_cpus=1, num_gpus=gpus)
        class ShardActor:  # pragma: no cover - runs inside Ray workers
            def __init__(self, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
                init(*init_args)

            def run(self, fn: Callable[[Any], Any], task: Any) -> Any:
                return fn(task)

        actors = [ShardActor.remote(init, init_args) for _ in range(self.workers)]
        self.pool = ActorPool(actors)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        assert self.pool is not None
        inflight: deque[None] = deque()
        for t in tasks:
            self.pool.submit(lambda a, v: a.run.remote(fn, v), t)
            inflight.append(None)
            if len(inflight) >= 2 * self.workers:
                inflight.popleft()
                yield self.pool.get_next()
        while inflight:
            inflight.popleft()
            yield self.pool.get_next()

    def close(self) -> None:
        self.pool = None
        if self.started_ray:
            import ray

            ray.shutdown()
            self.started_ray = False

"""The local engine's fork path: what a stage loads in ``before_fork`` is loaded once, in the
driver, and the forked workers inherit it instead of loading it again."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, ClassVar

import pytest

from pipeline.core.stage import Batch, Stage
from pipeline.executor.local import LocalEngine

# What ``LazyStage.before_fork`` loaded, and in which process.
_LOADED: dict[str, int] = {}


class LazyStage(Stage[Any]):
    name: ClassVar[str] = "lazy_for_test"

    def before_fork(self) -> None:
        _LOADED.setdefault("profiles", os.getpid())

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        return batch


def _init(stages: list[Stage[Any]]) -> None:
    """The workers' initializer: nothing to do here."""


def _where(_: int) -> tuple[int, int | None]:
    return os.getpid(), _LOADED.get("profiles")


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_workers_inherit_what_before_fork_loaded_in_the_driver(monkeypatch):
    monkeypatch.delenv("MTCLEAN_START_METHOD", raising=False)
    _LOADED.clear()
    engine = LocalEngine(workers=2)
    engine.start(_init, ([LazyStage()],))
    try:
        seen = list(engine.map(_where, range(4)))
    finally:
        engine.close()
    driver = os.getpid()
    assert dict(_LOADED) == {"profiles": driver}
    assert all(pid != driver for pid, _ in seen)  # the tasks ran in the workers
    assert [loaded for _, loaded in seen] == [driver] * 4  # loaded there by the driver


def test_one_worker_loads_nothing_ahead(monkeypatch):
    """With one worker nothing forks: a lazy resource stays lazy (a run that never needs it
    never pays for it)."""
    _LOADED.clear()
    engine = LocalEngine(workers=1)
    engine.start(_init, ([LazyStage()],))
    assert list(engine.map(_where, range(2))) == [(os.getpid(), None)] * 2
    engine.close()
    assert not _LOADED

"""Tests that kill the mutants of ``pipeline/executor/driver.py`` the suite let through
(issue 21, ``make mutate``): which engine ``make_engine`` builds and with how many workers."""

from __future__ import annotations

import pytest

from pipeline.executor import driver
from pipeline.executor.driver import LocalExecutor
from pipeline.executor.hf_datasets import DatasetsEngine
from pipeline.executor.local import LocalEngine
from pipeline.executor.ray_engine import RayEngine


@pytest.mark.parametrize(
    ("workers", "cpus", "shards", "want"),
    [
        (0, 4, 10, 4),  # 0: one per core
        (0, 4, 2, 2),  # never more than the shards to share
        (0, None, 10, 1),  # the core count unknown: one
        (3, 4, 10, 3),  # as asked
        (3, 4, 0, 1),  # at least one
    ],
)
def test_local_workers(monkeypatch, workers, cpus, shards, want):
    monkeypatch.setattr(driver.os, "cpu_count", lambda: cpus)
    engine = driver.make_engine("local", workers, shards)
    assert isinstance(engine, LocalEngine)
    assert engine.workers == want


def test_the_datasets_engine_is_built_by_name(monkeypatch):
    monkeypatch.setattr(driver.os, "cpu_count", lambda: 4)
    assert isinstance(driver.make_engine("datasets", 2, 10), DatasetsEngine)
    assert not isinstance(driver.make_engine("local", 2, 10), DatasetsEngine)


def test_the_ray_engine_is_built_by_name_with_its_address_and_gpu():
    engine = driver.make_engine("ray", 2, 10, "ray://head:10001", gpu=True)
    assert isinstance(engine, RayEngine)
    assert (engine.workers, engine.address, engine.gpu) == (2, "ray://head:10001", True)
    assert not isinstance(driver.make_engine("local", 2, 10), RayEngine)


def test_local_executor_returns_every_batch_and_times_the_stages_not_segmenting():
    from pipeline.config import Config
    from pipeline.executor.driver import segment_check_names
    from pipeline.stages.base import from_batches, to_batches
    from tests.stages.test_stage_model import sample_rows

    rows = sample_rows()
    stages = Config().build_stages(["normalize", "length_ratio", "duplicate", "combine"])
    # the segment checks among the stages, in order (what ``judge`` runs)
    assert segment_check_names(stages) == ("length_ratio",)
    ex = LocalExecutor()
    out = ex.run(stages, to_batches(rows, 5))
    assert len(out) == -(-len(rows) // 5)  # one output batch per input batch
    got = list(from_batches(out))
    assert [(r["record"], r["index"]) for r in got] == [(r["record"], r["index"]) for r in rows]
    # the duplicate scan ran: its flag field exists on every row
    assert all("flags" in r for r in got)
    assert set(ex.timings) == {"normalize", "length_ratio", "duplicate", "combine"}
    assert ex.run(stages, []) == []

"""Tests that kill the mutants of ``pipeline/executor/work.py`` the suite let through (issue 21,
``make mutate``): the per-stage seconds a task reports. No test here times anything: they check
invariants of the reported figures (never negative; the stages, run one after another in this
process, cannot take longer than the whole run), not speeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.executor.work import ReadyRows
from pipeline.runner import RunOptions, run
from tests.test_multishard import CORPUS, cfg


@pytest.fixture
def summary(tmp_path: Path) -> dict:
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    # four shards of three records, batches of two: every stage runs four times
    return run([str(src)], str(tmp_path / "o"), cfg(3, 2), RunOptions()).summary


def test_stage_seconds_are_measured_not_invented(summary):
    timings = summary["timings"]
    stages = summary["stage_stats"]
    secs = [entry["seconds"] for entry in stages.values()]
    assert all(s >= 0 for s in secs)
    # workers = 1: segmenting, the stages and rendering run in turn inside the run's own wall
    # time (a stage's seconds started at 1.0 instead of 0.0 would add 4 x 30 s)
    assert sum(secs) + timings["segment"] + timings["render"] <= timings["total"]
    # segmenting and rendering twelve records is work: their clocks are kept (> 0 after
    # rounding to 0.1 ms means at least 50 microseconds)
    assert timings["segment"] > 0
    assert timings["render"] > 0
    # the scan-only stages (duplicate, inconsistency) time their scans too
    assert stages["duplicate"]["seconds"] > 0


def test_ready_rows_count_no_records():
    assert ReadyRows(batch={}).n_records == 0

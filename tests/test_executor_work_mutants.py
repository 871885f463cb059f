"""Tests that kill the mutants of ``pipeline/executor/work.py`` the suite let through (issue 21,
``make mutate``): the per-stage seconds a task reports. No test here times anything: they check
invariants of the reported figures (never negative; the stages, run one after another in this
process, cannot take longer than the whole run), not speeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.executor import work
from pipeline.executor.work import ReadyRows
from pipeline.runner import RunOptions, run
from tests.test_multishard import CORPUS, _interrupted, cfg


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
    # every figure of time is a duration: never negative (merging the scans included)
    assert all(v >= 0 for v in timings.values())
    assert timings["merge"] <= timings["total"]  # merging the scans is part of the run
    # every stage applied to 24 segments in a positive time: a positive rate (None only when
    # a stage took no measurable time at all)
    rates = [entry["segments_per_s"] for entry in stages.values()]
    assert all(r is None or r > 0 for r in rates)


def test_ready_rows_count_no_records():
    assert ReadyRows(batch={}).n_records == 0


def test_run_task_needs_init_worker(monkeypatch):
    monkeypatch.setattr(work, "_SPEC", None)
    with pytest.raises(AssertionError, match=r"^init_worker was not called$"):
        work.run_task((0, 0, None))


def test_each_pass_consumes_the_batches_of_the_one_before(tmp_path):
    """A run stopped after its last task, before assembly: the work folder holds the rendered
    shards and the completion markers, and no batch of any pass (pass p deletes pass p - 1's
    once it has read it; the last pass renders instead of saving one)."""
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    out, passes = _interrupted(tmp_path, src)
    assert passes >= 2  # the duplicate check scans the whole run before its apply pass
    root = out / ".mtclean"
    assert sorted(p.name for p in root.rglob("final/*.segments.jsonl")) == [
        f"{s:07d}.segments.jsonl" for s in range(4)
    ]
    assert len(list(root.rglob("pass*/*.done"))) == 4 * passes
    assert list(root.rglob("pass*/*.pkl")) == []

"""Counts a stage makes when another stage calls it (as ``Context.judge`` runs the checks on a
re-translation candidate) belong to the task, added to the stage's own counts (issue 21,
``executor/work.py`` mutant #19: only with a re-translation model in the real pipeline)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.executor.driver import LocalExecutor
from pipeline.stages.base import STAGES, Batch, Stage, StageConfig, register

JUDGED: list[Stage[Any]] = []  # the judged stage of this process, found by the judge


class Judged(Stage[StageConfig]):
    """Counts one ``own`` per row it applies to."""

    name = "test_judged"

    def setup(self) -> None:
        JUDGED.append(self)

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        self.count("own", len(batch["target"]))
        return batch


class Judge(Stage[StageConfig]):
    """Runs after ``test_judged`` and calls it once per row, as a re-translation judge would."""

    name = "test_judge"

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        for _ in batch["target"]:
            JUDGED[-1].count("judged")
        return batch


@pytest.fixture
def registered() -> Iterator[None]:
    """The two test stages, registered for this test only (error messages list every stage)."""
    register(Judged)
    register(Judge)
    yield
    STAGES.pop(Judged.name, None)
    STAGES.pop(Judge.name, None)


def test_counts_made_through_another_stage_add_to_the_stage_own(registered):
    rows = [{"target": t, "doc": "d"} for t in ("a", "b", "c")]
    ex = LocalExecutor(1)
    ex.run(
        [Judged(StageConfig()), Judge(StageConfig())], [{k: [r[k] for r in rows] for k in rows[0]}]
    )
    assert ex.stats["test_judged"] == {"own": 3, "judged": 3}

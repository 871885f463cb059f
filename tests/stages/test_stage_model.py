"""The stage model: lifecycle, pass planning, scan/merge, stats, and the phase loop on batches."""

from __future__ import annotations

import pickle
from typing import Any, ClassVar

from pipeline.config import Config
from pipeline.executor.base import plan_passes
from pipeline.executor.driver import LocalExecutor
from pipeline.readers import Limits
from pipeline.shards import read_shards, shard_rows
from pipeline.stages.base import (
    STAGES,
    Batch,
    Stage,
    StageConfig,
    add_stat,
    from_batches,
    register,
    to_batches,
)
from tests.conftest import ROOT


def sample_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    paths = [str(p) for p in sorted((ROOT / "samples").iterdir()) if p.suffix in (".txt", ".jsonl")]
    for sh in read_shards(paths, 1000, Limits(), None, "en"):
        rows += shard_rows(sh)
    return rows


@register
class CountPerDoc(Stage[StageConfig]):
    """Test stage with a first pass: how many segments each document has."""

    name = "test_count_per_doc"
    needs_scan = True
    writes = frozenset({"doc_segments"})

    def scan(self, batch: Batch) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in batch["doc"]:
            counts[d] = counts.get(d, 0) + 1
        return counts

    def merge(self, parts: list[dict[str, int]]) -> dict[str, int]:
        total: dict[str, int] = {}
        for p in parts:
            for k, v in p.items():
                total[k] = total.get(k, 0) + v
        return total

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        out = dict(batch)
        out["doc_segments"] = [state[d] for d in batch["doc"]]
        self.count("rows", len(batch["doc"]))
        return out


class SetupConfig(StageConfig):
    tag: str = "x"


SETUP_CALLS: list[str] = []


@register
class CountsSetup(Stage[SetupConfig]):
    """Test stage recording how often setup() runs."""

    name = "test_counts_setup"
    Config = SetupConfig
    writes: ClassVar[frozenset[str]] = frozenset({"flags"})

    def setup(self) -> None:
        SETUP_CALLS.append(self.config.tag)
        self.resource = object()  # something that must never be pickled

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        assert self.resource is not None
        return batch


def test_registry_knows_builtin_stages():
    assert {"normalize", "combine", "decide"} <= set(STAGES)


def test_first_pass_sees_every_batch():
    rows = sample_rows()
    stages = Config().build_stages(["normalize", "test_count_per_doc", "combine", "decide"])
    ex = LocalExecutor()
    out = list(from_batches(ex.run(stages, to_batches(rows, 3))))
    expected: dict[str, int] = {}
    for r in rows:
        expected[r["doc"]] = expected.get(r["doc"], 0) + 1
    assert [r["doc_segments"] for r in out] == [expected[r["doc"]] for r in rows]
    assert ex.stats["test_count_per_doc"] == {"rows": len(rows)}  # the stats channel


def test_setup_runs_once_per_process_and_only_config_is_pickled():
    SETUP_CALLS.clear()
    stage = CountsSetup({"tag": "t"})
    assert SETUP_CALLS == []  # building a stage is cheap: no setup
    rows = sample_rows()
    LocalExecutor().run([stage], to_batches(rows, 2))
    assert SETUP_CALLS == ["t"]  # many batches, one setup
    clone = pickle.loads(pickle.dumps(stage))
    assert clone.config.tag == "t" and not hasattr(clone, "resource")


def test_config_is_validated_without_building_stages():
    SETUP_CALLS.clear()
    cfg = Config(run={"stages": ["test_counts_setup"]}, stage_options={"test_counts_setup": {}})
    cfg.validate_stages()
    assert SETUP_CALLS == []


def test_plan_puts_document_checks_in_one_scan():
    stages = Config().build_stages()
    passes = plan_passes(stages)
    names = [[stages[i].name for i in p.scans] for p in passes]
    # every document check (tm_consistency's translation_inconsistency included) and score
    # share the one scan; suppress and the rest only apply, so no extra pass
    assert names == [["duplicate", "inconsistency", "translation_inconsistency", "score"], []]
    applied = [stages[i].name for p in passes for i in p.apply]
    assert applied == [s.name for s in stages]  # every stage applied once, in order


def test_plan_splits_when_a_stage_writes_what_a_scan_reads():
    @register
    class WritesTarget(Stage[StageConfig]):
        name = "test_writes_target"
        writes = frozenset({"target"})

        def apply(self, batch: Batch, state: Any = None) -> Batch:
            return batch

    stages = Config().build_stages(["duplicate", "test_writes_target", "inconsistency", "combine"])
    passes = plan_passes(stages)
    assert [list(p.scans) for p in passes] == [[0], [2], []]


def test_worker_processes_give_the_same_result():
    rows = sample_rows()
    shipped = str(ROOT / "glossary" / "xinjiang-aid.tsv")
    cfg = Config(stage_options={"glossary": {"termbases": [shipped]}})
    stages = cfg.build_stages()
    one = list(from_batches(LocalExecutor(1).run(stages, to_batches(rows, 4))))
    two = list(from_batches(LocalExecutor(2).run(stages, to_batches(rows, 4))))
    assert one == two and len(one) == len(rows)
    assert any(r["glossary"] for r in one) and any(r["flags"] for r in one)
    # the one termbases setting reached the glossary_known check too
    assert any(f["check"] == "glossary_known" for r in one for f in r["flags"])


def test_stats_values_add_elementwise():
    assert add_stat({"a": 1, "b": [1, 2]}, {"a": 2, "b": [3, 4], "c": 1}) == {
        "a": 3,
        "b": [4, 6],
        "c": 1,
    }

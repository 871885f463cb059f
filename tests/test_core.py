"""The judgement core over real runs: one Stage object per stage and worker, a closed flag
vocabulary, and candidate texts judged at their own positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.core.context import changed_row, default_context
from pipeline.core.schema import new_row
from pipeline.core.stage import Stage
from pipeline.registry import flag_owners
from pipeline.runner import RunOptions, run

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = str(ROOT / "glossary" / "xinjiang-aid.tsv")
LABELLED = str(ROOT / "tests" / "data" / "detect_labelled.jsonl")
CORPUS = [*sorted(str(p) for p in (ROOT / "samples").iterdir()), LABELLED]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A cleaning run (one worker) over the samples and the labelled detection data, and the
    Stage constructions it made."""
    out = tmp_path_factory.mktemp("core") / "out"
    cfg = Config(stage_options={"glossary": {"termbases": [GLOSSARY]}})
    cfg.run.workers = 1
    Stage.constructed.clear()
    run(CORPUS, str(out), cfg, RunOptions())
    return out, dict(Stage.constructed)


def test_one_stage_object_per_stage_and_worker(corpus_run):
    _, built = corpus_run
    names = Config().run.stages
    # Every stage of the run was built, once: detection, scoring, the guards and the
    # re-checks share the worker's objects (scoring used to build every check again).
    assert built == {n: 1 for n in names}


def test_every_flag_in_the_outputs_is_a_registered_name(corpus_run):
    out, _ = corpus_run
    seen = {f["check"] for s in read_jsonl(out / "segments.jsonl") for f in s["flags"]}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert seen == set(summary["checks"])
    assert len(seen) >= 10  # the corpus exercises most checks
    assert seen <= set(flag_owners()), seen - set(flag_owners())


def test_case_corpus_flags_are_registered():
    from tests.test_cases import CASES, checks_fired

    seen = set()
    for path in CASES:
        seen |= checks_fired(json.loads(path.read_text(encoding="utf-8")))
    assert seen and seen <= set(flag_owners()), seen - set(flag_owners())


def test_keyword_tail_repair_scores_at_least_as_well_as_the_garbled_line(corpus_run):
    out, _ = corpus_run
    tails = [
        s
        for s in read_jsonl(out / "segments.jsonl")
        if any(f["check"] == "keyword_tail" for f in s["flags"]) and s["decision"] != "dropped"
    ]
    assert tails  # the Lishui sample has keyword tails
    for s in tails:
        by_origin = {c["origin"]: c for c in s["candidates"]}
        repair, mt = by_origin["keyword_tail"], by_origin["mt"]  # origin names what made it
        assert repair["text"] == s["output"] != s["target"]
        assert repair["score"] >= mt["score"], (s["target"], repair, mt)
        assert s["quality"] == repair["score"] and s["decision"] == "fixed"


def test_a_cut_is_judged_where_it_ends():
    line = "Mountain villages become rich in 30 days | tea | e-commerce"
    row = new_row(line, line_first=False, line_end=True, start=40)
    cut = changed_row(row, "Mountain villages become rich in 30 days")
    assert cut["end"] == 40 + len(cut["target"]) and cut["line_end"] is False
    # the checks of the context do not call the cut a truncated paragraph
    ctx = default_context(checks=("truncation",))
    assert ctx.judge(row, "Mountain villages become rich in 30 days") == []
    # a new text that is not a cut keeps the line facts: a dangling end is still a truncation
    other = ctx.judge(row, "Mountain villages become rich and")
    assert [f["check"] for f in other] == ["truncation"]
    assert changed_row(row, line) is row

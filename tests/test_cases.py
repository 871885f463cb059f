"""Regression cases as data (tests/cases/*.json), as ftfy does.

Each case gives an input segment (and optional ``context``: other segments of its document),
the exact set of checks expected to fire on it, and ``"expect": "pass"|"fail"``. A known failure
also gives ``fired_now``, the exact set that fires today, so a spurious extra check is caught
there too; when a change makes it pass, this test says so and the case is updated.
"""

import json
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.executor.driver import LocalExecutor
from pipeline.stages.base import from_batches, to_batches
from tests.checks.helpers import row

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def checks_fired(case: dict) -> set[str]:
    inp = case["input"]
    extra = {k: inp[k] for k in ("source", "src_lang", "tgt_lang") if k in inp}
    rows = [row(inp["target"], record="case", **extra)]
    rows += [row(t, record=f"ctx{i}") for i, t in enumerate(inp.get("context", []))]
    for i, r in enumerate(rows):
        r["seq"] = i
    out = list(from_batches(LocalExecutor().run(Config().build_stages(), to_batches(rows, 8))))
    return {f["check"] for f in out[0]["flags"]}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path):
    case = json.loads(path.read_text(encoding="utf-8"))
    fired = checks_fired(case)
    expected = set(case["expected_checks"])
    if case["expect"] == "pass":
        assert fired == expected
    else:
        assert fired != expected, f"known failure now passes ({case['why']}): mark it 'pass'"
        assert fired == set(case["fired_now"]), "a known failure fires a different set now"


def test_there_are_cases_of_both_kinds():
    cases = [json.loads(p.read_text()) for p in CASES]
    assert {c["expect"] for c in cases} == {"pass", "fail"}
    for c in cases:
        assert ("fired_now" in c) == (c["expect"] == "fail"), c["description"]
        assert ("why" in c) == (c["expect"] == "fail"), c["description"]

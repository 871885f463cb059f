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


def run_case(case: dict, termbases: tuple[str, ...] = ()) -> dict:
    """The case's segment after every default stage (with ``termbases``, if any)."""
    inp = case["input"]
    extra = {k: inp[k] for k in ("source", "src_lang", "tgt_lang") if k in inp}
    rows = [row(inp["target"], record="case", **extra)]
    rows += [row(t, record=f"ctx{i}") for i, t in enumerate(inp.get("context", []))]
    for i, r in enumerate(rows):
        r["seq"] = i
    cfg = Config()
    if termbases:
        cfg.stage_options.setdefault("glossary", {})["termbases"] = list(termbases)
    return next(from_batches(LocalExecutor().run(cfg.build_stages(), to_batches(rows, 8))))


def checks_fired(case: dict) -> set[str]:
    return {f["check"] for f in run_case(case)["flags"]}


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
        # a known failure says, worked out by hand, why exactly ``fired_now`` fires today
        assert ("fired_now_why" in c) == (c["expect"] == "fail"), c["description"]


def case(stem: str) -> dict:
    return json.loads((Path(__file__).parent / "cases" / f"{stem}.json").read_text("utf-8"))


def test_the_glossary_makes_the_literal_term_cases_pass():
    """The two literal-term known failures fail only for want of a termbase: with the shipped
    one, glossary_known fires on the exact span. Offsets counted by hand: "Every family in the
    river towns makes " is 6+7+3+4+6+6+6 = 38 characters, "bad fish" 8 more; "Critics agree
    that " is 8+6+5 = 19, "soup" 4 more. 'bad fish' is a plain variant of 糟鱼 (a certain fix:
    rewritten to the approved 'zao fish'); '?soup' is a maybe (an ordinary word: flagged for
    review, the text left alone, as the first rule wants)."""
    tb = (str(Path(__file__).parents[1] / "glossary" / "xinjiang-aid.tsv"),)
    fish = run_case(case("literal-term-bad-fish"), tb)
    ev = [(f["check"], f["evidence"]["start"], f["evidence"]["end"]) for f in fish["flags"]]
    assert ev == [("glossary_known", 38, 46)]
    assert fish["output"] == "Every family in the river towns makes zao fish before the new year."
    soup = run_case(case("literal-pen-name-soup"), tb)
    ev = [(f["check"], f["evidence"]["start"], f["evidence"]["end"]) for f in soup["flags"]]
    assert ev == [("glossary_known", 19, 23)]
    assert soup["output"] == case("literal-pen-name-soup")["input"]["target"]
    assert soup["decision"] == "needs_review"


def test_the_name_swap_fails_only_for_want_of_context():
    """The same segment passes once the Kashgar rendering sits in its document."""
    alone, beside = case("name-swap-without-context"), case("name-swap-needs-context")
    assert alone["input"]["target"] == beside["input"]["target"]
    assert alone["expected_checks"] == beside["expected_checks"] == ["inconsistency"]
    assert checks_fired(beside) == {"inconsistency"}

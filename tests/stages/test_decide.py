"""Every branch of ``decide``'s precedence, one row each, with exact ``decision`` and ``output``.

Precedence: dropped > retranslated > needs_review > fixed > kept. Detect mode rewrites nothing:
output stays the target, and what clean mode would drop, fix or review is a review. A
re-translation comes in as a candidate; ``decide`` applies the candidate rule
(``pipeline.stages.choice``), so one with a guard failure is never applied.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core.schema import make_candidate
from pipeline.stages.decide import Decide

T = "The target text."
FIXED = "The fixed text."


def flag(check: str, severity: str = "major") -> dict[str, Any]:
    return {"check": check, "severity": severity, "score": 1.0, "evidence": {}}


def hit(action: str) -> dict[str, Any]:
    return {"term": "t", "match": "m", "start": 0, "end": 1, "action": action, "replacement": "t"}


def seg(
    *,
    output: str = T,
    flags: list[dict[str, Any]] | None = None,
    garbled: bool = False,
    residual: bool | None = None,
    prior: str = "kept",
    hits: list[dict[str, Any]] | None = None,
    rt: str | None = None,
    guards: list[str] | None = None,
    quality: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """``rt``: a re-translation candidate with ``guards``; ``quality``: (MT's, its) scores."""
    cands = []
    if rt is not None:
        q_mt, q_rt = quality or (None, None)
        cands = [
            make_candidate("mt", T, score=q_mt),
            make_candidate("retranslation", rt, guards=guards, score=q_rt),
        ]
    return {
        "target": T,
        "output": output,
        "flags": flags or [],
        "garbled": garbled,
        "residual_garbled": garbled if residual is None else residual,
        "decision": prior,
        "glossary": hits or [],
        "candidates": cands,
    }


def decide(rows: list[dict[str, Any]], **config: Any) -> list[tuple[str, str]]:
    batch = {k: [r[k] for r in rows] for k in rows[0]}
    out = Decide(config).apply(batch)
    return list(zip(out["decision"], out["output"], strict=True))


# (row, clean decision, clean output, detect decision); detect output is always the target.
BRANCHES = {
    "nothing: kept": (seg(), "kept", T, "kept"),
    "changed, not garbled: fixed": (seg(output=FIXED), "fixed", FIXED, "kept"),
    "garbled, unchanged: review": (seg(garbled=True), "needs_review", T, "needs_review"),
    "garbled, changed, still garbled: review": (
        seg(output=FIXED, garbled=True, residual=True),
        "needs_review",
        FIXED,
        "needs_review",
    ),
    "garbled, changed, repaired: fixed": (
        seg(output=FIXED, garbled=True, residual=False),
        "fixed",
        FIXED,
        "needs_review",
    ),
    "garbled, unchanged, only repaired flags: review": (
        seg(garbled=True, residual=False),
        "needs_review",
        T,
        "needs_review",
    ),
    "flagged glossary hit, clean text: review": (
        seg(hits=[hit("kept"), hit("flagged")]),
        "needs_review",
        T,
        "needs_review",
    ),
    "flagged glossary hit beats a fix": (
        seg(output=FIXED, hits=[hit("replaced"), hit("flagged")]),
        "needs_review",
        FIXED,
        "needs_review",
    ),
    "replaced hit only: fixed": (seg(output=FIXED, hits=[hit("replaced")]), "fixed", FIXED, "kept"),
    "retranslated: the usable candidate is the new text": (
        seg(rt=FIXED),
        "retranslated",
        FIXED,
        "kept",
    ),
    "retranslated beats review": (
        seg(rt=FIXED, garbled=True, hits=[hit("flagged")]),
        "retranslated",
        FIXED,
        "needs_review",
    ),
    "guard-failed candidate is never applied": (
        seg(rt=FIXED, guards=["term_dropped: '丽水' must be 'Lishui'"], garbled=True),
        "needs_review",
        T,
        "needs_review",
    ),
    "guard-failed candidate is never applied, whatever its quality": (
        seg(rt=FIXED, guards=["loop: '1' repeated 20 times"], quality=(0.1, 0.99)),
        "kept",
        T,
        "kept",
    ),
    "scored candidate within the margin: not applied": (
        seg(rt=FIXED, quality=(0.50, 0.54)),
        "kept",
        T,
        "kept",
    ),
    "scored candidate beyond the margin: applied": (
        seg(rt=FIXED, quality=(0.50, 0.56)),
        "retranslated",
        FIXED,
        "kept",
    ),
    "drop check: dropped": (seg(flags=[flag("duplicate")]), "dropped", "", "needs_review"),
    "dropped beats review": (
        seg(flags=[flag("byline", "critical")], garbled=True, hits=[hit("flagged")]),
        "dropped",
        "",
        "needs_review",
    ),
    "dropped beats retranslated": (
        seg(rt=FIXED, flags=[flag("duplicate")]),
        "dropped",
        "",
        "needs_review",
    ),
    "dropped beats fixed": (
        seg(output=FIXED, flags=[flag("duplicate")], garbled=True, residual=False),
        "dropped",
        "",
        "needs_review",
    ),
    "minor drop-check flag: not dropped": (
        seg(flags=[flag("duplicate", "minor")]),
        "kept",
        T,
        "kept",
    ),
    "major flag of another check: not dropped": (
        seg(flags=[flag("truncation")], garbled=True),
        "needs_review",
        T,
        "needs_review",
    ),
}


@pytest.mark.parametrize("name", list(BRANCHES))
def test_clean_mode_branch(name: str):
    row, decision, output, _ = BRANCHES[name]
    assert decide([row]) == [(decision, output)]


@pytest.mark.parametrize("name", list(BRANCHES))
def test_detect_mode_branch_leaves_output_as_the_target(name: str):
    row, _, _, decision = BRANCHES[name]
    assert decide([row], mode="detect") == [(decision, T)]


def test_all_branches_in_one_batch_keep_their_rows_apart():
    rows = [b[0] for b in BRANCHES.values()]
    assert decide(rows) == [(b[1], b[2]) for b in BRANCHES.values()]
    assert decide(rows, mode="detect") == [(b[3], T) for b in BRANCHES.values()]


def test_drop_checks_and_floor_come_from_config():
    dup_major = seg(flags=[flag("duplicate")])
    dup_critical = seg(flags=[flag("duplicate", "critical")])
    dup_minor = seg(flags=[flag("duplicate", "minor")])
    trunc = seg(flags=[flag("truncation", "critical")])
    rows = [dup_major, dup_critical, dup_minor, trunc]
    assert [d for d, _ in decide(rows, drop_min_severity="critical")] == [
        "kept",
        "dropped",
        "kept",
        "kept",
    ]
    assert [d for d, _ in decide(rows, drop_min_severity="minor")] == [
        "dropped",
        "dropped",
        "dropped",
        "kept",
    ]
    assert [d for d, _ in decide(rows, drop_checks=["truncation"])] == [
        "kept",
        "kept",
        "kept",
        "dropped",
    ]
    assert [d for d, _ in decide(rows, drop_checks=[])] == ["kept"] * 4


def test_without_a_residual_column_garbled_stands_for_it():
    row = seg(output=FIXED, garbled=True)
    del row["residual_garbled"]
    assert decide([row]) == [("needs_review", FIXED)]
    ok = seg(output=FIXED)
    del ok["residual_garbled"]
    assert decide([ok]) == [("fixed", FIXED)]


def test_other_columns_pass_through():
    batch = {k: [v] for k, v in seg(output=FIXED).items()}
    batch["record"] = ["r7"]
    out = Decide().apply(batch)
    assert out["record"] == ["r7"] and out["flags"] == [[]] and batch["decision"] == ["kept"]


def test_a_ragged_batch_is_an_error_not_a_silent_truncation():
    batch = {k: [v, v] for k, v in seg().items()}
    batch["glossary"] = [[]]  # one column short
    with pytest.raises(ValueError):
        Decide().apply(batch)


def test_detect_options_switch_decide_to_detect_mode_and_keep_the_rest():
    from pipeline.stages.decide import Decide

    assert Decide.detect_options({}) == {"mode": "detect"}
    assert Decide.detect_options({"drop_checks": ["byline"], "mode": "clean"}) == {
        "drop_checks": ["byline"],
        "mode": "detect",
    }

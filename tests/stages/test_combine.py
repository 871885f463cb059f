"""Pinned ``garble_score`` values, as sacreBLEU pins chrF: exact numbers, tiny tolerance.

Each flag contributes ``weight[check] * severity[severity] * score`` (capped at 1); the segment
score is the noisy-OR ``1 - prod(1 - contribution)``, rounded to 4 places. The expected values
below are worked out by hand from that formula with the default ``[combine]`` config
(minor 0.35, major 0.75, critical 1.0; repaired-on-read checks weigh 0).
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.stages.combine import Combine, CombineConfig, garble_score
from pipeline.stages.decide import Decide

TOL = 1e-6  # values are rounded to 4 places; this tolerance only absorbs float noise


def flag(check: str, severity: str, score: float = 1.0) -> dict[str, Any]:
    return {"check": check, "severity": severity, "score": score, "evidence": {}}


# (flags, expected garble_score, how the number comes about)
TABLE = [
    ([], 0.0, "no evidence"),
    ([flag("truncation", "minor")], 0.35, "0.35"),
    ([flag("truncation", "major")], 0.75, "0.75"),
    ([flag("language_id", "critical")], 1.0, "1.0"),
    ([flag("truncation", "major", 0.5)], 0.375, "0.75 * 0.5"),
    ([flag("truncation", "minor"), flag("repetition", "minor")], 0.5775, "1 - 0.65^2"),
    ([flag("a", "minor"), flag("b", "minor"), flag("c", "minor")], 0.7254, "1 - 0.65^3"),
    ([flag("a", "major", 0.8), flag("b", "minor", 0.5)], 0.67, "1 - 0.4 * 0.825"),
    ([flag("a", "major"), flag("b", "major")], 0.9375, "1 - 0.25^2"),
    ([flag("a", "minor", 0.2), flag("b", "major", 0.4)], 0.349, "1 - 0.93 * 0.7"),
    ([flag("mojibake", "critical")], 0.0, "repaired on read: weight 0"),
    ([flag("mojibake", "critical"), flag("truncation", "minor")], 0.35, "weight 0 adds nothing"),
    ([flag("unicode_nfc", "major"), flag("control_chars", "major")], 0.0, "weights 0"),
    ([flag("a", "minor", 0.0)], 0.0, "score 0"),
    ([flag("a", "critical"), flag("b", "minor")], 1.0, "a certain flag decides alone"),
]


@pytest.mark.parametrize(("flags", "expected", "why"), TABLE, ids=[t[2] for t in TABLE])
def test_pinned_garble_scores(flags: list[dict[str, Any]], expected: float, why: str):
    assert garble_score(flags, CombineConfig()) == pytest.approx(expected, abs=TOL)


def test_order_of_flags_does_not_matter():
    flags = [flag("a", "major", 0.8), flag("b", "minor", 0.5), flag("c", "critical", 0.1)]
    cfg = CombineConfig()
    # 1 - 0.4 * 0.825 * 0.9 = 0.703
    assert garble_score(flags, cfg) == pytest.approx(0.703, abs=TOL)
    assert garble_score(flags[::-1], cfg) == garble_score(flags, cfg)


def test_rounded_to_four_places():
    # 1 - 0.65^3 = 0.725375 exactly; the score carries four places.
    three = [flag("a", "minor"), flag("b", "minor"), flag("c", "minor")]
    assert garble_score(three, CombineConfig()) == 0.7254
    # 0.35 * 0.123 = 0.04305 -> 0.0431 (rounding, not truncation)
    assert garble_score([flag("a", "minor", 0.123)], CombineConfig()) == 0.0431


def test_weights_default_weight_and_severity_factors_come_from_config():
    cfg = CombineConfig(
        weights={"repetition": 0.5},
        default_weight=0.8,
        severity={"minor": 0.25, "major": 0.5, "critical": 1.0},
    )
    assert garble_score([flag("repetition", "major")], cfg) == pytest.approx(0.25, abs=TOL)
    assert garble_score([flag("truncation", "major")], cfg) == pytest.approx(0.4, abs=TOL)
    assert garble_score([flag("truncation", "minor")], cfg) == pytest.approx(0.2, abs=TOL)
    # A severity the table does not name counts in full (factor 1).
    assert garble_score([flag("x", "unheard-of", 0.3)], cfg) == pytest.approx(0.24, abs=TOL)


def test_one_contribution_is_capped_at_certainty():
    # 2.0 * 0.8 = 1.6 would make (1 - c) negative and the score above 1; it is capped at 1.
    cfg = CombineConfig(severity={"minor": 0.35, "major": 2.0, "critical": 1.0})
    assert garble_score([flag("a", "major", 0.8)], cfg) == 1.0
    two = [flag("a", "major", 0.8), flag("b", "major", 0.8)]
    assert garble_score(two, cfg) == 1.0


def test_skip_leaves_out_the_named_checks():
    flags = [flag("keyword_tail", "major"), flag("truncation", "minor")]
    assert garble_score(flags, CombineConfig(), frozenset({"keyword_tail"})) == 0.35
    assert garble_score(flags, CombineConfig(), frozenset({"keyword_tail", "truncation"})) == 0.0
    assert garble_score(flags, CombineConfig()) == pytest.approx(0.8375, abs=TOL)


def run(flags_col: list[list[dict[str, Any]]], **config: Any) -> dict[str, list[Any]]:
    batch = {"flags": flags_col, "target": ["t"] * len(flags_col)}
    return Combine(config).apply(batch)


def test_stage_writes_score_garbled_and_residual():
    out = run(
        [
            [],
            [flag("truncation", "minor")],
            [flag("truncation", "minor"), flag("repetition", "minor")],
            [flag("keyword_tail", "major")],
            [flag("keyword_tail", "major"), flag("repetition", "major")],
            [flag("glossary_known", "major"), flag("truncation", "minor")],
        ]
    )
    assert out["garble_score"] == pytest.approx([0.0, 0.35, 0.5775, 0.75, 0.9375, 0.8375], abs=TOL)
    assert out["garbled"] == [False, False, True, True, True, True]
    # Residual: garbled even without the repaired checks (keyword_tail, glossary_known, ...).
    assert out["residual_garbled"] == [False, False, True, False, True, False]
    assert out["target"] == ["t"] * 6  # other columns pass through


def test_threshold_is_inclusive():
    at = [flag("x", "critical", 0.5)]  # exactly 0.5
    below = [flag("x", "critical", 0.4999)]
    assert run([at, below])["garbled"] == [True, False]
    assert run([at], threshold=0.6)["garbled"] == [False]
    assert run([[flag("x", "minor", 0.1)]], threshold=0.0)["garbled"] == [True]


def test_residual_uses_the_configured_repaired_checks_and_threshold():
    tail = [[flag("keyword_tail", "major")]]
    assert run(tail, repaired_checks=[])["residual_garbled"] == [True]
    assert run(tail, repaired_checks=["keyword_tail"])["residual_garbled"] == [False]
    mixed = [[flag("keyword_tail", "major"), flag("truncation", "major", 0.6)]]  # residual 0.45
    assert run(mixed)["residual_garbled"] == [False]
    assert run(mixed, threshold=0.45)["residual_garbled"] == [True]


def test_combine_then_decide_on_the_default_repaired_list():
    """The two stages together: a repaired-only segment is fixed, a residual one is reviewed."""
    flags_col = [[flag("keyword_tail", "major")], [flag("repetition", "major")]]
    batch = {
        "flags": flags_col,
        "target": ["Head | tag | tag", "the the end"],
        "output": ["Head", "the the end"],
        "decision": ["kept", "kept"],
        "glossary": [[], []],
    }
    out = Decide().apply(Combine().apply(batch))
    assert out["decision"] == ["fixed", "needs_review"]

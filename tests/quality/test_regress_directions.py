"""Every kind of regress figure moved one and two steps, with tolerance 0.1 (issue 21: the
``_direction``/``_is_count`` mutation survivors). Worked out from the README's rules:

- a count regresses when it moves the wrong way by more than 0.1 of itself: from 10, one step
  (1 <= 0.1 * 10) is not a regression, two steps are;
- a 0..1 score regresses when it moves the wrong way by more than 0.1 (absolute), a 0..100
  metric by more than 10; any move the right way is an improvement.
"""

from __future__ import annotations

import pytest

from pipeline.quality.regress import compare


def nest(key: str, value: object) -> dict:
    out: dict = {}
    cur = out
    parts = key.split(".")
    if key.startswith("files."):  # a file name holds dots: files.<name>.<figure>
        parts = ["files", ".".join(parts[1:-1]), parts[-1]]
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value
    return out


def change(key: str, old: object, new: object) -> tuple[bool, bool]:
    (c,) = compare(nest(key, old), nest(key, new), tolerance=0.1)
    return c.regression, c.improvement


# (key, +1 when higher is better / -1 when lower is better)
COUNTS = [
    ("checks.repetition", -1),
    ("files.a.en.txt.flags", -1),
    ("detection.fp", -1),
    ("detection.fn", -1),
    ("decisions.kept", +1),
    ("detection.tp", +1),
    ("files.a.en.txt.kept", +1),
]


@pytest.mark.parametrize(("key", "better"), COUNTS)
def test_counts_tolerate_a_tenth_of_themselves(key, better):
    assert change(key, 10, 10 - better) == (False, False)  # one step worse: within 1.0
    assert change(key, 10, 10 - 2 * better) == (True, False)  # two steps worse: beyond
    assert change(key, 10, 10 + better) == (False, True)


def test_a_count_that_vanishes_counts_as_zero():
    assert change("detection.tp", 10, None) == (True, False)  # 10 -> 0 true positives
    assert change("checks.repetition", 8, None) == (False, True)  # 8 -> 0 flags


def test_figures_without_a_direction_are_only_listed():
    assert change("decisions.dropped", 10, 20) == (False, False)
    assert change("segments", 42, 10) == (False, False)
    assert change("files.a.en.txt.segments", 10, 20) == (False, False)


@pytest.mark.parametrize(
    ("key", "old", "ok", "bad", "better"),
    [
        ("files.a.en.txt.quality", 0.5, 0.41, 0.39, 0.51),  # 0..1 score, higher is better
        ("quality.after", 0.5, 0.41, 0.39, 0.51),
        ("detection.precision", 0.9, 0.81, 0.79, 0.91),
        ("metrics.after.chrf", 50.0, 41.0, 39.0, 51.0),  # 0..100: tolerance 10
        ("metrics.after.ter", 50.0, 56.0, 61.0, 49.0),  # lower is better
    ],
)
def test_scores_tolerate_an_absolute_tenth(key, old, ok, bad, better):
    assert change(key, old, ok) == (False, False)
    assert change(key, old, bad) == (True, False)
    assert change(key, old, better) == (False, True)


def test_a_junk_baseline_is_one_line_naming_the_file_and_what_is_missing():
    from pipeline.errors import UsageError
    from pipeline.quality.regress import check_baseline

    current = {"checks": {}, "segments": 1, "detection": None}
    with pytest.raises(UsageError) as err:
        check_baseline("b.json", [1, 2, 3], current)
    assert str(err.value) == "b.json: not a regress baseline (expected a JSON object)"
    with pytest.raises(UsageError) as err:
        check_baseline("b.json", {"segments": 1}, current)
    assert str(err.value) == (
        "b.json: not a regress baseline (no checks, detection); write one with --update"
    )
    with pytest.raises(UsageError) as err:
        check_baseline("b.json", {"checks": 5, "segments": 1, "detection": None}, current)
    assert str(err.value) == "b.json: not a regress baseline ('checks' is not an object)"
    ok = {"checks": {"x": 1}, "segments": 1, "detection": None}
    assert check_baseline("b.json", ok, current) is ok

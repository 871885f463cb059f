"""The regression gate fails only on worse: direction per figure, improvements listed,
a per-file table, ``-q``, ``--suppressions`` and the editors' gold labels."""

from __future__ import annotations

import json

import pytest

from pipeline.quality.regress import compare, file_table
from tests.quality.test_regress import app, invoke, sample  # noqa: F401  (fixtures)


def _by_key(old, new, tol=0.0):
    return {c.key: c for c in compare(old, new, tol)}


@pytest.mark.parametrize(
    ("key", "old", "new", "regression", "improvement"),
    [
        ("checks.source_copy", 5, 4, False, True),  # the case: better is not a failure
        ("checks.source_copy", 4, 5, True, False),
        ("decisions.kept", 10, 9, True, False),
        ("decisions.kept", 9, 10, False, True),
        ("decisions.needs_review", 3, 4, False, False),  # no direction: reported only
        ("detection.fp", 0, 1, True, False),
        ("detection.fn", 2, 1, False, True),
        ("quality.after", 0.70, 0.69, True, False),
        ("quality.after", 0.70, 0.71, False, True),
    ],
)
def test_direction_per_figure(key, old, new, regression, improvement):
    section, name = key.split(".")
    base = {"samples": ["a"], section: {name: old}}
    now = {"samples": ["a"], section: {name: new}}
    c = _by_key(base, now)[key]
    assert (c.regression, c.improvement) == (regression, improvement)


def test_tolerance_is_relative_for_counts_and_absolute_for_scores():
    base = {"samples": ["a"], "checks": {"repetition": 10}, "quality": {"after": 0.70}}
    now = {"samples": ["a"], "checks": {"repetition": 11}, "quality": {"after": 0.65}}
    c = _by_key(base, now, 0.1)
    assert not c["checks.repetition"].regression  # 1 more of 10 is within 10 %
    assert not c["quality.after"].regression  # 0.70 -> 0.65: 0.05 lower, within 0.1
    assert not _by_key(base, now, 0.06)["quality.after"].regression
    assert _by_key(base, now, 0.04)["quality.after"].regression


def test_a_check_that_starts_flagging_is_a_regression_and_one_that_stops_an_improvement():
    base = {"samples": ["a"], "checks": {"byline": 2}}
    now = {"samples": ["a"], "checks": {"truncation": 1}}
    c = _by_key(base, now)
    assert c["checks.truncation"].regression
    assert c["checks.byline"].improvement and not c["checks.byline"].regression


def test_per_file_figures_and_table():
    base = {
        "samples": ["a"],
        "files": {"a.po": {"segments": 4, "flags": 1, "kept": 3, "quality": 0.5}},
    }
    now = {
        "samples": ["a"],
        "files": {"a.po": {"segments": 4, "flags": 2, "kept": 2, "quality": 0.5}},
    }
    c = _by_key(base, now)
    assert c["files.a.po.flags"].regression and c["files.a.po.kept"].regression
    table = file_table(base, now).splitlines()
    assert table[0].split() == ["file", "segments", "flags", "kept", "quality"]
    assert table[1].split() == ["a.po", "4", "1", "->", "2", "3", "->", "2", "0.5000"]


def test_cli_improvement_passes_is_listed_and_update_records_it(app, sample, tmp_path):  # noqa: F811
    base = tmp_path / "base.json"
    assert invoke(app, "regress", str(sample), "--baseline", str(base), "--update").exit_code == 0
    data = json.loads(base.read_text("utf-8"))
    assert data["files"]["s.jsonl"]["segments"] == 3
    # the baseline had one more repetition flag than now: the sample got better
    data["checks"]["repetition"] += 1
    data["files"]["s.jsonl"]["flags"] += 1
    base.write_text(json.dumps(data), "utf-8")
    r = invoke(app, "regress", str(sample), "--baseline", str(base))
    assert r.exit_code == 0, r.output
    assert "checks.repetition" in r.output and "improved" in r.output
    assert "REGRESSION" not in r.output
    assert "per file:" in r.output and "s.jsonl" in r.output
    assert "2 improvement(s) (record them with --update)" in r.output
    q = invoke(app, "regress", str(sample), "--baseline", str(base), "-q")
    assert q.exit_code == 0 and q.output.strip().splitlines() == [
        "no regression beyond tolerance 0.0; 2 improvement(s) (record them with --update)"
    ]
    assert invoke(app, "regress", str(sample), "--baseline", str(base), "--update").exit_code == 0
    r = invoke(app, "regress", str(sample), "--baseline", str(base))
    assert r.exit_code == 0 and "no changes against the baseline" in r.output


def test_cli_suppressions_and_editor_gold(app, sample, tmp_path):  # noqa: F811
    from pipeline.decisions import suppression

    # a clean copy of the sample without its own gold labels: the editor's are the only ones
    rows = [json.loads(x) for x in sample.read_text("utf-8").splitlines()]
    plain = tmp_path / "p.jsonl"
    plain.write_text(
        "".join(
            json.dumps({k: v for k, v in r.items() if not k.startswith("gold")}, ensure_ascii=False)
            + "\n"
            for r in rows
        ),
        "utf-8",
    )
    base = tmp_path / "base.json"
    out = tmp_path / "out"
    r = invoke(app, "regress", str(plain), "--baseline", str(base), "--update", "--out", str(out))
    assert r.exit_code == 0
    assert json.loads(base.read_text("utf-8"))["detection"] is None  # no labels yet
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    looped = next(s for s in segs if s["record"] == "b")
    checks = sorted({f["check"] for f in looped["flags"]})
    assert "repetition" in checks
    sup = tmp_path / "suppressions.jsonl"  # the editor rejected every flag of b
    sup.write_text("".join(json.dumps(suppression(looped, c)) + "\n" for c in checks), "utf-8")
    gold = tmp_path / "editor-gold"
    gold.mkdir()
    (gold / "p.gold.jsonl").write_text(
        '{"id": "b", "gold_garbled": false, "gold_checks": []}\n', "utf-8"
    )
    r = invoke(
        app,
        "regress",
        str(plain),
        "--baseline",
        str(base),
        "--suppressions",
        str(sup),
        "--gold",
        str(gold),
    )
    # one flag fewer (suppressed, counted) is an improvement; the editor's label is used
    assert r.exit_code == 0, r.output
    assert "checks.repetition" in r.output and "improved" in r.output
    assert "suppressed" in r.output and "detection.labelled" in r.output
    line = next(x for x in r.output.splitlines() if x.startswith("suppressed "))
    assert line.split()[:3] == ["suppressed", "0", str(len(checks))]

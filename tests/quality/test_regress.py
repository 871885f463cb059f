"""``mtclean regress`` and ``mtclean score`` through a Typer app that registers them, as cli.py
will (``main`` turns the returned status into the exit status)."""

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli_score import register
from pipeline.quality.regress import Change, compare, gold_labels, snapshot
from tests.conftest import ROOT

ARCHIVE = [
    {
        "id": "a",
        "source": "公园建设总投资约3.5亿元。",
        "target": "The total investment is 350 million yuan.",
        "reference": "Total investment was about 350 million yuan.",
        "gold_garbled": False,
    },
    {
        "id": "b",
        "source": "这些公园全年免费开放。",
        "target": "These parks are open free all year round, all year round, all year round.",
        "reference": "These parks are free all year.",
        "gold_garbled": True,
        "gold_checks": ["repetition"],
    },
    {
        "id": "c",
        "source": "运河夜游项目共接待游客15万人次。",
        "target": "The canal tour received 15 visitors.",
        "reference": "The canal night tour received 150,000 visits.",
        "gold_garbled": True,
    },
]


@pytest.fixture
def app():
    a = typer.Typer()
    register(a)
    a.command("noop", hidden=True)(lambda: None)  # a multi-command app, as the real one
    return a


@pytest.fixture
def sample(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ARCHIVE), "utf-8")
    return p


class Result:
    def __init__(self, r):
        self.output, self.exception = r.output, r.exception
        self.exit_code = r.return_value if r.exception is None else 2


def invoke(app, *args):
    """Invoke like ``pipeline.cli.main``: the command's return value is the exit status."""
    return Result(CliRunner().invoke(app, list(args), standalone_mode=False))


def test_update_then_same_run_passes_and_a_worse_baseline_entry_fails(app, sample, tmp_path):
    base = tmp_path / "base.json"
    r = invoke(app, "regress", str(sample), "--baseline", str(base), "--update")
    assert r.exit_code == 0, r.output
    data = json.loads(base.read_text("utf-8"))
    assert "timings" not in json.dumps(data) and data["detection"]["labelled"] == 3
    assert data["metrics"]["after"]["chrf"] > 0
    assert invoke(app, "regress", str(sample), "--baseline", str(base)).exit_code == 0

    # Pretend the baseline had fewer repetition flags: more flags now is a regression.
    assert data["checks"]["repetition"] == 1  # record b
    data["checks"]["repetition"] = 0
    base.write_text(json.dumps(data), "utf-8")
    r = invoke(app, "regress", str(sample), "--baseline", str(base))
    assert r.exit_code == 1
    assert "REGRESSION" in r.output and "checks.repetition" in r.output
    assert (
        invoke(app, "regress", str(sample), "--baseline", str(base), "--tolerance", "1").exit_code
        == 0
    )


def regressions(output: str) -> list[str]:
    return [ln.split()[0] for ln in output.splitlines() if ln.rstrip().endswith("REGRESSION")]


def test_a_recall_drop_is_a_regression(app, sample, tmp_path):
    base = tmp_path / "base.json"
    assert invoke(app, "regress", str(sample), "--baseline", str(base), "--update").exit_code == 0
    data = json.loads(base.read_text("utf-8"))
    # b (tripled phrase) and c (15万 read as 15) are garbled and flagged: recall 2/2.
    assert (data["detection"]["tp"], data["detection"]["recall"]) == (2, 1.0)
    # Now label a as garbled too: the run misses it, recall falls to 2/3 = 0.6667.
    rows = [dict(r, gold_garbled=True) if r["id"] == "a" else r for r in ARCHIVE]
    sample.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    r = invoke(app, "regress", str(sample), "--baseline", str(base))
    assert r.exit_code == 1
    # More false negatives is a regression of its own (the editor branch's directional gate).
    assert regressions(r.output) == ["detection.fn", "detection.recall"]
    assert ["detection.recall", "1.0000", "0.6667", "REGRESSION"] in [
        ln.split() for ln in r.output.splitlines()
    ]


def test_snapshot_quality_before_and_after_by_hand(tmp_path):
    # r1 re-translated (MT scored 0.4, output 0.8), r2 kept (0.6), r3 dropped (0.2: counts
    # before, not after), r4 without a quality (not counted at all).
    rows = [
        (
            "r1",
            0.8,
            "retranslated",
            [{"origin": "mt", "score": 0.4}, {"origin": "x", "score": 0.8}],
        ),
        ("r2", 0.6, "kept", []),
        ("r3", 0.2, "dropped", []),
        ("r4", None, "kept", []),
    ]
    with (tmp_path / "segments.jsonl").open("w", encoding="utf-8") as fh:
        for rid, q, decision, cands in rows:
            seg = {"file": "s.jsonl", "record": rid, "garbled": False, "flags": [], "quality": q}
            fh.write(json.dumps(seg | {"decision": decision, "candidates": cands}) + "\n")
    (tmp_path / "summary.json").write_text(json.dumps({"segments": 4}), "utf-8")
    snap = snapshot(tmp_path, [])
    # before: (0.4 + 0.6 + 0.2) / 3 = 0.4; after: (0.8 + 0.6) / 2 = 0.7
    assert snap["quality"] == {"before": 0.4, "after": 0.7}
    assert snap["detection"] is None and snap["glossary"] == {"hits": {}, "compliance": None}


@pytest.mark.parametrize(
    "new",
    [{"detection": {"recall": None}}, {"detection": {}}, {}],
    ids=["null", "key gone", "section gone"],
)
def test_a_scored_figure_that_vanishes_is_a_regression(new):
    (change,) = compare({"detection": {"recall": 0.9}}, new, tolerance=0.5)
    assert change == Change("detection.recall", 0.9, None, True)


def test_a_plain_count_that_vanishes_is_only_reported():
    (change,) = compare({"segments": 10}, {}, tolerance=0.0)
    assert change == Change("segments", 10, None, False)


def test_missing_baseline_is_a_usage_error(app, sample, tmp_path):
    from pipeline.errors import UsageError

    r = invoke(app, "regress", str(sample), "--baseline", str(tmp_path / "none.json"))
    assert isinstance(r.exception, UsageError)


def test_compare_directions():
    old = {"quality": {"after": 0.6}, "metrics": {"after": {"ter": 40.0, "chrf": 50.0}}}
    new = {"quality": {"after": 0.62}, "metrics": {"after": {"ter": 41.0, "chrf": 49.0}}}
    changes = {c.key: c for c in compare(old, new, tolerance=0.005)}
    assert changes["quality.after"] == Change("quality.after", 0.6, 0.62, False, True)
    assert changes["metrics.after.ter"].regression and changes["metrics.after.chrf"].regression
    assert not any(c.regression for c in compare(old, new, tolerance=0.02))


def test_gold_sidecar_for_txt_keyed_by_record_id(tmp_path):
    txt = tmp_path / "news.en.txt"
    txt.write_text("One.\n\nTwo two two two.\n", "utf-8")
    (tmp_path / "news.en.gold.jsonl").write_text(
        '{"id": "L3", "gold_garbled": true, "gold_checks": ["repetition"]}\n', "utf-8"
    )
    assert gold_labels(txt) == {"L3": {"garbled": True, "checks": ["repetition"]}}


def test_score_command_changes_no_text_and_writes_quality_metrics_report(app, sample, tmp_path):
    out = tmp_path / "out"
    r = invoke(app, "score", str(sample), "--out", str(out), "-q")
    assert r.exit_code == 0, r.output
    assert (out / "cleaned" / "s.jsonl").read_bytes() == sample.read_bytes()
    rows = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    assert all(0 <= r["quality"] <= 1 and r["metrics"] for r in rows)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    import sacrebleu

    hyps = [r["target"] for r in ARCHIVE]
    refs = [r["reference"] for r in ARCHIVE]
    assert summary["metrics"]["before"]["bleu"] == round(
        sacrebleu.corpus_bleu(hyps, [refs]).score, 4
    )
    assert (out / "report.html").exists()
    snap = snapshot(out, [str(sample)])
    assert snap["detection"]["labelled"] == 3


def test_committed_samples_baseline_holds(app):
    """The CI gate itself: the repo's samples against tests/baselines/samples.json."""
    r = invoke(
        app,
        "regress",
        str(ROOT / "samples"),
        "--baseline",
        str(ROOT / "tests" / "baselines" / "samples.json"),
        "--glossary",
        str(ROOT / "glossary" / "xinjiang-aid.tsv"),
    )
    assert r.exit_code == 0, r.output
    assert Path(ROOT / "tests" / "baselines" / "gold" / "lishui-tea-news.en.gold.jsonl").exists()

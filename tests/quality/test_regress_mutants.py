"""``quality/regress.py`` figure by figure, against values worked out by hand (issue 21: the
mutants the line engine left alive in ``snapshot``, the gold readers, ``compare`` and the
tables).

The run below is written by hand (``segments.jsonl`` + ``summary.json``); every expected figure
is derived in the comments from the rows, never read from the tool.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import InputError, UsageError
from pipeline.quality.regress import (
    Change,
    check_baseline,
    compare,
    file_table,
    format_table,
    gold_labels,
    gold_sidecar,
    read_segments,
    snapshot,
)


def _seg(file: str, record: str, **kw) -> dict:
    row = {
        "file": file,
        "record": record,
        "index": 0,
        "garbled": False,
        "flags": [],
        "decision": "kept",
        "quality": None,
        "glossary": [],
    }
    return row | kw


def _flags(*checks: str) -> list[dict]:
    return [{"check": c, "severity": "minor"} for c in checks]


def _hits(*actions: str) -> list[dict]:
    return [{"action": a} for a in actions]


SUMMARY = {
    "segments": 6,
    "checks": {"repetition": 2, "number_mismatch": 1, "byline": 1},
    "decisions": {"kept": 4, "dropped": 1, "retranslated": 1},
    "metrics": {"after": {"chrf": 50.0}},
    "stage_stats": {"suppress": {"suppressed": 2}},
}

SEGMENTS = [
    # news.txt L1: two segments, the first garbled (the record is garbled), one repetition flag
    # given twice (counts once per segment), a replaced hit, quality 0.5 kept.
    _seg(
        "in/news.txt",
        "L1",
        garbled=True,
        flags=_flags("repetition", "repetition"),
        quality=0.5,
        glossary=_hits("replaced"),
    ),
    _seg("in/news.txt", "L1", index=1, quality=0.7),
    # L3: garbled, re-translated (output 0.9, the MT scored 0.3), a flagged hit.
    _seg(
        "in/news.txt",
        "L3",
        garbled=True,
        flags=_flags("number_mismatch"),
        decision="retranslated",
        quality=0.9,
        candidates=[{"origin": "retranslate", "score": 0.9}, {"origin": "mt", "score": 0.3}],
        glossary=_hits("flagged"),
    ),
    # L5: dropped (quality counts before, not after), two replaced hits.
    _seg(
        "in/news.txt", "L5", decision="dropped", quality=0.2, glossary=_hits("replaced", "replaced")
    ),
    # L7: an editor judged it garbled: its flags and hits are the expected result.
    _seg("in/news.txt", "L7", flags=_flags("repetition", "byline"), glossary=_hits("flagged")),
    # other.jsonl r1: labelled garbled inline, not flagged.
    _seg("other.jsonl", "r1"),
]

SIDECAR = [
    '{"id": "L1", "gold_garbled": true}',
    '{"id": "L9", "gold_garbled": true}',  # never seen in the run: skipped, not the end
    '{"id": "L3", "gold_garbled": false}',
    "",
    '{"id": "L5", "gold_garbled": true}',
    '{"id": "L7", "gold_garbled": true, "labelled_by": "review", '
    '"gold_checks": "repetition, byline"}',
    '{"id": "", "gold_garbled": true}',
    '{"id": "L11", "gold_garbled": ""}',
    "[1, 2]",
]


@pytest.fixture
def run(tmp_path: Path) -> tuple[Path, list[str], Path]:
    out = tmp_path / "run"
    out.mkdir()
    (out / "summary.json").write_text(json.dumps(SUMMARY), "utf-8")
    (out / "segments.jsonl").write_text(
        "".join(json.dumps(s) + "\n" for s in SEGMENTS) + "\n", "utf-8"
    )
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "news.txt").write_text("x\n", "utf-8")
    (inputs / "other.jsonl").write_text('{"id": "r1", "target": "t", "gold_garbled": "Yes "}\n')
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "news.gold.jsonl").write_text("\n".join(SIDECAR) + "\n", "utf-8")
    return out, [str(inputs / "news.txt"), str(inputs / "other.jsonl")], gold


def test_snapshot_every_figure_by_hand(run):
    out, samples, gold = run
    snap = snapshot(out, samples, [gold])
    assert snap == {
        "format": 1,
        "samples": ["news.txt", "other.jsonl"],
        "segments": 6,
        # summary 2/1/1 minus what L7 (editor garbled) confirmed: repetition 1, byline 1;
        # byline 1 - 1 = 0 is left out.
        "checks": {"number_mismatch": 1, "repetition": 1},
        "decisions": {"kept": 4, "dropped": 1, "retranslated": 1},
        # labelled and seen: L1 L3 L5 L7 (sidecar) + r1 (inline "Yes ") = 5; L9 never seen.
        # L1 garbled/garbled tp; L3 garbled/clean fp; L5, L7, r1 clean/garbled fn.
        "detection": {
            "labelled": 5,
            "tp": 1,
            "fp": 1,
            "fn": 3,
            "precision": 0.5,  # 1 / (1 + 1)
            "recall": 0.25,  # 1 / (1 + 3)
        },
        # L1 replaced, L3 flagged, L5 replaced x2 (L7's flagged hit is expected): 4 hits,
        # compliance (4 - 1) / 4.
        "glossary": {"hits": {"flagged": 1, "replaced": 3}, "compliance": 0.75},
        "metrics": {"after": {"chrf": 50.0}},
        # before: 0.5 + 0.7 + 0.3 (L3's MT) + 0.2 (L5) = 1.7 / 4 = 0.425;
        # after: 0.5 + 0.7 + 0.9 = 2.1 / 3 = 0.7 (L5 dropped).
        "quality": {"before": 0.425, "after": 0.7},
        "files": {
            # 5 segments; flags: L1 one check, L3 one, L7's are expected (0); kept: L1 x2, L7;
            # quality of the kept with a score: (0.5 + 0.7 + 0.9) / 3.
            "news.txt": {"segments": 5, "flags": 2, "kept": 3, "quality": 0.7},
            "other.jsonl": {"segments": 1, "flags": 0, "kept": 1, "quality": None},
        },
        "expected": {"byline": 1, "repetition": 1},
        "suppressed": 2,
    }


def test_snapshot_without_editor_labels_keeps_the_summary_checks_as_they_are(run):
    out, samples, _ = run
    snap = snapshot(out, samples)  # no sidecar found: only other.jsonl's inline label
    assert snap["checks"] == {"repetition": 2, "number_mismatch": 1, "byline": 1}
    assert snap["expected"] == {}
    # r1 is the only labelled record: garbled, not flagged -> fn 1; no positives at all.
    assert snap["detection"] == {
        "labelled": 1,
        "tp": 0,
        "fp": 0,
        "fn": 1,
        "precision": 1.0,  # no positives: nothing wrongly flagged
        "recall": 0.0,
    }
    # L7 now counts as any record: its hit and its two checks.
    assert snap["glossary"] == {"hits": {"flagged": 2, "replaced": 3}, "compliance": 0.6}
    assert snap["files"]["news.txt"]["flags"] == 4  # L1 1, L3 1, L7 2


def test_snapshot_of_a_bare_run(tmp_path):
    (tmp_path / "summary.json").write_text("{}", "utf-8")
    (tmp_path / "segments.jsonl").write_text(json.dumps(_seg("a.txt", "L1")) + "\n", "utf-8")
    snap = snapshot(tmp_path, [])
    assert snap["checks"] == {} and snap["decisions"] == {} and snap["suppressed"] == 0
    assert snap["segments"] is None and snap["metrics"] is None
    assert snap["quality"] == {"before": None, "after": None}


def test_detection_with_only_clean_labels_is_perfect(tmp_path):
    (tmp_path / "summary.json").write_text("{}", "utf-8")
    (tmp_path / "segments.jsonl").write_text(json.dumps(_seg("s.jsonl", "a")) + "\n", "utf-8")
    sample = tmp_path / "s.jsonl"
    sample.write_text('{"id": "a", "gold_garbled": false}\n', "utf-8")
    det = snapshot(tmp_path, [str(sample)])["detection"]
    assert det == {"labelled": 1, "tp": 0, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}


def test_read_segments_skips_blank_lines(tmp_path):
    (tmp_path / "segments.jsonl").write_text('{"a": 1}\n\n  \n{"a": 2}\n', "utf-8")
    assert list(read_segments(tmp_path)) == [{"a": 1}, {"a": 2}]


def test_gold_from_tsv_and_csv_cells(tmp_path):
    tsv = tmp_path / "s.tsv"
    tsv.write_text(
        "id\ttarget\tgold_garbled\tgold_checks\n"
        "r1\tx\tTRUE\trepetition, number_mismatch,\n"
        "r2\ty\t0\t\n"
        "r3\tz\t\t\n"
        "r4\tv\t1\t\n"
        "\tw\t1\t\n",
        "utf-8",
    )
    assert gold_labels(tsv) == {
        "r1": {"garbled": True, "checks": ["repetition", "number_mismatch"]},
        "r2": {"garbled": False, "checks": []},
        "r4": {"garbled": True, "checks": []},
    }
    csv = tmp_path / "s.csv"
    csv.write_text("\ufeffid,gold_garbled\nq,yes\np,no\n", "utf-8")  # BOM, comma-separated
    assert gold_labels(csv) == {
        "q": {"garbled": True, "checks": []},
        "p": {"garbled": False, "checks": []},
    }
    assert gold_labels(tmp_path / "plain.txt") == {}  # no labels, no sidecar


def test_gold_labels_from_a_jsonl_sample_and_editor_marks(tmp_path):
    s = tmp_path / "s.jsonl"
    s.write_text(
        '{"id": 7, "gold_garbled": 1, "gold_checks": ["byline"]}\n'
        '{"id": "e", "gold_garbled": false, "labelled_by": "review"}\n'
        '{"id": "n", "gold_garbled": null}\n'
        '{"gold_garbled": true}\n',
        "utf-8",
    )
    assert gold_labels(s) == {
        "7": {"garbled": True, "checks": ["byline"]},
        "e": {"garbled": False, "checks": [], "editor": True},
    }


def test_a_malformed_gold_line_is_named_by_file_and_line(tmp_path):
    s = tmp_path / "s.jsonl"
    s.write_text('{"id": "a", "gold_garbled": true}\n\n{"id": \n', "utf-8")
    with pytest.raises(InputError) as err:
        gold_labels(s)
    assert err.value.line == 3 and err.value.path == str(s)
    assert err.value.reason.startswith("malformed JSON: ")


def test_gold_sidecar_beside_the_sample_wins_and_names_keep_inner_dots(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    sample = tmp_path / "a.b.txt"
    assert gold_sidecar(sample, [extra]) is None
    (extra / "a.b.gold.jsonl").write_text("", "utf-8")
    assert gold_sidecar(sample, [extra]) == extra / "a.b.gold.jsonl"
    (tmp_path / "a.b.gold.jsonl").write_text("", "utf-8")
    assert gold_sidecar(sample, [extra]) == tmp_path / "a.b.gold.jsonl"
    # A name without a suffix is its own stem; a folder of the sidecar's name is no sidecar.
    (tmp_path / "README.gold.jsonl").mkdir()
    (extra / "README.gold.jsonl").write_text("", "utf-8")
    assert gold_sidecar(tmp_path / "README", [extra]) == extra / "README.gold.jsonl"


# -- compare: the branches one at a time ------------------------------------------------------


def _changes(old: dict, new: dict, tol: float = 0.1) -> dict[str, Change]:
    return {c.key: c for c in compare(old, new, tol)}


def test_run_wide_counts_compare_only_over_the_same_samples():
    old = {"samples": ["a"], "checks": {"repetition": 1}, "files": {"a": {"flags": 1}}}
    new = {"samples": ["a", "b"], "checks": {"repetition": 9}, "files": {"a": {"flags": 9}}}
    c = _changes(old, new)
    assert c["checks.repetition"] == Change("checks.repetition", 1, 9, False, False)
    assert c["files.a.flags"] == Change("files.a.flags", 1, 9, True, False)  # per file: still
    assert c["samples"] == Change("samples", ["a"], ["a", "b"], False, False)


def test_a_count_tolerance_is_relative_to_at_least_one():
    same = {"samples": ["a"]}
    # 0 -> 1 false positive: tolerance 0.5 x max(1, 0) = 0.5 < 1 -> regression.
    c = _changes(same | {"detection": {"fp": 0}}, same | {"detection": {"fp": 1}}, 0.5)
    assert c["detection.fp"].regression
    # 4 -> 5 with tolerance 0.25: 1 <= 0.25 x 4 -> not a regression; 0.2 x 4 = 0.8 < 1 -> one.
    old, new = same | {"detection": {"fp": 4}}, same | {"detection": {"fp": 5}}
    assert not _changes(old, new, 0.25)["detection.fp"].regression
    assert _changes(old, new, 0.2)["detection.fp"].regression


def test_metrics_tolerance_is_scaled_to_0_100_and_other_scores_are_not():
    old = {"metrics": {"after": {"bleu": 30.0}}, "quality": {"after": 0.8}}
    new = {"metrics": {"after": {"bleu": 25.0}}, "quality": {"after": 0.75}}
    c = _changes(old, new, 0.06)
    # bleu 5 points down: 5 <= 6 (0.06 x 100); quality 0.05 down: 0.05 <= 0.06.
    assert not c["metrics.after.bleu"].regression and not c["quality.after"].regression
    c = _changes(old, new, 0.04)
    assert c["metrics.after.bleu"].regression and c["quality.after"].regression


def test_vanished_and_appearing_figures():
    # compliance gone: no hits left to comply with, reported only.
    c = _changes({"glossary": {"compliance": 0.5}}, {"glossary": {"compliance": None}})
    assert c["glossary.compliance"] == Change("glossary.compliance", 0.5, None, False)
    # quality.after gone (a score): a regression; a scored figure appearing is no regression.
    c = _changes({"quality": {"after": 0.5}}, {"quality": {"before": 0.5}})
    assert c["quality.after"] == Change("quality.after", 0.5, None, True)
    assert c["quality.before"] == Change("quality.before", None, 0.5, False)
    # a check appearing from nothing: a regression above the tolerance only (tolerance 1).
    c = _changes({"samples": ["a"]}, {"samples": ["a"], "checks": {"x": 1}}, 1.0)
    assert c["checks.x"] == Change("checks.x", None, 1, False, False)
    c = _changes({"samples": ["a"]}, {"samples": ["a"], "checks": {"x": 2}}, 1.0)
    assert c["checks.x"] == Change("checks.x", None, 2, True, False)
    # a kept count appearing is not a check: reported only.
    c = _changes({}, {"files": {"a": {"kept": 3}}})
    assert c["files.a.kept"] == Change("files.a.kept", None, 3, False, False)


def test_a_kept_count_that_vanishes_counts_as_zero_kept():
    c = _changes({"decisions": {"kept": 3}}, {"decisions": {"kept": None}}, 0.0)
    # a count that vanishes counts as 0: 3 fewer kept, well past 0 x 3.
    assert c["decisions.kept"] == Change("decisions.kept", 3, None, True, False)


def test_improvements_are_any_move_the_right_way():
    c = _changes({"detection": {"recall": 0.5}}, {"detection": {"recall": 0.5001}}, 0.1)
    assert c["detection.recall"] == Change("detection.recall", 0.5, 0.5001, False, True)
    c = _changes({"metrics": {"after": {"ter": 40.0}}}, {"metrics": {"after": {"ter": 39.0}}})
    assert c["metrics.after.ter"] == Change("metrics.after.ter", 40.0, 39.0, False, True)


# -- check_baseline, tables -------------------------------------------------------------------


def test_check_baseline_accepts_null_groups_and_refuses_others():
    cur = {"format": 1, "detection": {"tp": 1}, "metrics": {"a": 1}}
    base = {"format": 1, "detection": None, "metrics": {}}
    assert check_baseline("b.json", base, cur) is base
    with pytest.raises(UsageError) as err:
        check_baseline("b.json", {"format": 1, "detection": [], "metrics": {}}, cur)
    assert str(err.value) == "b.json: not a regress baseline ('detection' is not an object)"
    with pytest.raises(UsageError) as err:
        check_baseline("b.json", {"format": 1}, cur)
    assert str(err.value) == (
        "b.json: not a regress baseline (no detection, metrics); write one with --update"
    )
    with pytest.raises(UsageError) as err:
        check_baseline("b.json", [], cur)
    assert str(err.value) == "b.json: not a regress baseline (expected a JSON object)"


def test_file_table_lines_by_hand():
    base = {"files": {"long-name.po": {"segments": 2, "flags": 0, "kept": 2, "quality": 0.5}}}
    now = {
        "files": {
            "long-name.po": {"segments": 2, "flags": 1, "kept": 2, "quality": 0.25},
            "b.txt": {"segments": 1, "flags": 0, "kept": 1, "quality": None},
            "same.txt": {"segments": 1},
        }
    }
    base["files"]["same.txt"] = {"segments": 1}
    lines = file_table(base, now).splitlines()
    # names sorted, width of the longest (12); each cell right-aligned in 17.
    assert lines == [
        f"{'file':<12}  " + "  ".join(f"{c:>17}" for c in ("segments", "flags", "kept", "quality")),
        f"{'b.txt':<12}  " + "  ".join(f"{c:>17}" for c in ("- -> 1", "- -> 0", "- -> 1", "-")),
        "long-name.po  " + "  ".join(f"{c:>17}" for c in ("2", "0 -> 1", "2", "0.5000 -> 0.2500")),
    ]
    assert file_table(base, base) == ""
    # names shorter than "file": the column is as wide as the header
    short = file_table({}, {"files": {"a": {"segments": 1}}}).splitlines()
    # "file" + 2 spaces + "segments" right-aligned in 17: it ends at 4 + 2 + 17
    assert short[0].index("segments") == 4 + 2 + 17 - len("segments")
    assert short[1] == "a   " + "  " + f"{'- -> 1':>17}" + "  " + "  ".join([f"{'-':>17}"] * 3)
    assert file_table({}, {}) == ""


def test_format_table_lines_by_hand():
    assert format_table([]) == "no changes against the baseline"
    rows = [
        Change("checks.x", 1, 3, True),
        Change("quality.after", 0.5, 0.75, False, True),
        Change("segments", None, 4, False),
    ]
    assert format_table(rows).splitlines() == [
        f"{'figure':<13}  {'baseline':>12}  {'now':>12}  ",
        f"{'checks.x':<13}  {'1':>12}  {'3':>12}  REGRESSION",
        f"{'quality.after':<13}  {'0.5000':>12}  {'0.7500':>12}  improved",
        f"{'segments':<13}  {'-':>12}  {'4':>12}  ",
    ]


def test_scores_are_rounded_to_four_places(tmp_path):
    rows = [
        _seg("a.txt", "L1", quality=0.2, candidates=[{"origin": "mt", "score": 0.0}]),
        _seg("a.txt", "L3", quality=0.1, glossary=_hits("flagged")),
        _seg("a.txt", "L5", quality=0.1, glossary=_hits("flagged", "replaced")),
    ]
    (tmp_path / "summary.json").write_text("{}", "utf-8")
    (tmp_path / "segments.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    snap = snapshot(tmp_path, [])
    # before (0.0 + 0.1 + 0.1) / 3 = 0.0667; after and the file (0.2 + 0.1 + 0.1) / 3 = 0.1333
    assert snap["quality"] == {"before": 0.0667, "after": 0.1333}
    assert snap["files"]["a.txt"]["quality"] == 0.1333
    # 3 hits, 2 only flagged: (3 - 2) / 3
    assert snap["glossary"]["compliance"] == 0.3333


@pytest.mark.parametrize(
    ("pairs", "tp", "fp", "fn", "precision", "recall"),
    [
        # (predicted garbled, gold garbled) per record
        ([(1, 1), (1, 0), (1, 0), (0, 1), (0, 1)], 1, 2, 2, 0.3333, 0.3333),  # 1/3, 1/3
        ([(1, 1), (1, 1), (0, 1), (0, 1)], 2, 0, 2, 1.0, 0.5),  # 2/2, 2/4
    ],
)
def test_detection_counts_and_rounding(tmp_path, pairs, tp, fp, fn, precision, recall):
    (tmp_path / "summary.json").write_text("{}", "utf-8")
    rows = [_seg("s.jsonl", f"r{i}", garbled=bool(p)) for i, (p, _) in enumerate(pairs)]
    (tmp_path / "segments.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    sample = tmp_path / "s.jsonl"
    sample.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "gold_garbled": bool(g)}) + "\n"
            for i, (_, g) in enumerate(pairs)
        )
    )
    det = snapshot(tmp_path, [str(sample)])["detection"]
    assert det == {
        "labelled": len(pairs),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
    }


def test_compare_boundaries():
    # an unchanged figure before a changed one is skipped, not the end of the list
    assert compare({"a": 1, "b": 2}, {"a": 1, "b": 3}, 0.1) == [Change("b", 2, 3, False)]
    # a per-file score that vanishes is a regression however small it was
    c = _changes({"files": {"a": {"quality": 0.05}}}, {"files": {"a": {"quality": None}}})
    assert c["files.a.quality"].regression
    # a count of 1 that vanishes is one fewer (to 0), beyond tolerance 0; 0 -> gone is no move
    c = _changes({"decisions": {"kept": 1}}, {"decisions": {"kept": None}}, 0.0)
    assert c["decisions.kept"] == Change("decisions.kept", 1, None, True, False)
    c = _changes({"decisions": {"kept": 0}}, {"decisions": {"kept": None}}, 0.0)
    assert c["decisions.kept"] == Change("decisions.kept", 0, None, False, False)
    # metrics: tolerance 0.05 is 5 points; 30 -> 24.98 is 5.02 down
    c = _changes(
        {"metrics": {"after": {"bleu": 30.0}}}, {"metrics": {"after": {"bleu": 24.98}}}, 0.05
    )
    assert c["metrics.after.bleu"].regression
    # a move of exactly the tolerance is within it
    c = _changes({"quality": {"after": 0.5}}, {"quality": {"after": 0.25}}, 0.25)
    assert not c["quality.after"].regression
    # a check appearing over other samples, and a new file's flags, are reported only
    c = _changes({"samples": ["a"]}, {"samples": ["b"], "checks": {"x": 5}})
    assert c["checks.x"] == Change("checks.x", None, 5, False, False)
    c = _changes({"samples": ["a"]}, {"samples": ["a"], "files": {"n": {"flags": 3}}})
    assert c["files.n.flags"] == Change("files.n.flags", None, 3, False, False)

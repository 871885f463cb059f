"""``review export-terms`` (TBX/TSV suggestions, gold labels), ``mtclean export`` (TSV/xlsx),
a chosen candidate applied, and ``--suppressions`` with a custom stage list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipeline.review.page import key_of
from pipeline.review.terms import changed_phrases
from tests.conftest import mtclean, read_jsonl

PO = """msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Source-Language: zh\\n"

msgid "欢迎来到乌鲁木齐。"
msgstr "Welcome to Wulumuqi."

msgid "再见"
msgstr "=Goodbye goodbye"
"""


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    base = tmp_path_factory.mktemp("terms")
    (base / "app.po").write_text(PO, encoding="utf-8")
    out = base / "run"
    proc = mtclean("run", str(base / "app.po"), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    return out


def _k(s: dict, *rest) -> str:
    return key_of(s["file"], s["record"], s["index"], *rest)


def _decisions(out: Path, tmp: Path, **parts) -> Path:
    fp = json.loads((out / "summary.json").read_text())["fingerprint"]
    p = tmp / "d.json"
    p.write_text(json.dumps({"version": 3, "fingerprint": fp, **parts}, ensure_ascii=False))
    return p


def test_changed_phrases_are_short_replacements_only():
    assert changed_phrases("Welcome to Wulumuqi.", "Welcome to Urumqi.") == [("Wulumuqi", "Urumqi")]
    assert changed_phrases("Goodbye goodbye", "Goodbye") == []  # a deletion is not a term
    long_old = "one two three four five"
    assert changed_phrases(f"A {long_old} B", "A six B") == []  # a rewrite, not a term


def test_export_terms_tbx_and_tsv_load_as_termbases_and_gold(finished, tmp_path):
    by = {s["record"]: s for s in read_jsonl(finished / "segments.jsonl")}
    welcome, bye = by["欢迎来到乌鲁木齐。"], by["再见"]
    d = _decisions(
        finished,
        tmp_path,
        edits={_k(welcome): "Welcome to Urumqi."},
        flags={_k(bye, "repetition"): "reject"},
    )
    for name in ("terms.tbx", "terms.tsv"):
        proc = mtclean(
            "review",
            "export-terms",
            str(finished),
            str(d),
            "--out",
            str(tmp_path / name),
            "--gold",
            str(tmp_path / "gold"),
        )
        assert proc.returncode == 0, proc.stderr
        assert "1 term suggestion(s) (status proposed)" in proc.stdout
    from pipeline.glossary.termbase import load_termbases

    for name in ("terms.tbx", "terms.tsv"):
        (term,) = load_termbases([str(tmp_path / name)])
        assert term.target == "Urumqi" and term.ambiguous == ["Wulumuqi"] and not term.variants
    tbx = (tmp_path / "terms.tbx").read_text("utf-8")
    assert "status: proposed" in tbx and "provisionallyProcessed" in tbx
    context = "app.po#欢迎来到乌鲁木齐。: 欢迎来到乌鲁木齐。 =&gt; Welcome to Urumqi."
    assert f'<descrip type="context">{context}</descrip>' in tbx
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "terms.tsv").read_text("utf-8")), delimiter="\t")
    )
    assert rows[0]["status"] == "proposed" and rows[0]["variants"] == "?Wulumuqi"
    gold = read_jsonl(tmp_path / "gold" / "app.gold.jsonl")
    assert {g["id"]: g["gold_garbled"] for g in gold} == {"欢迎来到乌鲁木齐。": True, "再见": False}
    assert all(g["labelled_by"] == "review" for g in gold)
    proc = mtclean(
        "review", "export-terms", str(finished), str(d), "--out", str(tmp_path / "t.csv")
    )
    assert proc.returncode == 2 and "expected a .tbx or .tsv" in proc.stderr


def test_export_tsv_and_xlsx_one_row_per_flagged_segment(finished, tmp_path):
    segs = read_jsonl(finished / "segments.jsonl")
    flagged = [s for s in segs if s["flags"]]
    by = {s["record"]: s for s in segs}
    d = _decisions(finished, tmp_path, segments={_k(by["再见"]): "reject"})
    out = tmp_path / "flags.tsv"
    proc = mtclean(
        "export", str(finished), "--format", "tsv", "--out", str(out), "--decisions", str(d)
    )
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8")), delimiter="\t"))
    assert len(rows) == len(flagged) >= 1
    assert list(rows[0]) == [
        "file",
        "unit",
        "index",
        "source",
        "target",
        "output",
        "checks",
        "severity",
        "evidence",
        "decision",
        "editor",
    ]
    bye = next(r for r in rows if r["unit"] == "再见")
    assert (
        bye["file"] == "app.po" and bye["source"] == "再见" and bye["target"] == "=Goodbye goodbye"
    )
    assert "repetition" in bye["checks"] and bye["editor"] == "reject"
    proc = mtclean("export", str(finished), "--format", "xlsx")
    assert proc.returncode == 0, proc.stderr
    from openpyxl import load_workbook

    ws = load_workbook(finished / "flags.xlsx").active
    values = list(ws.values)
    assert values[0][:5] == ("file", "unit", "index", "source", "target")
    assert len(values) == len(flagged) + 1
    assert any(v == "=Goodbye goodbye" for v in values[1])  # text, not a formula
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"  # never a formula
    assert mtclean("export", str(finished), "--format", "csv").returncode == 2


def test_a_chosen_candidate_is_applied(finished, tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(finished, run)
    segs = read_jsonl(run / "segments.jsonl")
    for s in segs:  # what a run with a model writes: candidates with origin and score
        if s["record"] == "再见":
            s["candidates"] = [
                {"origin": "mt", "text": s["target"], "score": 0.3, "reasons": []},
                {"origin": "retranslation", "text": "Goodbye", "score": 0.8, "reasons": []},
            ]
            bye = s
    (run / "segments.jsonl").write_text(
        "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in segs), encoding="utf-8"
    )
    d = _decisions(run, tmp_path, choices={_k(bye): {"origin": "retranslation", "text": "Goodbye"}})
    proc = mtclean("review", "apply", str(run), str(d))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'msgstr "Goodbye"\n' in (run / "cleaned" / "app.po").read_text("utf-8")
    d = _decisions(run, tmp_path, choices={_k(bye): {"origin": "mt", "text": "Invented"}})
    proc = mtclean("review", "apply", str(run), str(d))
    assert proc.returncode == 2 and "is not a candidate" in proc.stderr


def test_suppressions_join_a_custom_stage_list(tmp_path):
    from pipeline.config import Config
    from pipeline.stages.suppress import enable

    cfg = Config()
    cfg.run.stages = ["normalize", "repetition", "combine", "decide"]
    enable(cfg, "s.jsonl")
    assert cfg.run.stages == ["normalize", "repetition", "suppress", "combine", "decide"]
    assert cfg.stage_options["suppress"] == {"path": "s.jsonl"}
    before = list(cfg.run.stages)
    enable(cfg, None)
    assert cfg.run.stages == before

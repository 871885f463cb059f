"""``mtclean score`` reads quality-estimation TSVs whose columns name their language (issue 20):
``src_zh`` is the source, ``mt_en`` the target, ``ref_or_postedit_en`` the reference."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import read_jsonl

HEADER = "id\tsrc_zh\tmt_en\tscore_or_label\tref_or_postedit_en\n"
ROWS = [
    (
        "r1-sysA",
        "公园全年免费开放。",
        "The park is open free all year.",
        "0",
        "The park is free all year.",
    ),
    (
        "r1-sysB",
        "公园全年免费开放。",
        "Parks open for free year-round.",
        "-1",
        "The park is free all year.",
    ),
    ("r2-sysA", "茶叶价格下降。", "Tea prices fell.", "0", "Tea prices dropped."),
]


def test_score_reads_src_and_mt_columns(tmp_path: Path, cli) -> None:
    tsv = tmp_path / "qe.tsv"
    tsv.write_text(HEADER + "".join("\t".join(r) + "\n" for r in ROWS), encoding="utf-8")
    res = cli("score", str(tsv), "--out", str(tmp_path / "out"), "-q")
    assert res.returncode == 0, res.stderr
    segs = read_jsonl(tmp_path / "out" / "segments.jsonl")
    assert [s["target"] for s in segs] == [r[2] for r in ROWS]
    assert [s["source"] for s in segs] == [r[1] for r in ROWS]
    # The reference column gives metrics.
    assert all(s["metrics"] and "chrf" in s["metrics"] for s in segs)
    assert all(s["quality"] is not None for s in segs)


def test_a_header_with_neither_target_nor_mt_column_says_how_to_name_it(
    tmp_path: Path, cli
) -> None:
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("id\tsrc_zh\ttranslation\nr1\t茶\tTea\n", encoding="utf-8")
    res = cli("score", str(tsv), "--out", str(tmp_path / "out"), "-q")
    assert res.returncode == 2
    assert "no 'target' column (or one mt_<lang> column, e.g. mt_en)" in res.stderr
    assert "Traceback" not in res.stderr

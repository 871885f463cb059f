import json

from tests.conftest import ROOT, mtclean, read_jsonl

SHIPPED = str(ROOT / "glossary" / "xinjiang-aid.tsv")


def test_run_with_glossary_fixes_and_records_hits(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(
        "Every family in the river towns makes bad fish before the new year.\n\n"
        "The school covers 268 acres.\n",
        encoding="utf-8",
    )
    proc = mtclean("run", str(src), "--out", str(tmp_path / "o"), "--glossary", SHIPPED, "-q")
    assert proc.returncode == 0, proc.stderr
    segs = read_jsonl(tmp_path / "o" / "segments.jsonl")
    assert segs[0]["decision"] == "fixed"
    assert (
        segs[0]["output"] == "Every family in the river towns makes zao fish before the new year."
    )
    assert [f["check"] for f in segs[0]["flags"]] == ["glossary_known"]
    assert segs[0]["glossary"] == [
        {
            "term": "zao fish",
            "match": "bad fish",
            "start": 38,
            "end": 46,
            "action": "replaced",
            "replacement": "zao fish",
        }
    ]
    assert segs[1]["decision"] == "needs_review" and segs[1]["glossary"][0]["action"] == "flagged"
    cleaned = (tmp_path / "o" / "cleaned" / "a.txt").read_text(encoding="utf-8")
    assert "zao fish" in cleaned and "268 acres" in cleaned


def test_detect_with_glossary_rewrites_nothing(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Each spring the village smokes bad fish for guests.\n", encoding="utf-8")
    proc = mtclean("detect", str(src), "--out", str(tmp_path / "o"), "--glossary", SHIPPED, "-q")
    assert proc.returncode == 0
    seg = read_jsonl(tmp_path / "o" / "segments.jsonl")[0]
    assert seg["decision"] == "needs_review" and seg["output"] == seg["target"]
    assert [(h["action"], h["replacement"]) for h in seg["glossary"]] == [("flagged", "zao fish")]

    assert (tmp_path / "o" / "cleaned" / "a.txt").read_bytes() == src.read_bytes()


def test_bad_termbase_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\ttarget\n糟鱼\t\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x\n")
    proc = mtclean(
        "run", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--glossary", str(bad)
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"mtclean: error: {bad}:2: empty target"
    check = mtclean("glossary", "check", str(bad), SHIPPED)
    assert check.returncode == 2 and f"{bad}:2: empty target" in check.stderr
    assert check.stdout == ""  # an invalid set prints only its errors
    assert mtclean("glossary", "check", SHIPPED).returncode == 0


def test_glossary_stats():
    proc = mtclean("glossary", "stats", SHIPPED)
    assert proc.returncode == 0
    assert "terms: 25" in proc.stdout and "zh->en       25" in proc.stdout
    assert "place        11" in proc.stdout


def test_summary_counts_glossary_checks(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Officials from Kazakhstan met in Kashgar.\n", encoding="utf-8")
    mtclean("run", str(src), "--out", str(tmp_path / "o"), "--glossary", SHIPPED, "-q")
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["checks"]["glossary_known"] == 1
    assert summary["decisions"]["needs_review"] == 1


def test_glossary_stats_and_check_take_the_language_options(tmp_path):
    from tests.conftest import mtclean

    p = tmp_path / "g.tbx"
    p.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic"><text><body>\n'
        '<termEntry id="a"><langSet xml:lang="en-US"><tig><term>sync</term></tig></langSet>\n'
        '<langSet xml:lang="zh-Hant"><tig><term>同步</term></tig></langSet>\n'
        '<langSet xml:lang="de"><tig><term>Synchronisierung</term></tig></langSet></termEntry>\n'
        "</body></text></martif>\n",
        encoding="utf-8",
    )
    every = mtclean("glossary", "stats", str(p))
    assert every.returncode == 0 and "terms: 6 " in every.stdout  # 3 languages, 6 directions
    one = mtclean("glossary", "stats", "--src-lang", "en", "--tgt-lang", "zh-TW", str(p))
    assert one.returncode == 0 and "terms: 1 " in one.stdout and "en->zh" in one.stdout
    check = mtclean("glossary", "check", "--tgt-lang", "de", str(p))
    assert check.returncode == 0 and check.stdout == f"{p}: 2 terms, valid\n"
    bad = mtclean("glossary", "check", "--tgt-lang", "not a tag", str(p))
    assert bad.returncode == 2 and "--tgt-lang" in bad.stderr


def test_regress_has_language_options():
    from tests.conftest import mtclean

    text = mtclean("regress", "--help").stdout
    assert "--src-lang" in text and "--tgt-lang" in text

"""report.html: charts as inline SVG, worst segments with evidence marked, archive text escaped."""

import json

import pytest

from pipeline.quality.report import highlight, write_report

EVIL = (
    'Evil <script>window.pwned = 1</script> and <img src=x onerror="window.pwned=2"> '
    "tea tea tea tea."
)


@pytest.fixture
def run_dir(tmp_path):
    src = tmp_path / "news.txt"
    src.write_text(
        "A plain sentence that needs nothing.\n\n"
        + EVIL
        + "\n\nRelease time:Mar 3, 2023 09:15 AM\n",
        "utf-8",
    )
    out = tmp_path / "run"
    from pipeline.cli_score import prepare_config, score_run

    score_run([str(src)], str(out), prepare_config(None))
    return out


def test_report_has_svg_charts_and_escapes_archive_text(run_dir):
    html = (run_dir / "report.html").read_text("utf-8")
    assert html.count("<svg") >= 3 and "chart-quality" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'onerror="window' not in html
    assert "<mark" in html  # the repetition evidence is highlighted


def test_only_the_worst_n_are_listed(run_dir):
    write_report(run_dir, worst=1)
    html = (run_dir / "report.html").read_text("utf-8")
    assert html.count('<td class="q">') == 1
    rows = [json.loads(x) for x in (run_dir / "segments.jsonl").read_text("utf-8").splitlines()]
    worst = min(r["quality"] for r in rows)
    assert f'<td class="q">{worst:.3f}</td>' in html


def test_highlight_cuts_text_at_evidence_spans():
    flags = [{"check": "x", "evidence": {"start": 4, "end": 7, "reason": "r"}}]
    assert highlight("abc defg", flags) == [("abc ", None), ("def", "x: r"), ("g", None)]


@pytest.mark.slow
@pytest.mark.browser
def test_report_renders_in_headless_chromium(browser, run_dir, tmp_path):
    page = browser.new_page()
    page.goto((run_dir / "report.html").as_uri())
    assert page.evaluate("window.pwned === undefined")
    assert page.locator("svg rect").count() > 3
    assert page.locator("#worst tbody tr").count() >= 2
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert shot.stat().st_size > 5000


def test_inline_tag_placeholders_are_shown_as_numbered_tags():
    from pipeline.quality.report import shown

    assert shown("sells \ue000Longjing\ue001 tea") == "sells ⟨1⟩Longjing⟨2⟩ tea"
    assert shown("plain") == "plain"


def test_report_says_which_model_scored_each_pair_and_shows_the_reliability_curve(tmp_path):
    src = tmp_path / "mixed.jsonl"
    rows = [
        {"id": "a", "source": "公园免费。", "target": "The parks are free.", "src_lang": "zh"},
        {
            "id": "b",
            "source": "Die Parks sind frei.",
            "target": "The parks are free.",
            "src_lang": "de",
        },
        {
            "id": "c",
            "source": "Les parcs sont gratuits.",
            "target": "Parks are free.",
            "src_lang": "fr",
        },
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "run"
    from pipeline.cli_score import prepare_config, score_run

    score_run([str(src)], str(out), prepare_config(None))
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    models = summary["stage_stats"]["score"]["quality_models"]
    assert models["zh-en"] == {"model": "zh-en", "segments": 1, "why": "fitted for zh-en"}
    assert models["de-en"]["model"] == "pair-independent"
    assert "no model fitted for de-en" in models["de-en"]["why"]
    html = (out / "report.html").read_text("utf-8")
    assert 'id="chart-reliability"' in html and html.count("<circle") >= 5
    assert "no model fitted for fr-en" in html and "fitted for zh-en" in html

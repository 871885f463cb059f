"""report.html: axes and counts on every chart, a per-file table, and a per-check table with
the flags editors rejected (suppressed in this run)."""

from __future__ import annotations

import json

from lxml import html as lhtml

from pipeline.decisions import suppression
from tests.conftest import mtclean

PO = """msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Source-Language: en\\n"

msgctxt "menu"
msgid "Open the file"
msgstr "Ouvrir le fichier le fichier"

msgid "Close the window"
msgstr "Fermer la fenêtre la fenêtre"

msgid "Print the page"
msgstr "Imprimer la page"
"""


def test_report_tables_and_axes(tmp_path):
    src = tmp_path / "app.po"
    src.write_text(PO, encoding="utf-8")
    first = tmp_path / "first"
    assert mtclean("run", str(src), "--out", str(first), "-q").returncode == 0
    segs = [json.loads(x) for x in (first / "segments.jsonl").read_text("utf-8").splitlines()]
    closing = next(s for s in segs if s["record"] == "Close the window")
    assert [f["check"] for f in closing["flags"]] == ["repetition"]
    sup = tmp_path / "s.jsonl"
    sup.write_text(json.dumps(suppression(closing, "repetition")) + "\n", "utf-8")
    out = tmp_path / "run"
    proc = mtclean("score", str(src), "--out", str(out), "-q", "--suppressions", str(sup))
    assert proc.returncode == 0, proc.stderr
    doc = lhtml.fromstring((out / "report.html").read_bytes())

    files = doc.get_element_by_id("files")
    head = [th.text_content() for th in files.findall(".//thead//th")]
    row = [td.text_content() for td in files.findall(".//tbody/tr")[0].findall("td")]
    cells = dict(zip(head, row, strict=True))
    assert cells["file"] == "app.po" and cells["format"] == "po"
    assert (cells["records"], cells["segments"], cells["flags"]) == ("3", "3", "1")

    checks = doc.get_element_by_id("checks")
    rows = [[td.text_content() for td in tr.findall("td")] for tr in checks.findall(".//tbody/tr")]
    # one repetition flag left (the menu entry), one rejected by an editor: half of them
    assert rows == [["repetition", "1", "1", "50 %"]]

    for fig in ("chart-checks", "chart-decisions", "chart-quality"):
        svg = doc.get_element_by_id(fig).find(".//svg")
        assert svg.findall(".//line"), fig  # an axis
        ticks = [t.text for t in svg.findall(".//text") if t.get("class") == "tick"]
        assert ticks[0] == "0" and len(ticks) >= 2, (fig, ticks)
        assert any(t.get("class") == "axis-title" for t in svg.findall(".//text")), fig
    quality = doc.get_element_by_id("chart-quality").find(".//svg")
    counts = [int(t.text) for t in quality.findall(".//text") if t.get("class") == "count"]
    assert sum(counts) == 2 * 3  # before and after, three segments each
    # the PO context separator is spelled out, not a control character
    worst = doc.get_element_by_id("worst").text_content()
    assert "Open the file (context: menu)" in worst and "\x04" not in worst

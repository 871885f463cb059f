"""Issue 16 item 2: no check blanks or drops a human translation (a bilingual unit) by default."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from tests.checks.helpers import row, run_stage

SAME = "We will meet tomorrow at the station."


def _run(tmp_path: Path, name: str, text: str, *langs: str) -> tuple[str, list[dict]]:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", str(src), "--out", str(out), "-j", "1", "-q", *langs]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    return (out / "cleaned" / name).read_text("utf-8"), segs


def test_jsonl_repeated_target_with_another_source_is_reviewed_not_blanked(tmp_path):
    lines = [
        {"id": "a", "source": "我们明天在车站见。", "target": SAME},
        {"id": "b", "source": "我们后天在车站见。", "target": SAME},
    ]
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    cleaned, segs = _run(tmp_path, "t.jsonl", text, "--src-lang", "zh", "--tgt-lang", "en")
    assert [json.loads(x)["target"] for x in cleaned.splitlines()] == [SAME, SAME]
    assert [s["decision"] for s in segs] == ["kept", "needs_review"]
    assert segs[1]["flags"][0]["check"] == "duplicate"
    assert "another source" in segs[1]["flags"][0]["evidence"]["reason"]


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body>
<tu tuid="1"><tuv xml:lang="en"><seg>Open the settings window now</seg></tuv>
<tuv xml:lang="zh"><seg>现在打开设置窗口，然后点击保存按钮</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="en"><seg>Open the preferences window now</seg></tuv>
<tuv xml:lang="zh"><seg>现在打开设置窗口，然后点击保存按钮</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_repeated_target_keeps_its_seg(tmp_path):
    cleaned, segs = _run(tmp_path, "t.tmx", TMX, "--src-lang", "en", "--tgt-lang", "zh")
    assert "<seg></seg>" not in cleaned
    assert cleaned.count("现在打开设置窗口，然后点击保存按钮") == 2
    assert all(s["decision"] != "dropped" for s in segs)
    assert segs[1]["decision"] == "needs_review"


PO = """msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Save the current document to disk"
msgstr "Das aktuelle Dokument auf dem Datenträger speichern"

msgid "Save this document to the disk"
msgstr "Das aktuelle Dokument auf dem Datenträger speichern"
"""


def test_po_msgstr_is_never_emptied(tmp_path):
    cleaned, segs = _run(tmp_path, "de.po", PO, "--src-lang", "en", "--tgt-lang", "de")
    assert 'msgstr ""\n\nmsgid "Save this' not in cleaned
    assert cleaned.count('msgstr "Das aktuelle Dokument auf dem Datenträger speichern"') == 2
    assert [s["decision"] for s in segs] == ["kept", "needs_review"]


def test_monolingual_repeat_is_still_dropped():
    head = "The third group of volunteer teachers settles in at the county school"
    rows = [row(head, record="A"), row(head, record="B")]
    out = run_stage("duplicate", rows)
    assert out[1]["flags"][0]["evidence"]["reason"] == "repeats A#0 exactly"


def test_keyword_tail_does_not_cut_a_bilingual_target():
    t = "Mountain villages open forty new reading rooms | libraries | rural life"
    mono = run_stage("keyword_tail", [row(t)])[0]
    bi = run_stage("keyword_tail", [row(t, source="山村新开四十间阅览室 | 图书馆 | 乡村生活")])[0]
    assert mono["output"] == "Mountain villages open forty new reading rooms"
    assert bi["output"] == t and bi["flags"][0]["check"] == "keyword_tail"

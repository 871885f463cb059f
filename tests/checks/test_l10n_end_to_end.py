"""Issue 16 end to end: ``python -m pipeline run`` on small files of each format and direction.

Every file states its languages (except JSONL, which cannot), so no language option is given;
each test checks the findings a translator needs, the noise that must stay away, that the
cleaned file keeps every human target, and that checks count the rows of pairs they skip.
The texts are written for these tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, name: str, text: str, *opts: str) -> tuple[dict, list[dict], str]:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out), "-q", "-j", "1"]
    res = subprocess.run(cmd + list(opts), capture_output=True, text=True, env=env, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    return summary, segs, (out / "cleaned" / name).read_text("utf-8")


def _checks(seg: dict) -> list[str]:
    return sorted(f["check"] for f in seg["flags"])


def _by_source(segs: list[dict]) -> dict[str, dict]:
    return {s["source"]: s for s in segs}


PO_EN_ZH = r"""msgid ""
msgstr ""
"Language: zh_CN\n"
"Content-Type: text/plain; charset=UTF-8\n"

msgid "Cannot open the file %s for writing"
msgstr "无法打开文件进行写入"

msgid "<unavailable>"
msgstr "<不可用>"

msgid "Open <b>%(name)s</b> now"
msgstr "立即打开 %(name)s"

msgid "Settings of Constance"
msgstr "Constance设置"

msgid "Delete"
msgstr "删除"

msgid "Remove"
msgstr "删除"
"""


def test_po_en_zh_placeholders_and_html_tags_not_text_in_angle_brackets(tmp_path):
    summary, segs, cleaned = _run(tmp_path, "app.po", PO_EN_ZH)
    by = _by_source(segs)
    assert _checks(by["Cannot open the file %s for writing"]) == ["placeholder_mismatch"]
    # "<unavailable>" is text in angle brackets, translated: no tag is lost
    assert _checks(by["<unavailable>"]) == []
    tags = [f for f in by["Open <b>%(name)s</b> now"]["flags"] if f["check"] == "tag_mismatch"]
    assert sorted(f["evidence"]["text"] for f in tags) == ["</b>", "<b>"]
    # a product name next to Chinese text is not another language
    assert _checks(by["Settings of Constance"]) == []
    # two short UI strings may share a translation
    assert "duplicate" not in _checks(by["Remove"])
    # the target's language came from the header: Chinese has no capitals, 6 rows skipped
    assert summary["stage_stats"]["start_capital"]["skipped_pair"] == 6
    for tgt in ("无法打开文件进行写入", "<不可用>", "立即打开 %(name)s", "Constance设置"):
        assert f'msgstr "{tgt}"' in cleaned


XLIFF12_EN_JA = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="en" target-language="ja" datatype="plaintext" original="ui">
  <body>
   <trans-unit id="1"><source>See https://example.org/help for details.</source>
    <target>詳しくは https://example.org/hlp を参照してください。</target></trans-unit>
   <trans-unit id="2"><source>URL name</source><target>URL名</target></trans-unit>
   <trans-unit id="3"><source>Click <g id="1">Save</g> to keep your changes.</source>
    <target>変更を保存するにはクリックしてください。</target></trans-unit>
   <trans-unit id="4"><source>This value is not a valid ISBN-13.</source>
    <target>有効なISBN-13コードではありません。</target></trans-unit>
  </body>
 </file>
</xliff>
"""


def test_xliff12_en_ja_urls_inline_codes_and_latin_terms(tmp_path):
    summary, segs, cleaned = _run(tmp_path, "ui.xlf", XLIFF12_EN_JA)
    by = _by_source(segs)
    url = by["See https://example.org/help for details."]
    assert _checks(url) == ["url_mismatch", "url_mismatch"]  # one lost, one added
    assert {f["evidence"]["text"] for f in url["flags"]} == {
        "https://example.org/help",
        "https://example.org/hlp",
    }
    assert _checks(by["URL name"]) == []
    assert _checks(by["This value is not a valid ISBN-13."]) == []
    inline = next(s for s in segs if s["source"].startswith("Click"))
    assert "tag_mismatch" in _checks(inline)
    assert summary["stage_stats"]["start_capital"]["skipped_pair"] == 4
    assert '<g id="1">' not in cleaned.split("<target>", 3)[3]  # the target is as it was
    assert "詳しくは https://example.org/hlp を参照してください。" in cleaned


XLIFF2_EN_DE = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="de">
 <file id="f1">
  <unit id="u1"><segment><source>Delete {count} files?</source>
   <target>Dateien löschen?</target></segment></unit>
  <unit id="u2"><segment><source>Yes</source><target>Ja</target></segment></unit>
  <unit id="u3"><segment><source>OK</source><target>Ja</target></segment></unit>
  <unit id="u4"><segment><source>Saved.</source><target>gespeichert.</target></segment></unit>
 </file>
</xliff>
"""


def test_xliff2_en_de_braces_capitals_and_short_strings(tmp_path):
    summary, segs, cleaned = _run(tmp_path, "ui.xlf", XLIFF2_EN_DE)
    by = _by_source(segs)
    flags = by["Delete {count} files?"]["flags"]
    assert [(f["check"], f["evidence"]["text"]) for f in flags] == [
        ("placeholder_mismatch", "{count}")
    ]
    assert "duplicate" not in _checks(by["OK"])
    assert _checks(by["Saved."]) == ["start_capital"]  # German is cased: judged, not skipped
    assert "start_capital" not in summary["stage_stats"] or not summary["stage_stats"][
        "start_capital"
    ].get("skipped_pair")
    assert "<target>Dateien löschen?</target>" in cleaned


TMX_ZH_EN = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
 <header srclang="zh-CN" datatype="plaintext" segtype="sentence" adminlang="en"
   creationtool="hand" creationtoolversion="1" o-tmf="none"/>
 <body>
  <tu><tuv xml:lang="zh-CN"><seg>我们明天在车站见面，请准时到达。</seg></tuv>
      <tuv xml:lang="en"><seg>We will meet at the station tomorrow, please be on time.</seg>
      </tuv></tu>
  <tu><tuv xml:lang="zh-CN"><seg>我们后天在车站见面，请准时到达。</seg></tuv>
      <tuv xml:lang="en"><seg>We will meet at the station tomorrow, please be on time.</seg>
      </tuv></tu>
  <tu><tuv xml:lang="zh-CN"><seg>共有 3 个文件等待上传。</seg></tuv>
      <tuv xml:lang="en"><seg>There are 5 files waiting to be uploaded.</seg></tuv></tu>
  <tu><tuv xml:lang="zh-CN"><seg>确定</seg></tuv><tuv xml:lang="en"><seg>OK</seg></tuv></tu>
  <tu><tuv xml:lang="zh-CN"><seg>好的</seg></tuv><tuv xml:lang="en"><seg>OK</seg></tuv></tu>
 </body>
</tmx>
"""


def test_tmx_zh_en_repeated_target_reviewed_numbers_and_no_blanking(tmp_path):
    summary, segs, cleaned = _run(tmp_path, "tm.tmx", TMX_ZH_EN)
    by = _by_source(segs)
    assert _checks(by["我们明天在车站见面，请准时到达。"]) == []
    later = by["我们后天在车站见面，请准时到达。"]
    assert "duplicate" in _checks(later) and later["decision"] == "needs_review"
    assert "number_mismatch" in _checks(by["共有 3 个文件等待上传。"])
    assert "duplicate" not in _checks(by["好的"])  # "OK" for two short sources is normal
    # nothing blanked: both repeated targets are still in the cleaned TM
    assert cleaned.count("<seg>We will meet at the station tomorrow, please be on time.</seg>") == 2
    # a Chinese source has no Latin names to set apart: entity_mismatch judges every row
    assert not summary["stage_stats"]["entity_mismatch"].get("skipped_pair")


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
 <text><body>
  <termEntry id="t1">
   <langSet xml:lang="en"><tig><term>folder</term></tig></langSet>
   <langSet xml:lang="fr">
    <tig><term>dossier</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>répertoire</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   </langSet>
  </termEntry>
 </body></text>
</martif>
"""

PO_EN_FR = r"""msgid ""
msgstr ""
"Language: fr\n"
"Content-Type: text/plain; charset=UTF-8\n"

msgid "Open the folder"
msgstr "Ouvrir le dossier"

msgid "Delete the folder"
msgstr "Supprimer le répertoire"
"""


def test_tbx_glossary_en_fr_fixes_only_the_known_wrong_variant(tmp_path):
    (tmp_path / "terms.tbx").write_text(TBX, encoding="utf-8")
    _, segs, cleaned = _run(tmp_path, "fr.po", PO_EN_FR, "--glossary", str(tmp_path / "terms.tbx"))
    by = _by_source(segs)
    kept = by["Open the folder"]
    assert kept["output"] == "Ouvrir le dossier" and "term_missing" not in _checks(kept)
    assert by["Delete the folder"]["output"] == "Supprimer le dossier"
    assert 'msgstr "Ouvrir le dossier"' in cleaned


JSONL_EN_JA = [
    {"id": "a", "source": "First line\n", "target": "一行目"},
    {"id": "b", "source": "&File", "target": "ファイル"},
    {"id": "c", "source": "Upload to Amazon S3", "target": "Amazon S3 にアップロード"},
]


@pytest.mark.parametrize("opts", [("--src-lang", "en", "--tgt-lang", "ja")])
def test_jsonl_en_ja_newlines_accelerators_and_names(tmp_path, opts):
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in JSONL_EN_JA)
    _, segs, cleaned = _run(tmp_path, "t.jsonl", text, *opts)
    by = _by_source(segs)
    assert "whitespace_mismatch" in _checks(by["First line\n"])
    assert "accelerator_mismatch" in _checks(by["&File"])
    assert _checks(by["Upload to Amazon S3"]) == []
    assert [json.loads(x)["target"] for x in cleaned.splitlines()] == [
        x["target"] for x in JSONL_EN_JA
    ]


PO_EN_JA_PLURAL = r"""msgid ""
msgstr ""
"Language: ja\n"
"Plural-Forms: nplurals=1; plural=0;\n"
"Content-Type: text/plain; charset=UTF-8\n"

#, python-format
msgid "1 file was deleted."
msgid_plural "%(count)s files were deleted."
msgstr[0] "%(count)s 個のファイルを削除しました。"

#, python-format
msgid "1 folder was moved."
msgid_plural "%(count)s folders were moved."
msgstr[0] "フォルダを移動しました。"
"""


def test_po_en_ja_one_plural_form_is_judged_against_msgid_plural(tmp_path):
    _, segs, cleaned = _run(tmp_path, "ja.po", PO_EN_JA_PLURAL)
    # msgstr[0] is the only form: it renders "%(count)s files", so %(count)s belongs there
    assert [(s["source"], _checks(s)) for s in segs] == [
        ("%(count)s files were deleted.", []),
        ("%(count)s folders were moved.", ["placeholder_mismatch"]),
    ]
    assert 'msgstr[0] "フォルダを移動しました。"' in cleaned

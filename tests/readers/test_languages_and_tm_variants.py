"""Languages from the file (issue 16 item 1) and the TM-reader variants of issue 21 item 3: tiny
fixtures in tests/data/l10n/ (en->zh, zh->en, en->de, en->ja, zh-TW), each asserting ids,
sources, languages and byte-exact write-back. Expected values are read off the fixtures by hand.

Languages: the file wins. A language the file states (TMX header/tuv, XLIFF source-/target-
language or srcLang/trgLang, PO Language header or file name) is used whatever --src-lang and
--tgt-lang say; the options fill in only where the file is silent. PO sources are English unless
the file or --src-lang says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.readers import iter_records
from pipeline.readers.registry import format_for
from pipeline.records import Record
from tests.conftest import ROOT

L10N = ROOT / "tests" / "data" / "l10n"


def recs(name: str, tgt_lang: str = "en", src_lang: str | None = None) -> list[Record]:
    """As the runner reads them: --tgt-lang defaults to en there too."""
    out = list(iter_records(str(L10N / name), src_lang=src_lang, tgt_lang=tgt_lang))
    assert all(isinstance(r, Record) for r in out)
    return out  # type: ignore[return-value]


def table(name: str, **kw) -> list[tuple]:
    return [(r.id, r.source, r.target, r.src_lang, r.tgt_lang) for r in recs(name, **kw)]


def splice(path: Path, changes: dict[str, str], **kw) -> bytes:
    data = path.read_bytes()
    fmt = format_for(str(path))
    out, pos = [], 0
    for rec in recs(path.name, **kw):
        if rec.id in changes:
            s, e = rec.span
            out += [data[pos:s], fmt.render(rec, changes[rec.id]).encode("utf-8")]
            pos = e
    out.append(data[pos:])
    return b"".join(out)


# -- TMX


def test_tmx_two_languages_target_is_the_other_one_without_any_option():
    # header srclang="en"; the default --tgt-lang en must not refuse the file (it did).
    assert table("app.en-zh.tmx") == [
        ("open", "Open the file", "打开文件", "en", "zh-CN"),
        ("save", "Save {0} files", "保存 {0} 个文件", "en", "zh-CN"),  # zh <tuv> first
    ]


def test_tmx_srclang_all_takes_each_units_first_tuv():
    assert table("notes.all.zh-en.tmx") == [
        ("n1", "今天下雨。", "It rains today.", "zh", "en"),
        ("n2", "Good morning.", "早上好。", "en", "zh"),
    ]


def test_tmx_write_back_is_byte_exact():
    path = L10N / "app.en-zh.tmx"
    new = splice(path, {"open": "打开此文件"})
    assert new == path.read_bytes().replace("打开文件".encode(), "打开此文件".encode())


# -- XLIFF


def test_xliff_file_languages_win_over_tgt_lang_and_multi_file_ids_differ():
    expected = [
        ("menu.properties\x041", "File", "Datei", "en", "de"),
        ("dialog.properties\x041", "Cancel", "Abbrechen", "en", "de"),
    ]  # unit 2 is translate="no": no record
    assert table("menu.en-de.xlf") == expected
    assert table("menu.en-de.xlf", tgt_lang="fr", src_lang="ja") == expected


def test_xliff_2_after_4_kb_of_comments_translate_no_and_brace_placeholders():
    path = L10N / "guide.en-ja.xlf"
    assert path.read_bytes().index(b"<xliff") > 4096
    (rec,) = recs(path.name)
    assert (rec.id, rec.source, rec.target, rec.src_lang, rec.tgt_lang) == (
        "u1",
        "Press {0} to start.",
        "{0} を押して開始します。",
        "en",
        "ja",
    )
    fmt = format_for(str(path))
    assert fmt.render_problem(rec, "を押して開始します。") == "placeholders changed: lost {0}"
    assert fmt.render(rec, "を押して開始します。") == rec.extra.raw
    new = splice(path, {"u1": "{0} を押すと開始します。"})
    assert new == path.read_bytes().replace("押して".encode(), "押すと".encode())


# -- PO


def test_po_target_from_the_file_name_source_english_and_plural_sources():
    rows = table("zh_TW.po")
    assert rows == [
        ("One file\x000", "One file", "一個檔案", "en", "zh-TW"),
        ("One file\x001", "%d files", "%d 個檔案", "en", "zh-TW"),
        ("Open {0}", "Open {0}", "開啟 {0}", "en", "zh-TW"),
        ("Line one\nLine two", "Line one\nLine two", "第一行\n第二行", "en", "zh-TW"),
    ]
    # --src-lang fills in where the file is silent
    assert {r[3] for r in table("zh_TW.po", src_lang="fr")} == {"fr"}


def test_po_crlf_written_back_with_crlf():
    path = L10N / "zh_TW.po"
    new = splice(path, {"Line one\nLine two": "第一行\n第2行", "Open {0}": "打開 {0}"})
    old = path.read_bytes()
    want = old.replace('"第二行"'.encode(), '"第2行"'.encode()).replace(
        '"開啟 {0}"'.encode(), '"打開 {0}"'.encode()
    )
    assert new == want and new.count(b"\r\n") == old.count(b"\r\n")


def test_po_brace_placeholder_is_protected():
    rec = next(r for r in recs("zh_TW.po") if r.id == "Open {0}")
    fmt = format_for(rec.doc)
    assert fmt.render_problem(rec, "開啟") == "placeholders changed: lost {0}"
    assert fmt.render(rec, "開啟") == '"開啟 {0}"'


def test_pot_with_charset_placeholder_is_read_with_its_language():
    assert table("app.pot") == [("Quit", "Quit", "終了", "en", "ja")]


def test_every_fixture_runs_without_a_language_option(tmp_path):
    from tests.conftest import mtclean

    proc = mtclean("run", str(L10N), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    # 2 + 2 TMX, 2 + 1 XLIFF, 4 + 1 PO records; nothing changed, so every file byte-identical
    assert "12 records (0 rejected)" in proc.stdout
    for src in L10N.iterdir():
        assert (tmp_path / "out" / "cleaned" / src.name).read_bytes() == src.read_bytes()

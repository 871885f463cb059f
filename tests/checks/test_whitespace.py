from tests.checks.helpers import flags_of


def _r(src: str, tgt: str, lang: str = "de") -> list[str]:
    fl = flags_of("whitespace_mismatch", tgt, source=src, src_lang="en", tgt_lang=lang)
    return [f["evidence"]["reason"] for f in fl]


def test_msgid_ends_in_newline_msgstr_not():
    assert _r("Usage: prog [options]\n", "Aufruf: prog [Optionen]") == [
        "source has '\\n' at the end, target nothing"
    ]


def test_leading_space_for_concatenation():
    fl = flags_of("whitespace_mismatch", " Dateien", source=" files", tgt_lang="de")
    assert fl == []
    assert _r(" files", "Dateien") == ["source has ' ' at the start, target nothing"]


def test_cjk_target_may_drop_spaces_not_newlines():
    assert _r(" CPU usage", "CPU 使用率", "zh") == []
    assert _r("Done.\n", "完成。", "zh") == ["source has '\\n' at the end, target nothing"]


def test_inner_line_breaks_counted():
    assert _r("Line one\nLine two", "Zeile eins Zeile zwei") == [
        "1 line breaks inside the source, 0 in the target"
    ]

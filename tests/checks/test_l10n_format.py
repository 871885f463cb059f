"""end_punctuation, bracket_pairing, accelerator_mismatch, start_capital on hand-made pairs."""

from tests.checks.helpers import flags_of


def _r(check: str, src: str | None, tgt: str, **kw) -> list[str]:
    return [f["evidence"]["reason"] for f in flags_of(check, tgt, source=src, **kw)]


def test_fullwidth_stop_equals_stop():
    assert _r("end_punctuation", "The file was saved.", "文件已保存。") == []
    assert _r("end_punctuation", "Continue?", "¿Continuar?") == []
    assert _r("end_punctuation", "Loading...", "正在加载……") == []
    assert _r("end_punctuation", "Delete the file?", "Datei löschen.") == [
        "source ends with quest, target with stop"
    ]


def test_stop_lost_has_a_span():
    fl = flags_of("end_punctuation", "文件已保存", source="The file was saved.")
    assert fl[0]["evidence"]["reason"] == "source ends with stop, target with no punctuation"
    # a question the source does not ask changes the meaning (an added stop or "!" does not)
    fl = flags_of("end_punctuation", "Fertig?", source="Done")
    assert fl[0]["evidence"]["text"] == "?"
    assert flags_of("end_punctuation", "Fertig!", source="Done") == []


def test_label_colon_is_not_judged():
    assert _r("end_punctuation", "Name:", "Name") == []


def test_brackets_fullwidth():
    assert _r("bracket_pairing", "Open (file)", "打开（文件）") == []
    fl = flags_of("bracket_pairing", "打开（文件", source="Open (file)")
    assert [(f["evidence"]["start"], f["evidence"]["text"]) for f in fl] == [(2, "（")]
    assert _r("bracket_pairing", "Open (file)", "打开「文件』") == [
        "'「' has no matching closer",
        "'』' has no matching opener",
    ]


def test_unbalanced_source_excuses_target():
    assert _r("bracket_pairing", "1) first 2) second", "1) erstens 2) zweitens") == []


def test_accelerators():
    assert _r("accelerator_mismatch", "&File", "文件(&F)") == []
    assert _r("accelerator_mismatch", "_Open", "_Öffnen") == []
    assert _r("accelerator_mismatch", "&File", "Datei") == ["accelerator & of the source missing"]
    assert _r("accelerator_mismatch", "_Open", "打开") == ["accelerator _ of the source missing"]
    assert _r("accelerator_mismatch", "Tom && Jerry", "Tom && Jerry") == []
    assert _r("accelerator_mismatch", "Set my_var here", "my_var hier setzen") == []


def test_capital_only_for_cased_pairs():
    kw = {"src_lang": "en", "tgt_lang": "de"}
    assert _r("start_capital", "Open the file", "öffnen Sie die Datei", **kw) == [
        "source starts with a capital, target does not"
    ]
    assert _r("start_capital", "Open the file", "Öffnen Sie die Datei", **kw) == []
    assert _r("start_capital", "Run npm install", "npm install ausführen", **kw) == []
    assert _r("start_capital", "打开文件", "open the file", src_lang="zh", tgt_lang="en") == []

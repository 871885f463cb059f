from tests.checks.helpers import flags_of


def _reasons(src: str, tgt: str) -> list[str]:
    return [f["evidence"]["reason"] for f in flags_of("placeholder_mismatch", tgt, source=src)]


def test_printf_lost_in_zh_target():
    fl = flags_of(
        "placeholder_mismatch", "無法建立暫存檔案", source="Cannot open output file %s (%s)"
    )
    assert len(fl) == 1 and fl[0]["evidence"]["text"] == "%s"
    assert fl[0]["evidence"]["reason"] == "placeholder %s of the source missing (2x)"


def test_added_placeholder_has_a_span():
    t = "喚醒設備 %s"
    fl = flags_of("placeholder_mismatch", t, source="Wake status of the devices")
    ev = fl[0]["evidence"]
    assert t[ev["start"] : ev["end"]] == "%s"


def test_brace_lost():
    assert _reasons("cpu package {}", "cpu 代號") == ["placeholder {} of the source missing"]


def test_positional_length_modifiers_and_named():
    src = "%1$lld files in %2$s, %(user)s"
    assert _reasons(src, "%2$s 中有 %1$lld 个文件，%(user)s") == []
    assert _reasons(src, "%2$s 中有 %1$d 个文件，%(user)s") == [
        "placeholder %1$lld of the source missing",
        "placeholder %1$d not in the source",
    ]


def test_icu_plural_head_compared_branches_are_text():
    src = "{count, plural, one {# file} other {# files}}"
    assert _reasons(src, "{count, plural, other {# Dateien}}") == []
    assert _reasons(src, "{anzahl, plural, other {# Dateien}}") != []


def test_qt_java_and_literal_percent():
    assert _reasons("Page %1 of %2", "Seite %1 von %2") == []
    assert _reasons("Page %1 of %2", "Seite %1") == ["placeholder %2 of the source missing"]
    assert _reasons("Saved {0} items", "Saved items") == ["placeholder {0} of the source missing"]
    assert _reasons("100%% done, 50 % of it", "100%% fertig, 50 % davon") == []


def test_unnumbered_printf_reordered():
    r = _reasons("%s of %d", "%d von %s")
    assert len(r) == 1 and r[0].startswith("printf placeholders reordered")


def test_monolingual_row_is_skipped():
    assert flags_of("placeholder_mismatch", "Only %s here") == []


def test_named_printf_may_be_reordered():
    assert _reasons("%(n)d call in %(t).2fms", "%(t).2fms 内 %(n)d 次调用") == []


def test_placeholders_skip_text_without_percent_or_brace_and_still_find_both():
    from pipeline.checks.placeholders import placeholders

    assert placeholders("50 per cent of the plain text") == []
    assert [t for t, *_ in placeholders("%s and {0}")] == ["%s", "{0}"]

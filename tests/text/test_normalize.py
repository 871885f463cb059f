import unicodedata

from pipeline.text.normalize import changed_span, normalize


def test_mojibake_is_repaired_with_evidence():
    out, flags = normalize("The cafÃ© opened.")
    assert out == "The café opened."
    assert [f["check"] for f in flags] == ["mojibake"]
    ev = flags[0]["evidence"]
    assert "The cafÃ© opened."[ev["start"] : ev["end"]] == ev["text"] == "Ã©"


def test_nfc_composition_is_flagged():
    decomposed = unicodedata.normalize("NFD", "Ürümqi")
    out, flags = normalize(decomposed)
    assert out == "Ürümqi" and [f["check"] for f in flags] == ["unicode_nfc"]


def test_control_characters_removed_but_layout_kept():
    out, flags = normalize("a\x00b\tc\x7f")
    assert out == "ab\tc"
    assert flags[0]["check"] == "control_chars" and "U+0000" in flags[0]["evidence"]["reason"]


def test_chinese_full_width_punctuation_and_quotes_untouched():
    s = "市民说：“好！”（完）‘quoted’ “curly”"
    assert normalize(s) == (s, [])


def test_changed_span():
    assert changed_span("abcXYdef", "abcZdef") == (3, 5, 4)
    assert changed_span("same", "same") == (4, 4, 4)


def test_stray_control_pattern_is_exactly_category_cc_less_tab_and_line_breaks():
    import unicodedata

    from pipeline.text.normalize import _STRAY_CONTROL

    for c in range(0x250):  # Cc lives entirely below U+00A0; check a margin past it
        ch = chr(c)
        expected = unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"
        assert bool(_STRAY_CONTROL.fullmatch(ch)) == expected, hex(c)

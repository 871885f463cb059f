from tests.checks.helpers import flags_of


def _r(src: str, tgt: str) -> list[str]:
    return [f["evidence"]["reason"] for f in flags_of("tag_mismatch", tgt, source=src)]


def test_html_tag_lost_and_added():
    assert _r("Click <b>Save</b> now", "Klicken Sie jetzt auf Speichern") == [
        "tag <b> of the source missing",
        "tag </b> of the source missing",
    ]
    fl = flags_of("tag_mismatch", "单击<i>保存</i>", source="Click Save")
    assert [f["evidence"]["text"] for f in fl] == ["<i>", "</i>"]


def test_attributes_do_not_matter_order_does():
    src = '<a href="x">Link</a> and <b>bold</b>'
    assert _r(src, '<a href="y">Lien</a> et <b>gras</b>') == []
    assert _r(src, "<b>gras</b> et <a href='x'>lien</a>")[0].startswith("tags in another order")


def test_inline_codes_counted():
    assert _r("Click \ue000Save\ue001 now", "Jetzt \ue000Speichern\ue001 klicken") == []
    assert _r("Click \ue000Save\ue001 now", "Jetzt Speichern klicken") == [
        "2 inline codes in the source, 0 in the target"
    ]


def test_less_than_is_not_a_tag():
    assert _r("if a < b and c > d", "wenn a < b und c > d") == []

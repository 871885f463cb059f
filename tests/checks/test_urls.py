from tests.checks.helpers import flags_of


def _r(src: str, tgt: str) -> list[str]:
    return [f["evidence"]["reason"] for f in flags_of("url_mismatch", tgt, source=src)]


def test_url_kept_with_fullwidth_punctuation_after_it():
    assert _r("See https://example.org/docs.", "请参阅 https://example.org/docs。") == []


def test_url_changed():
    fl = flags_of(
        "url_mismatch", "Siehe https://example.de/doku", source="See https://example.org/docs"
    )
    assert [f["evidence"]["reason"] for f in fl] == [
        "url https://example.org/docs of the source missing",
        "url https://example.de/doku not in the source",
    ]
    assert fl[1]["evidence"]["start"] == 6


def test_email_and_path():
    assert _r("Write to help@example.org", "Schreiben Sie an hilfe@example.org") == [
        "email help@example.org of the source missing",
        "email hilfe@example.org not in the source",
    ]
    assert _r("Edit /etc/app/app.conf", "编辑 /etc/app/应用.conf") != []
    assert _r("Edit /etc/app/app.conf", "编辑 /etc/app/app.conf 文件") == []


def test_a_slash_is_not_a_path():
    assert _r("and/or 5 km/h", "und/oder 5 km/h") == []


def test_locators_skip_text_without_a_marker_and_still_find_each_kind():
    from pipeline.checks.urls import locators

    assert locators("A plain sentence, with no link: 50 km, 3.5 m.") == []
    assert [k for *_, k in locators("www.example.org/a")] == ["url"]
    assert [k for *_, k in locators("mail me: a.b@example.org")] == ["email"]
    assert [k for *_, k in locators(r"in C:\Users\me\x.txt")] == ["path"]
    assert [k for *_, k in locators("see /etc/nginx/nginx.conf")] == ["path"]

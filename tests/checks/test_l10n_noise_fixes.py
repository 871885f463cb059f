"""False alarms seen on real PO files (django-debug-toolbar de), as hand-made units."""

from tests.checks.helpers import flags_of, row, run_stage


def test_plural_forms_of_one_unit_are_not_inconsistent():
    rows = [
        row(
            "%(n)d Empfänger von %(m)d Signalen",
            source="%(n)d receiver of %(m)d signals",
            record="%(n)d receiver of %(m)d signals\x000",
        ),
        row(
            "%(n)d Empfänger von %(m)d Signalen",
            source="%(n)d receivers of %(m)d signals",
            record="%(n)d receiver of %(m)d signals\x001",
        ),
    ]
    for check in ("duplicate", "translation_inconsistency", "inconsistency"):
        assert [r["flags"] for r in run_stage(check, [dict(r) for r in rows])] == [[], []]


def test_angle_brackets_around_words_are_not_tags():
    assert flags_of("tag_mismatch", "<kein View>", source="<no view>") == []
    assert flags_of("tag_mismatch", '<a href="x">y</a>', source='<a href="x">y</a>') == []


def test_same_script_copy_is_minor_near_copy_none():
    kw = {"src_lang": "en", "tgt_lang": "de"}
    fl = flags_of("source_copy", "Read uncommitted", source="Read uncommitted", **kw)
    assert [f["severity"] for f in fl] == ["minor"]
    src = "Templates (%(num)s rendered)"
    assert flags_of("source_copy", "Templates (%(num)s gerendert)", source=src, **kw) == []
    zh = flags_of(
        "source_copy", "打开设置窗口", source="打开设置窗口", src_lang="zh", tgt_lang="en"
    )
    assert [f["severity"] for f in zh] == ["critical"]


def test_placeholders_do_not_make_a_latin_target_english():
    fl = flags_of(
        "language_id",
        "%(cache_calls)d Abfragen in %(time).2fms",
        source="%(cache_calls)d calls in %(time).2fms",
        tgt_lang="de",
    )
    assert fl == []

import pytest

from pipeline.glossary.termbase import TermbaseError, load_termbase, load_termbases

HEADER = "source\ttarget\tvariants\tnote\tcase\tdnt\tdomain\n"


def to_en(terms):
    """The zh->en term of a one-entry zh/en TBX (the en->zh one is its mirror)."""
    assert sorted((t.src_lang, t.tgt_lang) for t in terms) == [("en", "zh"), ("zh", "en")]
    return next(t for t in terms if t.tgt_lang == "en")


def tb(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_tsv_columns(tmp_path):
    p = tb(
        tmp_path,
        "a.tsv",
        HEADER + "糟鱼\tzao fish\tbad fish|?rotten fish\tpickled\t\t\tfood\n"
        "\tSAIC\t\t\tsensitive\tyes\torg\n",
    )
    a, b = load_termbase(p)
    assert (a.sources, a.target, a.variants, a.ambiguous, a.domain) == (
        ["糟鱼"],
        "zao fish",
        ["bad fish"],
        ["rotten fish"],
        "food",
    )
    assert a.case_sensitive is None and b.case_sensitive is True and b.dnt and b.line == 3


def test_csv_with_quotes(tmp_path):
    p = tb(tmp_path, "a.csv", 'source,target,note\n喀什,Kashgar,"city, Xinjiang"\n')
    assert load_termbase(p)[0].note == "city, Xinjiang"


@pytest.mark.parametrize(
    "body,line,reason",
    [
        ("糟鱼\t\tbad fish\t\t\t\t\n", 2, "empty target"),
        ("糟鱼\tzao fish\t\t\tsometimes\t\t\n", 2, "case must be"),
        ("糟鱼\tzao fish\n", 2, "expected 7 fields"),
        ("喀什\tKashgar\t\t\t\t\t\n喀什\tKashgar\t\t\t\t\t\n", 3, "duplicate entry"),
        ("\tKashgar\tKashi\t\t\t\t\n\tKashi City\tKashi\t\t\t\t\n", 3, "variant 'Kashi' corrects"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, body, line, reason):
    p = tb(tmp_path, "g.tsv", HEADER + body)
    with pytest.raises(TermbaseError) as err:
        load_termbases([p])
    assert str(err.value).startswith(f"{p}:{line}: ") and reason in str(err.value)


TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en">
 <text><body>
  <termEntry id="t1">
   <descrip type="subjectField">food</descrip>
   <langSet xml:lang="zh"><tig><term>糟鱼</term></tig></langSet>
   <langSet xml:lang="en">
    <tig><term>zao fish</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>bad fish</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>rotten fish</term>
      <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote>
      <termNote type="usageNote">ambiguous: context-dependent</termNote></tig>
   </langSet>
  </termEntry>
 </body></text>
</martif>
"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dct" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <text><body>
  <conceptEntry id="c1">
   <langSec xml:lang="zh"><termSec><term>喀什</term></termSec></langSec>
   <langSec xml:lang="en">
    <termSec><term>Kashgar</term>
     <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
    <termSec><term>Kashi</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
   </langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_tbx_v2_with_a_dtd_it_never_fetches(tmp_path):
    t = to_en(load_termbase(tb(tmp_path, "a.tbx", TBX2)))
    assert (t.sources, t.target, t.variants, t.ambiguous, t.domain) == (
        ["糟鱼"],
        "zao fish",
        ["bad fish"],
        ["rotten fish"],
        "food",
    )


def test_tbx_v3(tmp_path):
    t = to_en(load_termbase(tb(tmp_path, "a.tbx", TBX3)))
    assert (t.sources, t.target, t.variants) == (["喀什"], "Kashgar", ["Kashi"])


@pytest.mark.parametrize(
    "doctype,reason",
    [
        (
            '<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            "entity declarations are not allowed",
        ),
        (
            '<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            "entity declarations are not allowed",
        ),
    ],
)
def test_tbx_entities_are_refused(tmp_path, doctype, reason):
    bomb = TBX2.replace('<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">', doctype)
    bomb = bomb.replace(
        "<term>糟鱼</term>", "<term>&b;</term>" if "ENTITY b" in doctype else "<term>&x;</term>"
    )
    with pytest.raises(TermbaseError, match=reason):
        load_termbase(tb(tmp_path, "bomb.tbx", bomb))


def test_tbx_malformed_gives_line(tmp_path):
    with pytest.raises(TermbaseError) as err:
        load_termbase(tb(tmp_path, "bad.tbx", TBX2.replace("</langSet>\n  </termEntry>", "")))
    assert "bad.tbx:" in str(err.value) and "malformed XML" in str(err.value)


def test_shipped_termbase_is_valid():
    from tests.conftest import ROOT

    terms = load_termbases([str(ROOT / "glossary" / "xinjiang-aid.tsv")])
    by_src = {s: t for t in terms for s in t.sources}
    assert by_src["糟鱼"].target == "zao fish" and "bad fish" in by_src["糟鱼"].variants
    assert by_src["亩"].ambiguous == ["acres"] and by_src["喀什"].ambiguous == ["Kazakhstan"]
    assert by_src["十四五规划"].target == "14th Five-Year Plan"
    assert all(t.note for t in terms)


def test_stats_count_every_kind_of_surface(tmp_path):
    p = tb(
        tmp_path,
        "s.tsv",
        HEADER + "糟鱼|糟魚\tzao fish\tbad fish|rotten fish|?pickled fish|~zaoyu\t\t\t\tfood\n"
        "\tSAIC\t~Shanghai Auto\t\tsensitive\tyes\torg\n"
        "喀什\tKashgar\t?Kazakhstan\t\t\t\t\n",
    )
    from pipeline.glossary.termbase import stats_lines, termbase_stats

    terms = load_termbases([p])
    assert termbase_stats(terms) == {
        "terms": 3,
        "sources": 3,
        "variants": 2,
        "ambiguous": 2,
        "minor": 2,
        "dnt": 1,
        "by_pair": {"zh->en": 3},
        "by_domain": {"(none)": 1, "food": 1, "org": 1},
    }
    assert stats_lines(terms) == [
        "terms: 3  sources: 3  variants: 2  ambiguous: 2  minor: 2  do-not-translate: 1",
        "by language pair:",
        "  zh->en       3",
        "by domain:",
        "  (none)       1",
        "  food         1",
        "  org          1",
    ]


def test_missing_file_and_unknown_format_name_the_file(tmp_path):
    missing = str(tmp_path / "nope.tsv")
    with pytest.raises(TermbaseError) as err:
        load_termbases([missing])
    assert str(err.value) == f"{missing}: no such termbase file"
    odd = tb(tmp_path, "g.json", "{}")
    with pytest.raises(TermbaseError) as err:
        load_termbase(odd)
    assert str(err.value) == f"{odd}: unknown termbase format '.json' (expected .tsv, .csv, .tbx)"


def test_txt_is_tab_separated_xml_is_tbx_and_suffixes_ignore_case(tmp_path):
    (a,) = load_termbase(tb(tmp_path, "g.TXT", "target\tnote\nKashgar\tcity, west\n"))
    assert (a.target, a.note) == ("Kashgar", "city, west")
    b = to_en(load_termbase(tb(tmp_path, "g.XML", TBX3)))
    assert b.target == "Kashgar"


def test_every_table_column_is_read(tmp_path):
    p = tb(
        tmp_path,
        "g.tsv",
        "source\ttarget\tnote\tdnt\tsrc_lang\ttgt_lang\tcase\n"
        "喀什\tKashgar\t city \t\tzh-CN\ten_GB\tinsensitive\n"
        "\tSAIC\t\tTrue\t\t\t\n",
    )
    a, b = load_termbase(p)
    assert (a.note, a.dnt, a.src_lang, a.tgt_lang, a.case_sensitive) == (
        "city",
        False,
        "zh",
        "en",
        False,
    )
    assert (b.note, b.dnt, b.src_lang, b.tgt_lang, b.case_sensitive) == ("", True, "zh", "en", None)
    assert (a.file, a.line, a.where) == (p, 2, f"{p}:2")


def test_crlf_rows_and_quoted_line_breaks_keep_line_numbers(tmp_path):
    p = tmp_path / "g.csv"
    p.write_bytes(b'target,note\r\nKashgar,"two\r\nlines"\r\nHotan,x\r\n')
    a, b = load_termbase(str(p))
    assert (a.note, a.line, b.target, b.line) == ("two\r\nlines", 2, "Hotan", 4)


TBX_NOTES = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic">
 <text><body>
  <termEntry id="t1">
   <descrip type="definition">a pickled fish</descrip>
   <note>from the river towns</note>
   <descripGrp><descrip type="context">sold in jars</descrip></descripGrp>
   <langSet lang="zh"><ntig><term>糟鱼</term></ntig></langSet>
   <langSet lang="en"><ntig><term>zao fish</term></ntig>
    <ntig><term>old fish</term>
     <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></ntig>
   </langSet>
  </termEntry>
 </body></text>
</martif>
"""


def test_tbx_notes_plain_lang_attribute_and_minor_terms(tmp_path):
    t = to_en(load_termbase(tb(tmp_path, "n.tbx", TBX_NOTES)))
    assert (t.target, t.sources, t.src_lang, t.tgt_lang) == ("zao fish", ["糟鱼"], "zh", "en")
    assert t.note == "a pickled fish; from the river towns; sold in jars"
    assert (t.minor, t.variants, t.ambiguous, t.domain, t.line) == (["old fish"], [], [], "", 4)


def test_tbx_comments_are_not_term_text(tmp_path):
    text = TBX3.replace("<term>Kashi</term>", "<term>Ka<!-- note -->shi</term>")
    t = to_en(load_termbase(tb(tmp_path, "c.tbx", text)))
    assert t.variants == ["Kashi"]


def test_same_target_with_different_sources_is_not_a_duplicate(tmp_path):
    p = tb(tmp_path, "g.tsv", HEADER + "喀什\tKashgar\t\t\t\t\t\n喀什市\tKashgar\t\t\t\t\t\n")
    assert [t.sources for t in load_termbases([p])] == [["喀什"], ["喀什市"]]
    q = tb(
        tmp_path, "h.tsv", HEADER + "喀什|疏附\tKashgar\t\t\t\t\t\n疏附|喀什\tKashgar\t\t\t\t\t\n"
    )
    with pytest.raises(TermbaseError, match="duplicate entry for 'Kashgar'"):
        load_termbases([q])


def test_a_source_with_two_targets_accepts_both(tmp_path):
    # sync -> 同步 and sync -> 同步處理 (two entries): no conflict, each accepts the other.
    p = tb(
        tmp_path,
        "g.tsv",
        "source\ttarget\tsrc_lang\ttgt_lang\nsync\t同步\ten\tzh-TW\nsync\t同步處理\ten\tzh-TW\n",
    )
    a, b = load_termbases([p])
    assert (a.accepted, b.accepted) == (["同步處理"], ["同步"])
    assert a.several_targets and b.several_targets


TBX_MULTI = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
 <text><body>
  <termEntry id="c1">
   <langSet xml:lang="en-US">
    <tig><term>synchronize</term></tig>
    <tig><term>sync</term>
     <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
   </langSet>
   <langSet xml:lang="zh-Hant">
    <tig><term>同步</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>同步處理</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>同期</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   </langSet>
   <langSet xml:lang="de"><tig><term>synchronisieren</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""


def test_tbx_every_pair_in_both_directions_and_several_preferred_targets(tmp_path):
    terms = {(t.src_lang, t.tgt_lang): t for t in load_termbase(tb(tmp_path, "m.tbx", TBX_MULTI))}
    # 3 languages -> 6 ordered pairs; en-US/zh-Hant are compared by base language
    assert sorted(terms) == [
        ("de", "en"), ("de", "zh"), ("en", "de"), ("en", "zh"), ("zh", "de"), ("zh", "en")
    ]  # fmt: skip
    en_zh = terms[("en", "zh")]
    assert (en_zh.target, en_zh.accepted, en_zh.variants) == ("同步", ["同步處理"], ["同期"])
    assert en_zh.sources == ["synchronize", "sync"] and en_zh.langs_stated
    zh_en = terms[("zh", "en")]
    assert (zh_en.target, zh_en.accepted, zh_en.sources) == (
        "synchronize",
        ["sync"],
        ["同步", "同步處理"],
    )


def test_tbx_every_bad_entry_is_reported_with_its_line(tmp_path):
    body = TBX_MULTI.replace("<term>synchronize</term>", "<term> </term>")
    body = body.replace(
        "</body>",
        '<termEntry id="c2">\n<langSet xml:lang="en"><tig><term>x</term></tig></langSet>\n'
        "</termEntry>\n</body>",
    )
    p = tb(tmp_path, "bad.tbx", body)
    with pytest.raises(TermbaseError) as err:
        load_termbase(p)
    assert err.value.lines() == [
        f"{p}:6: empty <term>",
        f"{p}:20: needs preferred or admitted terms in two languages (has: en)",
    ]
    assert "\n" not in str(err.value) and str(err.value).count(f"{p}:") == 2


def test_table_every_bad_row_is_reported(tmp_path):
    p = tb(tmp_path, "g.tsv", HEADER + "a\t\t\t\t\t\t\nb\tB\t\t\tsometimes\t\t\nc\tC\n")
    with pytest.raises(TermbaseError) as err:
        load_termbases([p])
    assert [x.split(": ", 1)[0] for x in err.value.lines()] == [f"{p}:2", f"{p}:3", f"{p}:4"]


def test_persian_zwnj_inside_a_word_is_kept(tmp_path):
    p = tb(tmp_path, "fa.tsv", "source\ttarget\nloading\tبارگذاری\u200cشده\n")
    said = []
    (t,) = load_termbases([p], warn=said.append)
    assert t.target == "بارگذاری\u200cشده" and said == []


def test_bidi_marks_are_stripped_with_a_warning(tmp_path):
    p = tb(tmp_path, "g.tsv", "source\ttarget\nsync\t\u200f同步\u200e\n")
    said = []
    (t,) = load_termbases([p], warn=said.append)
    assert t.target == "同步" and said == [
        f"{p}:2: invisible character(s) U+200E, U+200F stripped from '同步'"
    ]

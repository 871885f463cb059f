from pipeline.glossary.matcher import TermMatcher, fold
from pipeline.glossary.termbase import Term


def m(*terms):
    return TermMatcher(list(terms))


def found(matcher, text):
    return [(x.text, x.kind) for x in matcher.find(text)]


def test_whole_words_for_latin():
    z = m(Term(target="Zapp County"))
    assert found(z, "Zapp Countyside, Zapp County's and ZAPP COUNTY.") == [
        ("Zapp County", "approved"),
        ("ZAPP COUNTY", "approved"),
    ]
    assert found(m(Term(target="mu")), "mutual mu, 268 mu") == [("mu", "approved")] * 2
    assert found(m(Term(target="Ürümqi")), "inÜrümqi Ürümqi's") == [("Ürümqi", "approved")]


def test_cjk_is_plain_substring():
    t = m(Term(target="Kashgar", sources=["喀什"]))
    assert found(t, "喀什市和喀什地区") == [("喀什", "source")] * 2


def test_case_per_entry():
    t = m(Term(target="SAIC", case_sensitive=True), Term(target="zha", variants=["chi"]))
    assert found(t, "saic SAIC Chi chi") == [
        ("SAIC", "approved"),
        ("Chi", "variant"),
        ("chi", "variant"),
    ]


def test_longest_match_wins_and_no_match_inside_another():
    t = m(
        Term(target="Xinjiang"),
        Term(
            target="Aid Coordination Office",
            variants=["Coordination Office of Aid to Xinjiang Work"],
        ),
    )
    assert found(t, "the Coordination Office of Aid to Xinjiang Work in Xinjiang") == [
        ("Coordination Office of Aid to Xinjiang Work", "variant"),
        ("Xinjiang", "approved"),
    ]


def test_fold_keeps_length():
    s = "İstanbul ΣΑΣ"
    assert len(fold(s)) == len(s)


def test_known_wrong_hook():
    t = m(
        Term(target="mu", sources=["亩"], ambiguous=["acres"], note="land unit"),
        Term(target="zao fish", variants=["bad fish"]),
    )
    hits = t.known_wrong("bad fish on 3 acres and 2 亩")
    assert [(h.wrong, h.approved, h.ambiguous) for h in hits] == [
        ("bad fish", "zao fish", False),
        ("acres", "mu", True),
        ("亩", "mu", False),
    ]
    assert "untranslated" in hits[2].note


def test_fold_lowers_and_keeps_characters_whose_lower_case_is_longer():
    assert fold("Zapp COUNTY") == "zapp county"
    assert fold("İZMIR") == "İzmir"  # "İ".lower() is two characters: kept as it is


def test_cjk_hangul_and_supplementary_ideographs_make_no_word_boundary():
    from pipeline.glossary.matcher import _is_word_char

    # The first and last assigned characters of each range, and letters either side of them.
    for ch in ["\u3041", "\u4e00", "\u9fff", "\uac00", "\ud7a3", "\uf900", "\ufad9", "\U00020000"]:
        assert not _is_word_char(ch), f"U+{ord(ch):04X}"
    for ch in ["a", "Z", "7", "é", "Ж", "ß"]:
        assert _is_word_char(ch), ch
    t = m(Term(target="mu", sources=["亩"]))
    assert (
        found(t, "3亩地, 田mu田, 豈mu, 𠀀mu, 5mu") == [("亩", "source")] + [("mu", "approved")] * 3
    )


def test_boundaries_at_the_first_and_last_character():
    z = m(Term(target="Zapp County"))
    assert found(z, "aZapp County") == []
    assert found(z, "Zapp Countya") == []
    assert found(m(Term(target="Wi-Fi 6")), "Wi-Fi 60 and Wi-Fi 6") == [("Wi-Fi 6", "approved")]


def test_do_not_translate_terms_match_verbatim_but_their_variants_do_not():
    t = m(Term(target="WeChat Pay", dnt=True, variants=["Weixin Pay"]))
    assert found(t, "wechat pay, WeChat Pay, weixin pay") == [
        ("WeChat Pay", "approved"),
        ("weixin pay", "variant"),
    ]


def test_non_latin_terms_are_exact_by_default_latin_ones_are_not():
    t = m(Term(target="Άλφα Βήτα"), Term(target="Oak Hill"))
    assert found(t, "άλφα βήτα, Άλφα Βήτα, oak hill") == [
        ("Άλφα Βήτα", "approved"),
        ("oak hill", "approved"),
    ]
    forced = m(Term(target="Oak Hill", case_sensitive=True))
    assert found(forced, "oak hill Oak Hill") == [("Oak Hill", "approved")]


def test_an_empty_key_does_not_stop_the_keys_after_it():
    t = m(Term(target="zao fish", ambiguous=[""], minor=["", "old fish"], sources=["糟鱼"]))
    assert found(t, "old fish, 糟鱼") == [("old fish", "minor"), ("糟鱼", "source")]


def test_known_wrong_reports_every_kind_but_approved_and_dnt_sources():
    t = m(
        Term(target="zao fish", sources=["糟鱼"], variants=["bad fish"], note="food"),
        Term(target="Kashgar", sources=["喀什"], minor=["Kashi"]),
        Term(target="5G", sources=["五G"], dnt=True),
    )
    hits = t.known_wrong("zao fish, bad fish, 糟鱼, Kashi, 喀什, 5G, 五G")
    assert [(h.wrong, h.approved, h.minor, h.ambiguous, h.note) for h in hits] == [
        ("bad fish", "zao fish", False, False, "food"),
        ("糟鱼", "zao fish", False, False, "untranslated source term; food"),
        ("Kashi", "Kashgar", True, False, ""),
        ("喀什", "Kashgar", False, False, "untranslated source term"),
    ]
    assert [(h.start, h.end) for h in hits] == [(10, 18), (20, 22), (24, 29), (31, 33)]


def test_matcher_for_rebuilds_when_the_file_changes(tmp_path):
    import os

    from pipeline.glossary.matcher import matcher_for

    p = tmp_path / "g.tsv"
    p.write_text("target\nKashgar\n", encoding="utf-8")
    first = matcher_for([str(p)])
    assert matcher_for([str(p)]) is first  # same files, same sizes and times: shared
    p.write_text("target\nHotan City\n", encoding="utf-8")
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    second = matcher_for([str(p)])
    assert second is not first and [t.target for t in second.terms] == ["Hotan City"]


def test_a_matcher_survives_pickling_with_its_memo():
    import pickle

    t = m(Term(target="zao fish", variants=["bad fish"]))
    t.find("bad fish")
    copy = pickle.loads(pickle.dumps(t))
    assert found(copy, "bad fish") == [("bad fish", "variant")]
    assert copy.find("bad fish") is copy.find("bad fish")  # memoised again after unpickling

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

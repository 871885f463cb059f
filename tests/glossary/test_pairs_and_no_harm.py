"""Issue 16 item 2 (glossary part) and issue 19 item 6: a rewrite only where a known-wrong
variant is present, never where a right rendering already is, never nested in its own
expansion, never inside a word (grapheme clusters), all-caps variants only in capitals.
Expected texts are written by hand."""

from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.stage import Glossary
from pipeline.glossary.termbase import Term
from tests.checks.helpers import row

EN_ZH = [
    Term(
        target="核糖核酸（RNA）", sources=["RNA"], src_lang="en", tgt_lang="zh", langs_stated=True
    ),
    Term(
        target="严重急性呼吸综合征冠状病毒 2（SARS-CoV-2）",
        sources=["SARS-CoV-2"],
        src_lang="en",
        tgt_lang="zh",
        langs_stated=True,
    ),
    Term(
        target="症状",
        sources=["symptom"],
        variants=["病征"],
        src_lang="en",
        tgt_lang="zh",
        langs_stated=True,
    ),
    Term(
        target="症状", sources=["symptoms"], src_lang="en", tgt_lang="zh", langs_stated=True
    ),  # a second entry with the same target
]


def seg(terms, text, source=None, tgt_lang="en"):
    stage = Glossary(terms=terms)
    out = stage.apply({k: [v] for k, v in row(text, source=source, tgt_lang=tgt_lang).items()})
    return out["output"][0], out["glossary"][0], out["flags"][0]


def test_abbreviation_kept_in_a_chinese_target_is_right():
    # en->zh: "RNA" in the Chinese text is the term's own abbreviation: nothing changes.
    out, hits, flags = seg(EN_ZH, "病毒的RNA序列已经公布。", "The viral RNA sequence is out.", "zh")
    assert out == "病毒的RNA序列已经公布。"
    assert [(h["match"], h["action"]) for h in hits] == [("RNA", "kept")]
    assert flags == []


def test_no_expansion_nested_around_an_existing_expansion():
    text = "严重急性呼吸综合征冠状病毒 2（SARS-CoV-2）是一种病毒，SARS-CoV-2 会变异。"
    out, hits, flags = seg(EN_ZH, text, "SARS-CoV-2 is a virus; SARS-CoV-2 mutates.", "zh")
    assert out == text and flags == []
    assert all(h["action"] == "kept" for h in hits)


def test_full_form_alone_counts_as_present_for_term_missing():
    out, _, flags = seg(EN_ZH, "核糖核酸是遗传物质。", "RNA is genetic material.", "zh")
    assert out == "核糖核酸是遗传物质。" and flags == []


def test_term_missing_not_fired_when_the_target_holds_the_term_of_another_entry():
    _, _, flags = seg(EN_ZH, "主要症状是发热。", "The main symptoms are fever.", "zh")
    assert flags == []
    _, _, flags = seg(EN_ZH, "主要表现是发热。", "The main symptoms are fever.", "zh")
    assert [f["check"] for f in flags] == ["term_missing"]


def test_variant_still_rewritten_en_to_zh_but_not_when_the_preferred_term_is_there():
    out, hits, _ = seg(EN_ZH, "主要病征是发热。", "The main symptom is fever.", "zh")
    assert out == "主要症状是发热。" and hits[0]["action"] == "replaced"
    out, hits, _ = seg(EN_ZH, "症状（旧称病征）", "symptom", "zh")
    assert out == "症状（旧称病征）"
    assert [(h["match"], h["action"]) for h in hits] == [("症状", "kept"), ("病征", "flagged")]


def test_zh_to_en_source_left_untranslated_is_replaced_only_when_the_term_is_absent():
    terms = [Term(target="Kashgar", sources=["喀什"], src_lang="zh", tgt_lang="en")]
    out, _, _ = seg(terms, "Visit 喀什 in May.", "五月去喀什。")
    assert out == "Visit Kashgar in May."
    out, hits, _ = seg(terms, "Visit Kashgar (喀什) in May.", "五月去喀什。")
    assert out == "Visit Kashgar (喀什) in May."
    assert [h["action"] for h in hits] == ["kept", "kept"]


def test_terms_apply_only_to_their_stated_target_language():
    zh_en = Term(
        target="symptom", sources=["症状"], src_lang="zh", tgt_lang="en", langs_stated=True
    )
    en_zh = Term(
        target="症状", sources=["symptom"], src_lang="en", tgt_lang="zh", langs_stated=True
    )
    # In an English target "symptom" is zh->en's approved term, not en->zh's source term.
    out, hits, _ = seg([en_zh, zh_en], "A symptom.", None, "en")
    assert out == "A symptom." and [(h["match"], h["action"]) for h in hits] == [
        ("symptom", "kept")
    ]
    out, hits, _ = seg([en_zh, zh_en], "A sign of 症状.", None, "en")
    assert out == "A sign of symptom." and [h["action"] for h in hits] == ["replaced"]
    # and in a Chinese target the en->zh term is the one that applies
    out, hits, _ = seg([en_zh, zh_en], "一个symptom。", None, "zh")
    assert out == "一个症状。" and [h["match"] for h in hits] == ["symptom"]


def test_a_source_with_several_targets_is_flagged_not_replaced():
    a = Term(target="同步", sources=["sync"], src_lang="en", tgt_lang="zh", several_targets=True,
             accepted=["同步處理"], langs_stated=True)  # fmt: skip
    out, hits, _ = seg([a], "請 sync 資料", "Sync the data", "zh")
    assert out == "請 sync 資料" and hits[0]["action"] == "flagged"
    out, hits, flags = seg([a], "請同步處理資料", "Sync the data", "zh")
    assert out == "請同步處理資料" and flags == []


# -- issue 19 item 6: inside words


def test_combining_vowel_signs_keep_the_word_whole():
    # Hindi: variant "कम" (a word) must not match the start of "कमाई" (क म ा ई) nor of "कमा".
    hi = [Term(target="थोड़ा", variants=["कम"], src_lang="en", tgt_lang="hi")]
    for word in ("कमाई", "कमा"):
        out, hits, _ = seg(hi, f"उसकी {word} अच्छी है", None, "hi")
        assert out == f"उसकी {word} अच्छी है" and hits == []
    out, _, _ = seg(hi, "बहुत कम है", None, "hi")
    assert out == "बहुत थोड़ा है"
    # Bengali: "কর" must not match inside "করেন" (ে is a vowel sign, Mc).
    bn = TermMatcher([Term(target="X", variants=["কর"])])
    assert bn.find("তিনি করেন") == () and len(bn.find("তিনি কর")) == 1


def test_all_caps_variant_matches_only_capitals():
    terms = [
        Term(target="information technology", variants=["IT"]),
        Term(target="World Health Organization", variants=["WHO"]),
    ]
    out, hits, _ = seg(terms, "Take it or leave it, who knows.")
    assert out == "Take it or leave it, who knows." and hits == []
    out, _, _ = seg(terms, "IT asked the WHO.")
    assert out == "INFORMATION TECHNOLOGY asked the WORLD HEALTH ORGANIZATION."
    # the termbase may say otherwise
    loose = [Term(target="information technology", variants=["IT"], case_sensitive=False)]
    assert seg(loose, "Take it.")[0] == "Take information technology."


def test_persian_zwnj_term_matches_as_one_word():
    fa = TermMatcher([Term(target="بارگذاری\u200cشده", variants=["لود\u200cشده"])])
    assert [m.kind for m in fa.find("فایل لود\u200cشده است")] == ["variant"]
    assert fa.find("فایل لود\u200cشدهها") == ()  # followed by letters: inside a word

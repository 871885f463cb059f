from pipeline.glossary.stage import Glossary, cased
from pipeline.glossary.termbase import Term
from tests.checks.helpers import row

TERMS = [
    Term(target="zao fish", sources=["糟鱼"], variants=["bad fish"]),
    Term(target="Kashgar", sources=["喀什"], ambiguous=["Kazakhstan"]),
    Term(target="zha", sources=["鲊"], variants=["chi"]),
    Term(target="14th Five-Year Plan", sources=["十四五规划"], variants=["14th Five Year Plan"]),
    Term(target="5G", dnt=True, case_sensitive=True),
]


def seg(text, **kw):
    stage = Glossary(terms=TERMS)
    out = stage.apply({k: [v] for k, v in row(text, **kw).items()})
    return out["output"][0], out["glossary"][0], out["flags"][0]


def test_variant_replaced_with_capitalisation_and_possessive():
    out, hits, _ = seg("Bad fish is loved. The bad fish's taste.")
    assert out == "Zao fish is loved. The zao fish's taste."
    assert [(h["match"], h["action"], h["replacement"], h["start"]) for h in hits] == [
        ("Bad fish", "replaced", "Zao fish", 0),
        ("bad fish", "replaced", "zao fish", 23),
    ]
    assert cased("zao fish", "BAD FISH") == "ZAO FISH"


def test_source_term_left_in_target_is_translated():
    out, hits, _ = seg('"鲊" originally meant pickled fish.')
    assert out == '"zha" originally meant pickled fish.'
    assert hits[0]["action"] == "replaced" and hits[0]["match"] == "鲊"


def test_source_term_in_chinese_target_is_fine():
    out, hits, _ = seg("喀什很美。", tgt_lang="zh")
    assert out == "喀什很美。" and hits == []


def test_ambiguous_is_flagged_not_replaced():
    out, hits, _ = seg("Hospitals in Kazakhstan and Kashgar.")
    assert out == "Hospitals in Kazakhstan and Kashgar."
    assert [(h["action"], h["replacement"]) for h in hits] == [
        ("flagged", "Kashgar"),
        ("kept", None),
    ]


def test_compliance_with_source():
    _, hits, flags = seg("The plan was revised.", source="十四五规划中期调整。", src_lang="zh")
    assert [f["check"] for f in flags] == ["term_missing"]
    assert hits[-1] == {
        "term": "14th Five-Year Plan",
        "match": "十四五规划",
        "start": None,
        "end": None,
        "action": "flagged",
        "replacement": "14th Five-Year Plan",
    }
    out, _, flags = seg(
        "The 14th Five Year Plan was revised.", source="十四五规划中期调整。", src_lang="zh"
    )
    assert out == "The 14th Five-Year Plan was revised." and flags == []


def test_dnt_must_stay_verbatim():
    _, _, flags = seg("The fifth-generation network.", source="5G网络。", src_lang="zh")
    assert [f["check"] for f in flags] == ["dnt_changed"]
    assert seg("The 5G network.", source="5G网络。", src_lang="zh")[2] == []

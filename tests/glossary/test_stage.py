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


# Replacements of different lengths in one segment: shorter, longer and equal, at the start, in
# the middle and at the very end. Applying them left to right would shift every later offset.
MULTI = [
    Term(target="Tang Tang", sources=["汤汤"], variants=["Soup"]),  # 4 -> 9 characters
    Term(target="Front HQ", variants=["Frontline Command Post"]),  # 22 -> 8
    Term(target="zao fish", sources=["糟鱼"], variants=["bad fish"]),  # 8 -> 8
    Term(target="mu", variants=["local acres"]),  # 11 -> 2
]


def multi(text: str) -> tuple[str, list[tuple[str, int, int, str]]]:
    stage = Glossary(terms=MULTI)
    out = stage.apply({k: [v] for k, v in row(text).items()})
    hits = [(h["match"], h["start"], h["end"], h["replacement"]) for h in out["glossary"][0]]
    return out["output"][0], hits


def test_several_replacements_of_different_lengths_in_one_segment():
    text = "Soup says the Frontline Command Post served bad fish"
    out, hits = multi(text)
    assert out == "Tang Tang says the Front HQ served zao fish"
    # Hit offsets index the text the glossary saw, not the rewritten one.
    assert hits == [
        ("Soup", 0, 4, "Tang Tang"),
        ("Frontline Command Post", 14, 36, "Front HQ"),
        ("bad fish", 44, 52, "zao fish"),
    ]
    assert [text[s:e] for _, s, e, _ in hits] == ["Soup", "Frontline Command Post", "bad fish"]


def test_replacements_back_to_back_and_repeated():
    out, hits = multi("Bad fish/Soup, 3 local acres of bad fish, soup.")
    assert out == "Zao fish/Tang Tang, 3 mu of zao fish, Tang Tang."
    assert [(s, e) for _, s, e, _ in hits] == [(0, 8), (9, 13), (17, 28), (32, 40), (42, 46)]


def test_a_shrinking_replacement_before_a_growing_one():
    # The example shape: a long variant shrinks, a later short one grows.
    out, _ = multi("Frontline Command Post is served with soup.")
    assert out == "Front HQ is served with Tang Tang."


OVERLAP = [
    Term(target="Merrow Lake Park", variants=["Lake Merrow Park"]),
    Term(target="Lakeside Garden", variants=["Merrow Park Garden"]),
    Term(target="Oak Hill", variants=["Oke Hill"]),
    Term(target="Oak Hill Road", variants=["Oke Hill Road"]),
    Term(target="Hill", ambiguous=["Hil"]),
]


def test_overlapping_candidates_leftmost_then_longest():
    stage = Glossary(terms=OVERLAP)

    def run(text: str) -> tuple[str, list[tuple[str, str]]]:
        out = stage.apply({k: [v] for k, v in row(text).items()})
        return out["output"][0], [(h["match"], h["action"]) for h in out["glossary"][0]]

    # "Lake Merrow Park" (0..16) and "Merrow Park Garden" (5..23) overlap: the leftmost wins
    # and the other is not touched, so no text is replaced twice.
    assert run("Lake Merrow Park Garden opens.") == (
        "Merrow Lake Park Garden opens.",
        [("Lake Merrow Park", "replaced")],
    )
    # Same start, two lengths: the longest wins; the shorter one inside it is not a hit.
    assert run("Take Oke Hill Road past Oke Hill.") == (
        "Take Oak Hill Road past Oak Hill.",
        [("Oke Hill Road", "replaced"), ("Oke Hill", "replaced")],
    )
    # An approved term inside a longer replaced variant is not reported on its own.
    assert run("Oke Hill Road, not Hil.") == (
        "Oak Hill Road, not Hil.",
        [("Oke Hill Road", "replaced"), ("Hil", "flagged")],
    )


def test_every_hit_records_match_offsets_action_and_replacement():
    _, hits, _ = seg("Kashgar, Kazakhstan and 鲊.")
    assert hits == [
        {
            "term": "Kashgar",
            "match": "Kashgar",
            "start": 0,
            "end": 7,
            "action": "kept",
            "replacement": None,
        },
        {
            "term": "Kashgar",
            "match": "Kazakhstan",
            "start": 9,
            "end": 19,
            "action": "flagged",
            "replacement": "Kashgar",
        },
        {
            "term": "zha",
            "match": "鲊",
            "start": 24,
            "end": 25,
            "action": "replaced",
            "replacement": "zha",
        },
    ]


def test_config_can_flag_instead_of_replacing():
    stage = Glossary({"replace_variants": False, "translate_source_terms": False}, terms=TERMS)
    out = stage.apply({k: [v] for k, v in row("Bad fish and 鲊.").items()})
    assert out["output"] == ["Bad fish and 鲊."]
    assert [
        (h["match"], h["start"], h["end"], h["action"], h["replacement"])
        for h in out["glossary"][0]
    ] == [
        ("Bad fish", 0, 8, "flagged", "zao fish"),
        ("鲊", 13, 14, "flagged", "zha"),
    ]


def test_compliance_can_be_turned_off_and_needs_a_source():
    stage = Glossary({"compliance": False}, terms=TERMS)
    batch = {k: [v] for k, v in row("The plan.", source="十四五规划。", src_lang="zh").items()}
    assert stage.apply(batch)["flags"] == [[]]
    assert seg("The plan.")[2] == []  # no source, nothing to comply with


def test_glossary_base_and_flags_columns():
    stage = Glossary(terms=TERMS)
    rows = [
        row("Bad fish.", output="Bad fish!"),  # an earlier stage changed it
        row("Plain text."),
        row("The plan.", source="十四五规划。", src_lang="zh", flags=[{"check": "x"}]),
    ]
    batch = {k: [r[k] for r in rows] for k in rows[0]}
    out = stage.apply(batch)
    assert out["glossary_base"] == ["Bad fish!", None, None]
    assert out["output"] == ["Zao fish!", "Plain text.", "The plan."]
    assert [[f["check"] for f in fl] for fl in out["flags"]] == [[], [], ["x", "term_missing"]]
    assert out["flags"][1] is batch["flags"][1]  # untouched rows keep their list


def test_no_terms_leaves_the_batch_and_adds_an_empty_base_column():
    stage = Glossary(terms=[])
    batch = {k: [v, v] for k, v in row("Bad fish.").items()}
    del batch["glossary_base"]
    out = stage.apply(batch)
    assert out["glossary_base"] == [None, None] and out["output"] == batch["output"]


def test_capitalisation_rules_of_cased():
    assert cased("zao fish", "Bad fish") == "Zao fish"
    assert cased("zao fish", "BAD FISH") == "ZAO FISH"
    assert cased("zao fish", "B") == "Zao fish"  # one capital letter is a capital, not all-caps
    assert cased("eBay", "Ebay") == "EBay"  # only the first letter is looked at
    assert cased("e fish", "Bad fish") == "E fish"
    assert cased("mu", "MU") == "MU"


def test_an_ignored_match_does_not_stop_the_ones_after_it():
    # In a Chinese target the source term is no error and is skipped; the variant after it
    # is still replaced.
    out, hits, _ = seg("喀什很美，bad fish也好。", tgt_lang="zh")
    assert out == "喀什很美，zao fish也好。"
    assert [(h["match"], h["action"]) for h in hits] == [("bad fish", "replaced")]

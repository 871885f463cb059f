"""Stage ``score``: who a translation is compared with, which re-translation competes, and the
question-mark feature (issue 21 survivors).

Consensus values are checked against sacrebleu's own sentence chrF (the reference
implementation), and the number of texts compared against is counted by hand from the rule:
the other records' MT targets for the same source, never the record itself, never an edit of
the same MT.
"""

from __future__ import annotations

import math

import pytest
import sacrebleu

from pipeline.flags import make_flag
from pipeline.quality.features import segment_features
from pipeline.quality.model import load_model, quality_from_logit
from pipeline.stages.base import batch_rows, rows_to_batch
from pipeline.stages.decide import Decide
from pipeline.stages.score import Score
from tests.quality.helpers import bi_row, run_score

SRC = "这些公园全年免费开放。"
A_MT = "These parks are open free of charge all year round."
A_FIX = "These parks are open without charge all year round."
B_MT = "The parks are open for free the whole year."
B_FIX = "The parks are open at no cost the whole year."


def reason(hyp: str, others: list[str]) -> str:
    mean = sum(sacrebleu.sentence_chrf(hyp, [o]).score for o in others) / len(others)
    return f"consensus chrF {mean:.1f} against {len(others)} other(s)"


def consensus_reasons(row: dict) -> dict[str, str]:
    return {
        c["origin"]: next(r for r in c["reasons"] if r.startswith("consensus"))
        for c in row["candidates"]
    }


@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_record_is_compared_with_the_other_records_mt_not_itself_nor_edits(batch_size):
    # Both records carry a glossary edit of their MT, so each has two candidates (mt, glossary).
    rows = [
        bi_row(A_MT, SRC, "a", output=A_FIX, decision="fixed"),
        bi_row(B_MT, SRC, "b", output=B_FIX, decision="fixed"),
    ]
    (a, b), _ = run_score(rows, batch_size=batch_size)
    # a's MT and its edit are one family: each is compared with b's MT only (one other).
    assert consensus_reasons(a) == {"mt": reason(A_MT, [B_MT]), "edit": reason(A_FIX, [B_MT])}
    assert consensus_reasons(b) == {"mt": reason(B_MT, [A_MT]), "edit": reason(B_FIX, [A_MT])}


def test_a_source_seen_once_has_no_consensus():
    (a,), _ = run_score([bi_row(A_MT, SRC, "a", output=A_FIX, decision="fixed")])
    assert all(not r.startswith("consensus") for c in a["candidates"] for r in c["reasons"])


def retranslation(text: str) -> dict:
    return {"origin": "retranslation", "text": text, "score": None, "reasons": []}


BAD_MT = "These parks are open free of charge all year round, all year round, all year round."
LOOP = "Park park park park park park park park."


@pytest.mark.parametrize("order", ["worst first", "best first"])
def test_the_best_retranslation_competes_wherever_it_stands(order):
    flag = make_flag("repetition", "major", 1.0, "'all year round' tripled", 52, 84, "x")
    cands = [retranslation(LOOP), retranslation(A_MT)]
    if order == "best first":
        cands.reverse()
    row = bi_row(
        BAD_MT,
        SRC,
        "a",
        flags=[flag],
        garble_score=0.75,
        garbled=True,
        decision="needs_review",
        candidates=cands,
    )
    (r,), stats = run_score([row])
    # score reports the choice; decide applies it
    (r,) = batch_rows(Decide().apply(rows_to_batch([r])))
    scores = {c["text"]: c["score"] for c in r["candidates"]}
    assert scores[A_MT] > scores[BAD_MT] and scores[A_MT] > scores[LOOP]
    assert r["output"] == A_MT and r["decision"] == "retranslated"
    assert stats["choice:retranslation"] == 1


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("公园免费吗？", "Are the parks free?", 0.0),
        ("公园免费吗?", "Are the parks free?", 0.0),
        ("公园免费吗？", "The parks are free.", 1.0),
        ("公园免费。", "Are the parks free?", 1.0),
        ("公园免费。", "The parks are free.", 0.0),
    ],
)
def test_question_mismatch_is_one_exactly_when_one_side_asks(source, target, expected):
    assert segment_features(target, source)["question_mismatch"] == expected


def test_peer_words_is_the_mean_log_length_of_the_sources_translations_for_every_candidate():
    # issue 17: the consensus model reads how long the source's translations are (peer_words);
    # an edit of the MT is scored with the MT's value, like the other length features.
    model = load_model()
    assert "peer_words" in model.consensus.features
    rows = [
        bi_row(A_MT, SRC, "a", output=A_FIX, decision="fixed"),
        bi_row(B_MT, SRC, "b"),
    ]
    (a, b), _ = run_score(rows)
    words = (math.log1p(len(A_MT.split())) + math.log1p(len(B_MT.split()))) / 2

    def by_hand(text: str, other: str, mt: str) -> float:
        f = segment_features(text, SRC)
        mt_f = segment_features(mt, SRC)
        f |= {k: mt_f[k] for k in ("tgt_words", "len_ratio", "len_ratio_sq")}
        f |= {"consensus": sacrebleu.sentence_chrf(text, [other]).score, "peer_words": words}
        return quality_from_logit(model.risk_logit(f))

    scores = {c["origin"]: c["score"] for c in a["candidates"]}
    assert scores["mt"] == pytest.approx(by_hand(A_MT, B_MT, A_MT), abs=1e-4)
    assert scores["edit"] == pytest.approx(by_hand(A_FIX, B_MT, A_MT), abs=1e-4)
    assert b["quality"] == pytest.approx(by_hand(B_MT, A_MT, B_MT), abs=1e-4)


def test_a_record_repeating_a_sentence_is_compared_with_the_other_records_only():
    # Record 7 holds the same source twice (segments 0 and 1, both "Hello there"): its MT is
    # compared with records 8 and 9 only, never with its own other copy. sacrebleu sentence chrF:
    # "Hello there" vs "Hi there" 44.16..., vs "Greetings" 9.28...; mean 26.7 (not 76.7, which adds
    # the copy's 100 and still divides by two).
    src = "你好。"
    rows = [
        bi_row("Hello there", src, "7", index=0, output="Hello there!", decision="fixed"),
        bi_row("Hello there", src, "7", index=1),
        bi_row("Hi there", src, "8"),
        bi_row("Greetings", src, "9"),
    ]
    (a, *_), _ = run_score(rows, batch_size=4)
    assert reason("Hello there", ["Hi there", "Greetings"]) == (
        "consensus chrF 26.7 against 2 other(s)"
    )
    assert consensus_reasons(a)["mt"] == "consensus chrF 26.7 against 2 other(s)"


def test_no_group_matrix_is_built_when_the_cap_bites():
    # Four records of one source, consensus_k 2: each record has 3 others, more than 2, so its
    # consensus comes from the 2 nearest (per pair) and the group's matrix would go unused.
    src = "你好。"
    texts = ["Hello there", "Hi there", "Greetings", "Hello"]
    rows = [bi_row(t, src, str(i)) for i, t in enumerate(texts)]
    stage = Score({"consensus_k": 2})
    run_score(rows, batch_size=4, stage=stage)
    assert len(stage._group_chrf) == 0
    # With the cap at 3 it does not bite: the one matrix of the group is built and kept.
    stage = Score({"consensus_k": 3})
    run_score(rows, batch_size=4, stage=stage)
    assert len(stage._group_chrf) == 1

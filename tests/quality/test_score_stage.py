"""Stage ``score``: quality, consensus across records, candidate choice, model scorer, metrics."""

import sacrebleu

from pipeline.flags import make_flag
from pipeline.stages.base import batch_rows, rows_to_batch
from pipeline.stages.decide import Decide
from pipeline.stages.score import Score
from tests.quality.helpers import bi_row, run_score

SRC = "这些公园全年免费开放。"
GOOD = "These parks are open free of charge all year round."


def test_every_segment_gets_a_quality_between_0_and_1():
    rows, stats = run_score(
        [bi_row(GOOD, SRC, "a"), bi_row("The parks are free.", "公园免费。", "b")]
    )
    assert all(0.0 <= r["quality"] <= 1.0 for r in rows)
    assert stats["segments"] == 2 and 0 < stats["quality"]["before"] < 1


def test_records_sharing_a_source_are_compared_across_batches():
    systems = [
        GOOD,
        "The parks are open for free all year round.",
        "These parks are free all year round.",
        "Park construction invested 350 million yuan in total.",  # the odd one out
    ]
    rows = [bi_row(t, SRC, f"s{i}") for i, t in enumerate(systems)]
    scored, _ = run_score(rows, batch_size=1)  # every record in its own batch: scan/merge needed
    q = [r["quality"] for r in scored]
    assert min(range(4), key=lambda i: q[i]) == 3
    # Without consensus the odd one out is not singled out by agreement.
    alone, _ = run_score([bi_row(t, SRC, f"s{i}") for i, t in enumerate(systems)], consensus=False)
    assert [r["quality"] for r in alone] != q


def test_state_is_compact_sources_seen_once_are_dropped():
    stage = Score()
    rows = [bi_row(GOOD, SRC, "a"), bi_row(GOOD, "公园免费。", "b"), bi_row("x y z", SRC, "c")]
    from pipeline.stages.base import rows_to_batch

    state = stage.merge([stage.scan(rows_to_batch(rows))])
    assert len(state) == 1 and len(next(iter(state.values()))) == 2


def retranslation(text, score=None):
    return {"origin": "retranslation", "text": text, "score": score, "reasons": []}


def decided(rows, margin=0.05):
    """Rows after stage ``decide``, which applies the candidate rule ``score`` reports."""
    out = Decide({"retranslation_margin": margin}).apply(rows_to_batch(rows))
    return list(batch_rows(out))


def test_a_retranslation_replaces_the_mt_only_when_it_wins_by_the_margin():
    bad_mt = "These parks are open free of charge all year round, all year round, all year round."
    flag = make_flag("repetition", "major", 1.0, "'all year round' tripled", 52, 84, "x")
    row = bi_row(
        bad_mt,
        SRC,
        "a",
        flags=[flag],
        garble_score=0.75,
        garbled=True,
        decision="needs_review",
        candidates=[retranslation(GOOD)],
    )
    (scored,), stats = run_score([dict(row)])
    assert scored["output"] == bad_mt  # score writes no output: decide applies its choice
    (won,) = decided([scored])
    assert won["output"] == GOOD and won["decision"] == "retranslated"
    rt = next(c for c in won["candidates"] if c["origin"] == "retranslation")
    mt = next(c for c in won["candidates"] if c["origin"] == "mt")
    assert rt["score"] > mt["score"] and any(r.startswith("chosen") for r in rt["reasons"])
    assert won["quality"] == rt["score"] and stats["choice:retranslation"] == 1

    (kept,), _ = run_score([dict(row)], retranslation_margin=1.0)
    (kept,) = decided([kept], margin=1.0)
    assert kept["output"] == bad_mt and kept["decision"] == "needs_review"
    rt = next(c for c in kept["candidates"] if c["origin"] == "retranslation")
    assert any(r.startswith("not chosen") for r in rt["reasons"])


def test_a_retranslation_that_loses_is_not_applied():
    worse = "Park park park park park park."
    row = bi_row(GOOD, SRC, "a", candidates=[retranslation(worse)])
    (r,), _ = run_score([row])
    (r,) = decided([r])
    assert r["output"] == GOOD and r["decision"] == "kept"


def test_a_guard_failed_candidate_is_never_chosen_whatever_its_score():
    bad_mt = "These parks are open free of charge all year round, all year round, all year round."
    flag = make_flag("repetition", "major", 1.0, "'all year round' tripled", 52, 84, "x")
    failed = retranslation(GOOD) | {"guards": ["term_dropped: '公园' must be 'park'"]}
    row = bi_row(
        bad_mt, SRC, "a", flags=[flag], garble_score=0.75, garbled=True, candidates=[failed]
    )
    (r,), _ = run_score([row], retranslation_margin=0.0)
    rt = next(c for c in r["candidates"] if c["origin"] == "retranslation")
    mt = next(c for c in r["candidates"] if c["origin"] == "mt")
    assert rt["score"] > mt["score"]  # it would win on quality...
    assert "not chosen: failed its guards" in rt["reasons"] and rt["guards"]
    assert r["quality"] == mt["score"]  # ...but the output stays the MT
    (r,) = decided([r], margin=0.0)
    assert r["output"] == bad_mt and r["decision"] == "needs_review"


def test_detect_mode_scores_candidates_but_changes_nothing():
    row = bi_row("Parks.", SRC, "a", candidates=[retranslation(GOOD)])
    opts = Score.detect_options({})
    (r,), _ = run_score([row], **opts)
    assert r["output"] == "Parks." and r["decision"] == "kept"
    assert all(c["score"] is not None for c in r["candidates"])


class FakeScorer:
    """Stands in for a backend's forced-decoding scorer: longer shared words, higher log-prob."""

    def __init__(self):
        self.calls = []

    def score(self, sources, targets):
        self.calls.append(list(targets))
        return [-0.5 if "free of charge" in t else -3.0 for t in targets]


def test_model_scorer_is_called_once_per_batch_and_changes_the_score():
    scorer = FakeScorer()
    stage = Score()
    stage.scorer = scorer
    rows = [bi_row("These parks are free.", SRC, "a", candidates=[retranslation(GOOD)])]
    (with_model,), stats = run_score([dict(rows[0])], stage=stage)
    (without,), _ = run_score([dict(rows[0])])
    assert scorer.calls == [["These parks are free.", GOOD]]
    assert stats["model_scored"] == 2
    rt = lambda r: next(c for c in r["candidates"] if c["origin"] == "retranslation")  # noqa: E731
    assert rt(with_model)["score"] > rt(without)["score"]
    assert any("model log-prob -0.500" in x for x in rt(with_model)["reasons"])


def test_reference_metrics_per_segment_and_for_the_corpus():
    refs = ["The parks are free all year.", "Total investment is 350 million yuan."]
    hyps = [GOOD, "The total investment in park construction is about 350 million yuan."]
    rows = [
        bi_row(h, SRC, f"r{i}", reference=r)
        for i, (h, r) in enumerate(zip(hyps, refs, strict=True))
    ]
    rows.append(bi_row("No reference here.", "无", "r9"))
    out, stats = run_score(rows, batch_size=1)
    assert out[0]["metrics"]["chrf"] == round(sacrebleu.sentence_chrf(hyps[0], [refs[0]]).score, 4)
    assert out[2]["metrics"] is None
    m = stats["metrics"]
    assert m["after"]["bleu"] == round(sacrebleu.corpus_bleu(hyps, [refs]).score, 4)
    assert m["after"]["chrf"] == round(sacrebleu.corpus_chrf(hyps, [refs]).score, 4)
    assert m["before"] == m["after"] and m["segments"] == 2


def test_metrics_after_cleaning_use_the_output():
    ref = "These parks are open free of charge all year round."
    row = bi_row(
        "Parks open.",
        SRC,
        "a",
        reference=ref,
        candidates=[retranslation(GOOD)],
        garbled=True,
        decision="needs_review",
    )
    (r,), stats = run_score([row], retranslation_margin=0.0)
    assert decided([r], margin=0.0)[0]["output"] == GOOD
    assert stats["metrics"]["after"]["chrf"] > stats["metrics"]["before"]["chrf"]


def test_a_pair_without_a_fitted_model_gets_the_pair_independent_prior_not_a_zh_en_guess():
    import json

    from pipeline.quality.model import PAIR_FREE

    prior = json.loads(PAIR_FREE.read_text(encoding="utf-8"))["prior_quality"]
    rows = [
        bi_row("The parks are open free of charge all year round.", "Die Parks sind frei.", "a"),
        bi_row("Parks.", "Die Parks sind das ganze Jahr über kostenlos geöffnet.", "b"),
    ]
    rows = [r | {"src_lang": "de"} for r in rows]
    scored, stats = run_score(rows, consensus=False)
    # no wording is read for de-en: a short or long, any text gets the prior (>= 0.5)
    assert [r["quality"] for r in scored] == [prior, prior] and prior >= 0.5
    assert stats["quality_models"]["de-en"]["model"] == "pair-independent"
    zh = bi_row("The parks are open free of charge all year round.", SRC, "z")
    (z,), zstats = run_score([zh], consensus=False)
    assert z["quality"] != prior and zstats["quality_models"]["zh-en"]["model"] == "zh-en"

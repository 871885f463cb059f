import sacrebleu

from pipeline.quality.consensus import consensus_scores, pair_chrf, source_key


def test_pair_equals_sacrebleu_sentence_chrf():
    h, r = "The parks are open all year.", "These parks are open free of charge all year round."
    assert pair_chrf(h, r) == sacrebleu.sentence_chrf(h, [r]).score


def test_the_odd_translation_out_scores_lowest():
    texts = [
        "These parks are open free of charge all year round.",
        "The parks are open for free all year round.",
        "These parks are free to enter all year round.",
        "Park construction invested 350 million yuan.",
    ]
    scores = consensus_scores(texts)
    assert min(range(4), key=lambda i: scores[i]) == 3
    # Mean over the others, exactly.
    want = sum(pair_chrf(texts[0], t) for t in texts[1:]) / 3
    assert scores[0] == want


def test_pool_is_compared_with_but_not_scored_and_lonely_text_gets_none():
    assert consensus_scores(["a text"]) == [None]
    (only,) = consensus_scores(["The parks are free."], pool=["The parks are free of charge."])
    assert only == pair_chrf("The parks are free.", "The parks are free of charge.")


def test_source_key_ignores_whitespace_only():
    assert source_key("公园 免费\n开放") == source_key("公园 免费 开放")
    assert source_key("公园免费开放") != source_key("公园收费开放")

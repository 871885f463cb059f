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


def test_pairs_and_a_shared_ngram_cache_equal_sacrebleu_exactly():
    # Longer and shorter, empty-ish and punctuated texts: the counted-once totals and the
    # smaller-counter match loop must give sacrebleu's numbers, in both directions.
    texts = [
        "The river rose by two metres overnight, and the ferry stopped.",
        "Overnight the river rose two metres; the ferry stopped running.",
        "Ferry stopped.",
        "!",
    ]
    for h in texts:
        for r in texts:
            assert pair_chrf(h, r) == sacrebleu.sentence_chrf(h, [r]).score
    cache: dict = {}
    first = [consensus_scores([t], [o for o in texts if o != t], cache)[0] for t in texts]
    assert first == [consensus_scores([t], [o for o in texts if o != t])[0] for t in texts]
    assert set(cache) == set(texts)


def test_sentence_initial_walks_back_over_openers_only():
    from pipeline.quality.features import _sentence_initial

    text = 'He left. "So we stayed," said Ma (Li agreed) and "Wu" too.'
    for word, initial in (("He", True), ("So", True), ("Ma", False), ("Li", False), ("Wu", False)):
        assert _sentence_initial(text, text.index(word)) is initial

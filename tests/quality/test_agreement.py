"""Features of a translation against the other translations of its source (``agreement.py``),
counted by hand."""

import math

import pytest
from wordfreq import zipf_frequency

from pipeline.quality.agreement import AGREEMENT, agreement_features, peer_features


def test_peer_words_is_the_mean_log_word_count_of_the_text_and_its_peers():
    got = peer_features("a b c", ["a b", "a b c d e"], wanted=())
    assert got == {"peer_words": pytest.approx((math.log(4) + math.log(3) + math.log(6)) / 3)}


def test_peer_words_is_the_same_for_every_translation_of_a_source():
    texts = ["The parks are free.", "Parks cost nothing at all.", "Entry to the park is free."]
    values = {
        round(peer_features(t, texts[:i] + texts[i + 1 :], wanted=())["peer_words"], 12)
        for i, t in enumerate(texts)
    }
    assert len(values) == 1


def test_nothing_to_compare_with_gives_no_features():
    assert peer_features("The parks are free.", []) == {}
    assert agreement_features("The parks are free.", []) == {}


def test_agreement_features_are_the_hand_counts():
    # content stems: mine {park, free}; peers {park, open} and {park, cost, noth(ing)}
    got = agreement_features("Parks are free", ["The parks are open", "Parks cost nothing"])
    assert got["agree_support"] == pytest.approx(0.5)  # park: 2 of 2 peers, free: 0 of 2
    assert got["agree_unique"] == pytest.approx(0.5)  # free is in no peer
    # half of two peers is one: park, open, cost, noth are all common; mine has park
    assert got["agree_recall"] == pytest.approx(0.25)
    mean_zipf = [
        sum(zipf_frequency(w, "en") for w in words) / len(words)
        for words in (
            ("parks", "are", "free"),
            ("the", "parks", "are", "open"),
            ("parks", "cost", "nothing"),
        )
    ]
    assert got["zipf_rel"] == pytest.approx(mean_zipf[0] - (mean_zipf[1] + mean_zipf[2]) / 2)
    assert got["gloss_omit"] == 0.0  # no source


def test_a_source_word_most_peers_render_and_this_one_drops_is_an_omission():
    # 公园 (park) is in every translation; 免费 (free) in both peers, not in this one
    peers = ["The park is free.", "Parks are free of charge."]
    assert agreement_features("The park is open.", peers, "公园免费。")["gloss_omit"] == 1.0
    # one peer of three renders 免费: less than half, no omission
    few = ["The park is free.", "The park is open.", "The park is open to all."]
    assert agreement_features("The park is open.", few, "公园免费。")["gloss_omit"] == 0.0


def test_agreement_features_are_computed_only_when_wanted():
    peers = ["The park is free."]
    assert set(peer_features("The park is open.", peers, wanted=("peer_words",))) == {"peer_words"}
    assert set(peer_features("The park is open.", peers)) == {"peer_words", *AGREEMENT}

"""Speed changes to the quality features change no value (issue 20): the cached Chinese word
frequencies hold exactly the words ``analyse_source`` can look up, with wordfreq's values."""

from __future__ import annotations

from wordfreq import get_frequency_dict

from pipeline.quality import features
from pipeline.quality.features import analyse_source, chinese_frequencies, headword_kinds

SOURCES = [
    "公园全年免费开放。",
    "市民王女士说：“以前下楼只能看到停车场，现在有了花园。”",
    "他们一心一意地为人民服务，在喀什建设了3415个项目。",
    "这个机器的液滴芯片可以用于实验室。",
]


def test_cached_frequencies_are_wordfreqs_for_every_word_a_source_looks_up():
    full = get_frequency_dict("zh")
    kept = chinese_frequencies()
    kinds = headword_kinds()
    assert len(kept) < len(full)  # restricted: single characters and headwords only
    for word, f in kept.items():
        assert f == full[word] and (len(word) == 1 or word in kinds)
    for word in full:
        if len(word) == 1 or word in kinds:
            assert word in kept


def test_source_features_equal_those_from_the_full_frequency_list(monkeypatch):
    cached = [analyse_source(s) for s in SOURCES]
    analyse_source.cache_clear()
    monkeypatch.setattr(features, "chinese_frequencies", lambda: get_frequency_dict("zh"))
    try:
        assert [analyse_source(s) for s in SOURCES] == cached
    finally:
        analyse_source.cache_clear()

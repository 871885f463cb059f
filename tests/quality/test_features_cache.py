"""The lexicon and frequency caches of ``pipeline.quality.features`` are only a faster start:
with no cache folder at all (HOME unset and a uid with no passwd entry, so that
``Path.home()`` raises) the tables are built from the data files and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.quality import features


@pytest.fixture
def no_home(monkeypatch):
    def home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(home))
    cached = (features.lexicon, features.headword_kinds, features.chinese_frequencies)
    for f in cached:
        f.cache_clear()
    yield
    for f in cached:  # the next test reads its tables from the cache folder again
        f.cache_clear()


def test_without_a_home_folder_the_chinese_frequencies_are_built_uncached(no_home):
    from wordfreq import get_frequency_dict

    full = get_frequency_dict("zh")
    freqs = features.chinese_frequencies()
    # A single character and a CC-CEDICT headword are kept, with wordfreq's own frequency.
    assert freqs["的"] == full["的"]
    assert freqs["公园"] == full["公园"]
    assert "公园" in features.headword_kinds()

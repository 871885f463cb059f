import pytest

from pipeline.checks.langid import LanguageId, detect_language
from tests.checks.helpers import flags_of


def test_han_target_in_english_is_critical_without_the_model():
    stage = LanguageId()
    flags = stage.check_row({"target": "市民王女士说以前下楼只能看到停车场", "tgt_lang": "en"})
    assert flags[0]["severity"] == "critical" and "Han" in flags[0]["evidence"]["reason"]
    assert stage.model_calls == 0


def test_short_chinese_is_not_sent_to_langdetect_as_korean():
    stage = LanguageId()
    assert stage.check_row({"target": "公园", "tgt_lang": "zh"}) == []
    assert stage.check_row({"target": "这些公园全年免费开放。", "tgt_lang": "zh"}) == []
    assert stage.model_calls == 0


def test_names_numbers_and_english_are_settled_cheaply():
    stage = LanguageId()
    for text in [
        "Kashgar No.6 Middle School",
        "3415 outpatient visits, 410 surgeries",
        "The county's tea output is expected to exceed 8000 tons this year.",
        "Bachu Liuxiang Melon Zepu Yecheng Shache",
    ]:
        assert stage.check_row({"target": text, "tgt_lang": "en"}) == []
    assert stage.model_calls == 0


def test_other_latin_language_goes_to_the_model_and_is_flagged():
    stage = LanguageId()
    text = "Le gouvernement local a annoncé hier une nouvelle politique pour les agriculteurs."
    flags = stage.check_row({"target": text, "tgt_lang": "en"})
    assert stage.model_calls == 1
    assert flags and flags[0]["check"] == "language_id" and "'fr'" in flags[0]["evidence"]["reason"]


def test_langdetect_is_seeded():
    text = "Ein kurzer Satz auf Deutsch über das Wetter heute"
    assert {detect_language(text) for _ in range(5)} == {detect_language(text)}


@pytest.mark.parametrize("lang", ["en", "en-US", "EN_gb"])
def test_language_codes_are_normalised(lang):
    assert flags_of("language_id", "今天天气很好，我们去公园散步吧。", tgt_lang=lang)


def test_cjk_target_with_product_names_placeholders_and_strftime():
    from tests.checks.helpers import flags_of

    def lid(tgt: str, src: str) -> list:
        return flags_of("language_id", tgt, source=src, src_lang="en", tgt_lang="zh")

    assert lid("CSS 文件", "CSS file") == []
    assert lid("%Y 年 %m 月 %e 日 %A", "%A, %B %e, %Y") == []
    assert lid("Amazon S3 存储桶", "Amazon S3 bucket") == []
    assert (
        lid(
            "请访问 https://example.org/setup/guide 获取帮助", "See https://example.org/setup/guide"
        )
        == []
    )
    assert lid("cpu package {} temperature", "cpu package {} temperature reading") == []
    fl = lid("Please restart your computer afterwards", "Restart")
    assert [f["severity"] for f in fl] == ["critical"]


def test_before_fork_loads_the_langdetect_profiles_for_the_workers_to_share():
    from langdetect import detector_factory

    detector_factory._factory = None  # as in a fresh driver that has not judged a text yet
    LanguageId().before_fork()
    assert detector_factory._factory is not None
    assert len(detector_factory._factory.langlist) == 55  # every shipped profile


def test_profiles_from_the_cached_table_give_langdetects_answers(tmp_path, monkeypatch):
    from langdetect import detector_factory

    from pipeline.checks.langid import ProfileTable

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts = [
        "Le gouvernement local a annoncé hier une nouvelle politique pour les agriculteurs.",
        "Ein kurzer Satz auf Deutsch über das Wetter heute",
        "Color classification: droplet chip, droplet chip, double layer droplet",
    ]
    monkeypatch.setattr(detector_factory, "_factory", None)
    built = [detect_language(t) for t in texts]  # JSON profiles, then the table is written
    assert isinstance(detector_factory._factory.word_lang_prob_map, dict)
    assert len(list((tmp_path / "mtclean").glob("langdetect-*.npy"))) == 1
    monkeypatch.setattr(detector_factory, "_factory", None)
    mapped = [detect_language(t) for t in texts]
    assert isinstance(detector_factory._factory.word_lang_prob_map, ProfileTable)
    assert mapped == built and built[0][0] == "fr" and built[1][0] == "de"


def test_without_a_home_folder_the_profiles_load_with_no_cache(monkeypatch):
    # HOME unset and a uid with no passwd entry: Path.home() raises RuntimeError. Language id
    # still works, from langdetect's own JSON profiles, and nothing is cached.
    from pathlib import Path

    from langdetect import detector_factory

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    monkeypatch.setattr(detector_factory, "_factory", None)
    LanguageId().before_fork()
    assert isinstance(detector_factory._factory.word_lang_prob_map, dict)
    monkeypatch.setattr(detector_factory, "_factory", None)
    lang, _ = detect_language("Ein kurzer Satz auf Deutsch über das Wetter heute")
    assert lang == "de"

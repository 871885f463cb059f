"""The shipped quality model: loads, stays in 0..1; long, hard or flagged segments are riskier."""

import json

import pytest

from pipeline.errors import ConfigError
from pipeline.flags import make_flag
from pipeline.quality.features import FEATURES, is_pinyin_name, segment_features
from pipeline.quality.model import SHIPPED, LinearRisk, load_model, quality_from_logit


def quality(target, source=None, flags=(), garble=0.0, consensus=None):
    f = segment_features(target, source, flags, garble)
    if consensus is not None:
        f["consensus"] = consensus
    return quality_from_logit(load_model().risk_logit(f), garble)


def test_shipped_file_names_every_feature_and_its_data():
    obj = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert obj["models"]["single"]["features"] == list(FEATURES)
    assert obj["models"]["consensus"]["features"] == [*FEATURES, "consensus"]
    assert obj["trained_on"]["rows"] > 1000


def test_long_hard_segment_is_riskier_than_a_short_one():
    short = quality("The parks are free.", "公园免费。")
    long = quality(
        "In recent years, the county, which has kept at the basic tasks of the "
        "tea industry, has used digital empowerment, live streaming and cooperatives to solve the "
        "problem of small farmers entering the big market, officials said on Tuesday.",
        "近年来，该县紧紧围绕茶产业这一根本性、基础性、长期性工作，以数字赋能、直播带货和合作社等方式，"
        "破解小农户对接大市场难题，官员周二表示。",
    )
    assert 0.0 <= long < short <= 1.0


def test_a_critical_flag_and_low_consensus_lower_quality():
    text, src = "These parks are open free of charge all year round.", "这些公园全年免费开放。"
    flag = make_flag("untranslated", "critical", 1.0, "source text left in the target")
    assert quality(text, src, [flag], garble=1.0) == 0.0
    assert quality(text, src, consensus=20.0) < quality(text, src, consensus=80.0)


def test_monolingual_segment_is_not_judged_on_missing_source_features():
    f = segment_features("A plain sentence without a source.")
    assert not any(k.startswith("src_") for k in f)
    assert 0.0 < quality("A plain sentence without a source.") < 1.0


def test_pinyin_names_are_found_and_english_words_are_not():
    assert is_pinyin_name("Songyang") and is_pinyin_name("Zhang")
    assert not is_pinyin_name("China") and not is_pinyin_name("Bridge")


def test_bad_model_file_is_one_line_config_error(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text('{"models": {"single": {"features": ["a"]}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a quality model file"):
        load_model(str(bad))
    with pytest.raises(ConfigError, match="no such quality model file"):
        load_model(str(tmp_path / "missing.json"))


def test_linear_risk_missing_feature_counts_as_its_mean():
    m = LinearRisk(("a", "b"), (1.0, 2.0), (1.0, 2.0), (0.5, -1.0), 0.25)
    assert m.logit({"a": 1.0}) == 0.25
    assert m.logit({"a": 3.0, "b": 4.0}) == 0.25 + 0.5 * 2 - 1.0

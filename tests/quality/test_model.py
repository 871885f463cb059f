"""The shipped quality models: what they read, what they give on our own segments (computed by
hand from the coefficient file), the choice of model per language pair, and that a refit
reproduces the shipped files."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from wordfreq import get_frequency_dict

from pipeline.errors import ConfigError
from pipeline.flags import make_flag
from pipeline.quality.agreement import PEER
from pipeline.quality.features import (
    FEATURES,
    alignment_features,
    analyse_source,
    is_pinyin_name,
    segment_features,
    stem,
)
from pipeline.quality.model import (
    PAIR_FREE,
    SHIPPED,
    LinearRisk,
    PairModels,
    load_model,
    pair_key,
    quality_from_logit,
)

ROOT = Path(__file__).resolve().parents[2]


def quality(target, source=None, flags=(), garble=0.0, consensus=None, peer_words=None):
    f = segment_features(target, source, flags, garble)
    if consensus is not None:
        f["consensus"] = consensus
    if peer_words is not None:
        f["peer_words"] = peer_words
    return quality_from_logit(load_model().risk_logit(f), garble)


def _logit(model: dict, feats: dict) -> float:
    """The risk logit from the JSON coefficients, written out without the model code; every
    feature the model reads must be in ``feats``."""
    z = model["intercept"]
    for name, m, s, c in zip(
        model["features"], model["mean"], model["scale"], model["coef"], strict=True
    ):
        z += c * (feats[name] - m) / (s or 1.0)
    return z


def by_hand(model: dict, feats: dict) -> float:
    """``1 - sigmoid(logit)``, rounded as the tool rounds."""
    return round(1.0 / (1.0 + math.exp(_logit(model, feats))), 4)


def zipf_zh(word: str) -> float:
    f = get_frequency_dict("zh").get(word)
    return math.log10(f) + 9 if f else 0.0


def test_shipped_files_name_their_pair_features_data_and_transfer():
    obj = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert obj["pairs"] == ["zh-en"] and obj["name"] == "zh-en"
    assert set(obj["models"]["consensus"]["features"]) <= {*FEATURES, *PEER, "consensus"}
    assert "consensus" in obj["models"]["consensus"]["features"]
    assert "consensus" not in obj["models"]["single"]["features"]
    assert sum(f["rows"] for f in obj["trained_on"]) == 6877 + 18750
    assert set(obj["transfer"]) == {"TED->WMT22", "WMT22->TED"}
    assert sum(b["n"] for b in obj["reliability"]) == 6877 + 18750
    free = json.loads(PAIR_FREE.read_text(encoding="utf-8"))
    assert free["pairs"] == ["*"] and free["models"]["single"]["features"] == []


# Our own segments, with the features counted by hand (frequencies straight from wordfreq).
SHORT_SRC, SHORT_TGT = "公园免费。", "The parks are free."
HARD_SRC = "北京在2023年的目标是一石二鸟。"
HARD_TGT = "Beijing's goal in 2023 was to kill two birds with one stone."


def short_features() -> dict:
    # 公园|免费: two common words, no rare character, one clause, one sentence end
    rare = sum(zipf_zh(w) < 3.5 for w in ("公园", "免费"))
    return {
        "src_chars": math.log1p(5),
        "src_rare_chars": float(sum(zipf_zh(c) < 3.0 for c in "公园免费")),
        "src_rare": float(rare),
        "src_names": 0.0,
        "src_idioms": 0.0,
        "src_numbers": 0.0,
        "src_latin": 0.0,
        "src_commas": 0.0,
        "src_de": 0.0,
        "src_quotes": 0.0,
        "src_clauses": 1.0,
        "src_spaces": 0.0,
        "src_sents": 1.0,
    }


def hard_features() -> dict:
    # 北京|在 2023 年|的|目标|是|一石二鸟: a name (北京), an idiom (一石二鸟), a number, one 的
    words = ("北京", "在", "年", "的", "目标", "是", "一石二鸟")
    return {
        "src_chars": math.log1p(17),
        "src_rare_chars": float(sum(zipf_zh(c) < 3.0 for c in "北京在年的目标是一石二鸟")),
        "src_rare": float(sum(zipf_zh(w) < 3.5 for w in words)),
        "src_names": 1.0,
        "src_idioms": 1.0,
        "src_numbers": 1.0,
        "src_latin": 0.0,
        "src_commas": 0.0,
        "src_de": 1.0,
        "src_quotes": 0.0,
        "src_clauses": 1.0,
        "src_spaces": 0.0,
        "src_sents": 1.0,
    }


@pytest.mark.parametrize(
    ("source", "target", "feats"),
    [(SHORT_SRC, SHORT_TGT, short_features), (HARD_SRC, HARD_TGT, hard_features)],
)
def test_source_features_are_the_hand_counts(source, target, feats):
    got = analyse_source(source).features
    for name, value in feats().items():
        assert got[name] == pytest.approx(value), name


def test_shipped_model_output_on_our_segments_equals_the_hand_computation():
    obj = json.loads(SHIPPED.read_text(encoding="utf-8"))["models"]
    flag = make_flag("repetition", "major", 1.0, "a loop", 0, 4, "x")
    for src, tgt, feats in (
        (SHORT_SRC, SHORT_TGT, short_features),
        (HARD_SRC, HARD_TGT, hard_features),
    ):
        f = feats()
        assert quality(tgt, src) == by_hand(obj["single"], f | {"garble": 0.0})
        for cons, words in ((35.0, 1.5), (80.0, 2.5)):
            peer = {"consensus": cons, "peer_words": words, "garble": 0.0}
            assert quality(tgt, src, consensus=cons, peer_words=words) == by_hand(
                obj["consensus"], f | peer
            )
        # a flag joins by noisy-OR: quality * (1 - garble)
        plain = 1.0 / (1.0 + math.exp(_logit(obj["single"], f | {"garble": 0.4})))
        assert quality(tgt, src, [flag], garble=0.4) == round(plain * 0.6, 4)


def test_harder_source_and_lower_consensus_mean_lower_quality():
    assert quality(HARD_TGT, HARD_SRC) < quality(SHORT_TGT, SHORT_SRC)
    assert quality(SHORT_TGT, SHORT_SRC, consensus=30.0) < quality(
        SHORT_TGT, SHORT_SRC, consensus=85.0
    )
    text, src = "These parks are open free of charge all year round.", "这些公园全年免费开放。"
    flag = make_flag("untranslated", "critical", 1.0, "source text left in the target")
    assert quality(text, src, [flag], garble=1.0) == 0.0


def test_gloss_coverage_unaligned_words_and_carried_numbers():
    info = analyse_source(HARD_SRC)
    # content words: 北京, 目标, 一石二鸟 (在/年/的/是 are function words or too frequent)
    good = alignment_features(info, HARD_TGT)
    assert good["numbers_lost"] == 0.0 and good["gloss_cov"] == 1.0
    bad = alignment_features(info, "The capital wants to win twice in 2032.")
    assert bad["numbers_lost"] == 1.0 and bad["gloss_cov"] < 1.0
    assert bad["unaligned"] > good["unaligned"]
    assert stem("parks") == stem("park") and stem("exploring") == "explor"


def test_monolingual_segment_is_not_judged_on_missing_source_features():
    f = segment_features("A plain sentence without a source.")
    assert not any(k.startswith("src_") for k in f)
    assert 0.0 < quality("A plain sentence without a source.") < 1.0


def test_pinyin_names_are_found_and_english_words_are_not():
    assert is_pinyin_name("Songyang") and is_pinyin_name("Zhang")
    assert not is_pinyin_name("China") and not is_pinyin_name("Bridge")


def test_each_pair_gets_its_model_and_other_pairs_the_pair_independent_one():
    models = PairModels()
    assert pair_key("zh-Hans", "en_US") == "zh-en" and pair_key(None, "en") == "?-en"
    key, choice = models.for_pair("zh-CN", "en")
    assert key == "zh-en" and choice.model.name == "zh-en" and choice.fitted
    key, other = models.for_pair("en", "de")
    assert key == "en-de" and other.model.name == "pair-independent" and not other.fitted
    assert "no model fitted for en-de" in other.why
    # the pair-independent model reads no words: the same prior for any text, flags lower it
    free = json.loads(PAIR_FREE.read_text(encoding="utf-8"))
    prior = free["prior_quality"]
    assert quality_from_logit(other.model.risk_logit({})) == pytest.approx(prior, abs=1e-4)
    assert prior >= 0.5  # an unflagged professional translation never scores as garbage


def test_bad_model_file_is_one_line_config_error(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text('{"models": {"single": {"features": ["a"]}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a quality model file"):
        load_model(str(bad))
    with pytest.raises(ConfigError, match="no such quality model file"):
        load_model(str(tmp_path / "missing.json"))


def test_linear_risk_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        LinearRisk.from_json(
            {"features": ["a", "b"], "mean": [0], "scale": [1, 1], "coef": [1, 1], "intercept": 0}
        )


@pytest.mark.slow
def test_a_refit_reproduces_the_shipped_files():
    tool = ROOT / "tools" / "fit_quality.py"
    data = next(
        (p / "shared" / "qe-dev" for p in ROOT.parents if (p / "shared" / "qe-dev").is_dir()), None
    )
    if data is None:
        pytest.fail("../shared/qe-dev is not here: the fit cannot be checked")
    proc = subprocess.run(
        [sys.executable, str(tool), "--check", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "quality_model.json is up to date" in proc.stdout
    assert "quality_model_any.json is up to date" in proc.stdout

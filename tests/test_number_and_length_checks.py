"""``number_mismatch`` reading 千 and ``length_ratio`` at its thresholds, by hand (issue 21).

(Here rather than in tests/checks, which another helper is reworking in the same round; the
checks are reached by their registered names, so module moves do not matter.)
"""

from __future__ import annotations

import math

import pytest

from pipeline.registry import STAGES
from pipeline.segments import new_row


def flags(check: str, target: str, source: str, src_lang: str = "zh", **config) -> list[dict]:
    return STAGES[check](config).check_row(new_row(target, source=source, src_lang=src_lang))


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("共有3千名游客。", "There were 3,000 visitors."),
        ("共有3千名游客。", "There were 3 thousand visitors."),
        ("共有1.5千名游客。", "There were 1,500 visitors."),
        ("共有三千名游客。", "There were 3,000 visitors."),
        ("共有两千名游客。", "There were 2,000 visitors."),
        ("共有三千六百名游客。", "There were 3,600 visitors."),
        ("共有2万名游客。", "There were 20,000 visitors."),
    ],
)
def test_qian_is_a_thousand(source, target):
    assert flags("number_mismatch", target, source) == []


@pytest.mark.parametrize(
    ("source", "target", "shown"),
    [
        ("共有3千名游客。", "There were 30,000 visitors.", "3千"),
        ("共有三千名游客。", "There were 30,000 visitors.", "三千"),
        ("共有三千六百名游客。", "There were 36,000 visitors.", "三千六百"),
    ],
)
def test_qian_read_as_ten_thousand_would_be_wrong(source, target, shown):
    (f,) = flags("number_mismatch", target, source)
    assert f["check"] == "number_mismatch" and f["severity"] == "critical"
    assert shown in f["evidence"]["reason"]


FR10 = "Le marché de la ville ouvre tous les jours tôt"  # 10 words
# The thresholds are checked against a pinned ratio of 1.0: the default fr-en ratio (0.87,
# per language pair since the checks branch) would put no threshold on a whole word count.
FR_EN_1 = {"fr-en": 1.0}


def words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n)) + "."


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (20, None),  # ratio 2.0: off by exactly the tolerance 2.0, not beyond it
        (5, None),  # ratio 0.5: the same, short
        (21, ("minor", "long", 2.1)),  # 2.1 <= 2.0 ** 1.5 = 2.83: minor
        (4, ("minor", "short", 2.5)),
        (3, ("major", "short", 10 / 3)),  # 3.33 > 2.83: major
        (29, ("major", "long", 2.9)),
    ],
)
def test_length_ratio_threshold_and_severity_with_tolerance_2(n, expected):
    assert len(FR10.split()) == 10
    got = flags("length_ratio", words(n), FR10, src_lang="fr", tolerance=2.0, expected=FR_EN_1)
    if expected is None:
        assert got == []
        return
    severity, way, factor = expected
    (f,) = got
    assert f["severity"] == severity
    # score: log(factor) / log(tolerance ** 2), rounded as flags are
    assert f["score"] == pytest.approx(math.log(factor) / math.log(4.0), abs=1e-4)
    assert f["evidence"]["reason"] == (
        f"target too {way}: {n} en units for 10 fr units (ratio {n / 10:.2f}, expected about 1.0)"
    )


def test_length_ratio_uses_the_pair_ratio_for_fr_en():
    # fr-en expects 0.87 English words a French word: 20 for 10 is off by 2.30 > 2.0
    (f,) = flags("length_ratio", words(20), FR10, src_lang="fr", tolerance=2.0)
    assert f["severity"] == "minor"
    assert f["score"] == pytest.approx(math.log(2.0 / 0.87) / math.log(4.0), abs=1e-4)
    assert f["evidence"]["reason"].endswith("(ratio 2.00, expected about 0.87)")
    # and 17 for 10 (ratio 1.70, off by 1.95) is within the tolerance
    assert flags("length_ratio", words(17), FR10, src_lang="fr", tolerance=2.0) == []


ZH50 = (
    "今天上午市民们在河边的新公园里散步，孩子们放风筝，"
    "老人们下棋聊天，商贩卖着水果和茶叶，大家都很高兴，天气也很好。"
)


@pytest.mark.parametrize(
    ("n", "flagged"),
    [
        # zh-en expects 0.69 words a character, tolerance 2.2: 50 characters allow
        # 50 * 0.69 / 2.2 = 15.68 .. 50 * 0.69 * 2.2 = 75.9 words.
        (15, True),
        (16, False),
        (75, False),
        (76, True),
    ],
)
def test_length_ratio_default_bounds_for_zh_en(n, flagged):
    assert bool(flags("length_ratio", words(n), ZH50)) is flagged

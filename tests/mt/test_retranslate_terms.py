"""Re-translation with a scripted translator: what the stage does with each answer, exactly.

The translator below answers by rule (no model), so the expected texts are worked out by hand
from the stage's contract: terms of the termbase masked as TERM0, TERM1...; a lost placeholder
forced back through a target prefix; every placeholder put back by its approved rendering;
candidates judged by the guards (failures in ``guards``) at ``guard_min_severity`` and above
(issue 21 survivors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.segments import new_row
from pipeline.stages.base import batch_rows, rows_to_batch


class Scripted:
    """Translator stand-in: ``answers`` maps a masked source to its first translation; a
    forced re-translation answers ``prefix + forced[source]``. Every call is recorded."""

    def __init__(self, answers: dict[str, str], forced: dict[str, str] | None = None) -> None:
        self.answers, self.forced = answers, forced or {}
        self.calls: list[tuple[list[str], list[str] | None]] = []

    def translate(self, texts: list[str], prefixes: list[str] | None = None, **_: Any) -> list[str]:
        self.calls.append((list(texts), None if prefixes is None else list(prefixes)))
        if prefixes is None:
            return [self.answers[t] for t in texts]
        return [p + self.forced[t] for t, p in zip(texts, prefixes, strict=True)]

    def score(self, sources: list[str], targets: list[str]) -> list[float]:
        return [-0.5] * len(targets)


@pytest.fixture
def termbase(tmp_path: Path) -> str:
    p = tmp_path / "terms.tsv"
    p.write_text("source\ttarget\n喀什\tKashgar\n茶园\ttea garden\n", encoding="utf-8")
    return str(p)


def stage_with(monkeypatch, translator: Scripted, options: dict[str, Any], termbases=()):
    """The retranslate stage as a run builds it from config, loading ``translator``."""
    from pipeline.mt import load

    monkeypatch.setattr(load, "cached_translator", lambda *a, **k: translator)
    stage_options: dict[str, Any] = {"retranslate": {"model": "scripted", **options}}
    if termbases:
        stage_options["glossary"] = {"termbases": list(termbases)}
    cfg = Config(stage_options=stage_options)
    # decide writes the output and decision from the candidates (the stage only proposes)
    return cfg.build_stages(["retranslate", "decide"])


SOURCE = "喀什的茶园很大。"
MASKED = "TERM0 的 TERM1 很大。"  # mask() spaces each placeholder, then folds runs of spaces


def one(stages, target: str, source: str = SOURCE) -> dict[str, Any]:
    row = new_row(target, source=source, src_lang="zh", garbled=True)
    batch = rows_to_batch([row])
    for stage in stages:
        batch = stage(batch)
    (out,) = batch_rows(batch)
    return out


def test_glossary_termbases_reach_the_retranslate_stage(monkeypatch, termbase):
    tr = Scripted({MASKED: "TERM0's TERM1 is large."})
    stage = stage_with(monkeypatch, tr, {}, [termbase])
    row = one(stage, "Kashi tea garden big big.")
    assert tr.calls == [([MASKED], None)]  # the model saw placeholders, not the terms
    cand = row["candidates"][-1]
    assert cand["origin"] == "retranslation" and cand["guards"] == []
    assert cand["text"] == "Kashgar's tea garden is large."


def test_placeholders_are_restored_after_a_forced_retranslation(monkeypatch, termbase):
    # First answer loses TERM0 (Kashgar) and keeps TERM1. forced_prefix puts "Kashgar" where
    # the term sat in the source (position 0 of 5 words) followed by the next word: "Kashgar
    # The". The forced answer still says TERM1, which must become "tea garden" again.
    tr = Scripted({MASKED: "The TERM1 is large."}, {MASKED: " TERM1 is large."})
    stage = stage_with(monkeypatch, tr, {"terms": "force"}, [termbase])
    row = one(stage, "Kashi tea garden big big.")
    assert tr.calls == [([MASKED], None), ([MASKED], ["Kashgar The"])]
    cand = row["candidates"][-1]
    assert cand["text"] == "Kashgar The tea garden is large."
    assert cand["guards"] == []
    assert not any(f["check"] == "term_dropped" for f in row["flags"])
    assert row["output"] == cand["text"] and row["decision"] == "retranslated"
    assert stage[0].take_stats()["terms_forced"] == 1


# 50 Chinese characters: zh-en expects 0.69 English words per character (34.5 words). A 12-word
# text has ratio 0.24, off by 0.69 / 0.24 = 2.88: beyond the tolerance 2.2 but within
# 2.2 ** 1.5 = 3.26, a minor flag. A 5-word text: ratio 0.10, off by 6.9, a major flag.
LONG_SOURCE = (
    "今天上午市民们在河边的新公园里散步，孩子们放风筝，"
    "老人们下棋聊天，商贩卖着水果和茶叶，大家都很高兴，天气也很好。"
)
MINOR = "People walked in the park by the river this morning with kites."
MAJOR = "People walked there this morning."


def test_long_source_is_fifty_units():
    from pipeline.checks.length_ratio import length_units

    assert length_units(LONG_SOURCE, "zh") == 50
    assert length_units(MINOR, "en") == 12 and length_units(MAJOR, "en") == 5


@pytest.mark.parametrize(
    ("floor", "text", "kept_out"),
    [
        ("major", MINOR, False),  # a minor flag is below the floor: the candidate is used
        ("major", MAJOR, True),
        ("minor", MINOR, True),
        ("critical", MAJOR, False),
    ],
)
def test_guard_severity_floor(monkeypatch, floor, text, kept_out):
    tr = Scripted({LONG_SOURCE: text})
    options = {"guard_checks": ["length_ratio"], "guard_min_severity": floor}
    stage = stage_with(monkeypatch, tr, options)
    row = one(stage, "Citizens walk walk walk park park park.", source=LONG_SOURCE)
    cand = row["candidates"][-1]
    ratio = {MINOR: "0.24", MAJOR: "0.10"}[text]
    n = {MINOR: 12, MAJOR: 5}[text]
    reason = (
        f"length_ratio: target too short: {n} en units for 50 zh units "
        f"(ratio {ratio}, expected about 0.69)"
    )
    assert cand["guards"] == ([reason] if kept_out else [])
    assert (row["decision"] == "retranslated") is not kept_out
    assert (row["output"] == text) is not kept_out


@pytest.mark.slow
def test_model_cache_keeps_compute_types_apart(tiny_ct2: Path):
    from pipeline.mt.load import cached_translator

    a = cached_translator(tiny_ct2, compute_type="int8")
    b = cached_translator(tiny_ct2, compute_type="float32")
    assert (a.compute_type, b.compute_type) == ("int8", "float32")
    assert a is not b
    assert cached_translator(tiny_ct2, compute_type="int8") is a

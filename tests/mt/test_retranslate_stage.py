"""Stage ``retranslate`` end to end with the tiny model on both backends, without a model, with
glossary constraints, and across worker processes. The tiny model is random: the tests check
what the stage does with whatever it writes, never what the text says."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pipeline.executor.driver import LocalExecutor
from pipeline.segments import new_row
from pipeline.stages.base import Batch, batch_rows, rows_to_batch
from pipeline.stages.decide import Decide
from pipeline.stages.retranslate import Retranslate

# Written for these tests: garbled English MT of Chinese sources, and one stray character.
ROWS = [
    ("The bridge bridge bridge was built.", "这座桥建于明代，至今仍在使用。", True),
    ("Kashi city market apples cheap.", "喀什市场上的苹果比上个月便宜了一些。", True),
    ("A fine day.", "天气很好。", False),
    ("The tea garden had harvest harvest harvest.", "山上的茶园今年收成很好。", True),
]
STRAY = "The cook preserved 鲊 with rice and salt."


def rows() -> list[dict[str, Any]]:
    out = [new_row(t, source=s, src_lang="zh", garbled=g) for t, s, g in ROWS]
    return [*out, new_row(STRAY, garbled=True)]


def run(options: dict[str, Any], data: list[dict[str, Any]] | None = None) -> tuple[list, dict]:
    stage = Retranslate(options)
    batch = Decide()(stage(rows_to_batch(data or rows())))
    return list(batch_rows(batch)), stage.take_stats()


def test_without_a_model_nothing_is_skipped_silently() -> None:
    out, stats = run({})
    assert stats["waiting_for_model"] == 3  # the three garbled bilingual segments
    assert [r["decision"] for r in out[:4]] == ["needs_review"] * 2 + ["kept", "needs_review"]
    stray = out[4]
    assert stray["output"] == STRAY  # the gloss is proposed, never applied
    (cand,) = stray["candidates"]
    assert cand["origin"] == "dictionary"
    assert cand["text"] == "The cook preserved salted fish with rice and salt."
    assert "zha3" in cand["reasons"][0]


@pytest.mark.slow
def test_end_to_end_guards_decide(tiny_any: Path) -> None:
    out, stats = run({"model": str(tiny_any)})
    assert stats["model_loads"] in (0, 1) and stats["selected"] == 3
    for row in out[:4]:
        if row["source"] and row["garbled"]:
            origins = [c["origin"] for c in row["candidates"]]
            assert origins == ["mt", "retranslation"]
            mt, cand = row["candidates"]
            assert mt["text"] == row["target"] and isinstance(mt["logprob"], float)
            assert isinstance(cand["logprob"], float) and cand["logprob"] <= 0
            assert cand["score"] is None  # quality is stage score's, never the log-prob
            # Replaced exactly when the guards found nothing.
            if cand["guards"]:
                assert row["decision"] == "needs_review" and row["output"] == row["target"]
            else:
                assert row["decision"] == "retranslated" and row["output"] == cand["text"]
        else:
            assert row["candidates"] == [] and row["decision"] == "kept"
    # Random weights loop and run short: the default guards discard every candidate here.
    assert stats.get("retranslated", 0) == 0 and stats["discarded"] >= 3


@pytest.mark.slow
def test_end_to_end_passing_candidate_replaces_the_output(tiny_any: Path) -> None:
    # No n-gram repeats and only the structural guards: the tiny model's text passes, so the
    # replacement path runs (its words are still arbitrary, which no test reads as quality).
    opts = {"model": str(tiny_any), "no_repeat_ngram_size": 2, "guard_checks": []}
    out, stats = run(opts)
    done = [r for r in out if r["decision"] == "retranslated"]
    assert len(done) == stats["retranslated"] >= 1
    for r in done:
        cand = r["candidates"][-1]
        assert cand["origin"] == "retranslation" and cand["guards"] == []
        assert r["output"] == cand["text"] != r["target"]


@pytest.mark.slow
def test_stray_span_translated_in_place(tiny_any: Path) -> None:
    opts = {"model": str(tiny_any), "no_repeat_ngram_size": 2, "guard_checks": []}
    out, _ = run(opts, [new_row(STRAY, garbled=True)])
    (cand,) = out[0]["candidates"]
    assert cand["origin"] == "retranslation"
    prefix, suffix = STRAY.split("鲊")
    assert cand["text"].startswith(prefix) and cand["text"].endswith(suffix)
    assert "鲊" not in cand["text"]


@pytest.mark.slow
def test_glossary_term_forced_and_verified(tiny_any: Path, termbase: str) -> None:
    out, stats = run({"model": str(tiny_any), "termbases": [termbase], "terms": "force"})
    kashi = out[1]
    cand = kashi["candidates"][-1]
    assert "Kashgar" in cand["text"].split() or cand["text"].startswith("Kashgar ")
    assert not any(r.startswith("term_dropped") for r in cand["guards"])
    assert not any(f["check"] == "term_dropped" for f in kashi["flags"])
    assert stats["terms_forced"] >= 1  # the random model lost the placeholder; forcing fixed it


@pytest.mark.slow
def test_glossary_term_dropped_is_flagged(tiny_any: Path, termbase: str) -> None:
    out, stats = run({"model": str(tiny_any), "termbases": [termbase], "terms": "mask"})
    kashi = out[1]
    cand = kashi["candidates"][-1]
    # Masking alone relies on the model copying TERM0 through; a random model does not.
    assert "Kashgar" not in cand["text"]
    assert "term_dropped: '喀什' must be 'Kashgar'" in cand["guards"]
    assert [f["check"] for f in kashi["flags"]].count("term_dropped") == 1
    assert kashi["decision"] == "needs_review" and stats["term_dropped"] >= 1


class LoadProbe(Retranslate):
    """Retranslate that also reports, per row, its process and the loads made there."""

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        from pipeline.mt import load

        out = super().apply(batch, state)
        n = len(out["target"])
        out["probe"] = [(os.getpid(), load.LOADS)] * n
        return out


def _batches(n: int) -> list[Batch]:
    data = rows()
    return [rows_to_batch([dict(r) for r in data]) for _ in range(n)]


@pytest.mark.slow
def test_model_loads_once_per_worker(tiny_model: Path) -> None:
    from pipeline.mt import load

    opts = {"model": str(tiny_model), "workers": 2}
    before = load.LOADS
    LocalExecutor(1).run([LoadProbe(opts)], _batches(3))
    assert load.LOADS - before <= 1  # one load in this process, for three batches
    out = LocalExecutor(2).run([LoadProbe(opts)], _batches(4))
    probes = {p for b in out for p in b["probe"]}
    pids = {pid for pid, _ in probes}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert all(loads == 1 for _, loads in probes)  # each worker loaded the model once


@pytest.mark.slow
def test_same_output_with_one_and_two_workers(tiny_any: Path, termbase: str) -> None:
    opts = {"model": str(tiny_any), "termbases": [termbase], "threads": 1}
    runs = []
    for workers in (1, 2):
        out = LocalExecutor(workers).run([Retranslate(opts), Decide()], _batches(3))
        runs.append(
            [(r["output"], r["decision"], r["candidates"]) for b in out for r in batch_rows(b)]
        )
    assert runs[0] == runs[1]

"""A re-translation that fails any guard is never written, on both backends, through a real
run with the guards as configured by default (the tiny model writes noise: the guards decide)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.runner import RunOptions, run

# Written for this test: garbled English MT of Chinese sources (doubled words make them garbled,
# so each is re-translated); 丽水 has an approved rendering the model must keep.
RECORDS = [
    ("丽水的茶农今年收成很好。", "Lishui tea tea farmers farmers had a good harvest harvest."),
    ("丽水的山村很美。", "The mountain mountain villages of Lishui Lishui are beautiful."),
    ("这座桥建于明代。", "This bridge bridge was was built in the Ming dynasty."),
]


@pytest.mark.slow
def test_a_guard_failed_candidate_is_never_written(tiny_any: Path, tmp_path: Path) -> None:
    src = tmp_path / "news.jsonl"
    src.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "source": s, "target": t}, ensure_ascii=False) + "\n"
            for i, (s, t) in enumerate(RECORDS)
        ),
        encoding="utf-8",
    )
    tb = tmp_path / "terms.tsv"
    tb.write_text("source\ttarget\n丽水\tLishui\n", encoding="utf-8")
    cfg = Config(
        input={"src_lang": "zh"},
        stage_options={
            "glossary": {"termbases": [str(tb)]},
            # masking alone: a random model drops the placeholder, so term_dropped fires
            "retranslate": {"model": str(tiny_any), "terms": "mask", "threads": 1},
            # no margin: a candidate wins on any gain in quality, unless a guard forbids it
            "score": {"retranslation_margin": 0.0},
        },
    )
    cfg.run.workers = 1
    out = tmp_path / "out"
    run([str(src)], str(out), cfg, RunOptions())
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    cleaned = (out / "cleaned" / "news.jsonl").read_text(encoding="utf-8")
    failed = [c for s in segs for c in s["candidates"] if c["guards"]]
    assert failed, "the tiny model should produce guard failures here"
    assert any(g.startswith("term_dropped") for c in failed for g in c["guards"])
    for s in segs:
        for c in s["candidates"]:
            if c["guards"]:
                assert s["output"] != c["text"] and s["decision"] != "retranslated"
                assert "not chosen: failed its guards" in c["reasons"]
                assert json.dumps(c["text"], ensure_ascii=False)[1:-1] not in cleaned
        if s["decision"] == "retranslated":  # only a candidate that passed every guard
            chosen = next(c for c in s["candidates"] if c["text"] == s["output"])
            assert chosen["origin"] == "retranslation" and chosen["guards"] == []

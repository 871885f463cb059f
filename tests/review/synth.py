"""A synthetic finished run of any size (segments.jsonl + summary.json), for page-scale tests.

Built directly, without running the pipeline, so a 100,000-segment run takes a second."""

from __future__ import annotations

import json
import random
from pathlib import Path

from pipeline.segments import new_row, output_record

WORDS = (
    "the county hospital opened a new ward for children and the elderly in Kashgar "
    "officials from the aid team visited schools villages farms markets 喀什 鲊 bad fish"
).split()


def synth_run(out: Path, n_segments: int, seed: int = 7) -> Path:
    """Write a run of ``n_segments`` segments under ``out``; about a third need a decision."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    decisions = {"kept": 0, "fixed": 0, "retranslated": 0, "needs_review": 0, "dropped": 0}
    checks: dict[str, int] = {}
    with (out / "segments.jsonl").open("w", encoding="utf-8") as fh:
        for n in range(n_segments):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) + "."
            row = new_row(text, file="archive.jsonl", record=f"r{n // 4}", index=n % 4)
            roll = rng.random()
            if roll < 0.2:
                flag = {
                    "check": rng.choice(["repetition", "truncation", "untranslated"]),
                    "severity": "major",
                    "score": 0.8,
                    "evidence": {"start": 0, "end": 3, "text": text[:3], "reason": "synthetic"},
                }
                row["flags"] = [flag, dict(flag)]  # a duplicate the page must drop
                row["garble_score"] = round(rng.random(), 3)
                row["decision"] = "needs_review"
                checks[flag["check"]] = checks.get(flag["check"], 0) + 1
            elif roll < 0.3:
                row["output"] = text.replace("the", "a")
                row["decision"] = "fixed"
            decisions[row["decision"]] += 1
            fh.write(json.dumps(output_record(row), ensure_ascii=False) + "\n")
    summary = {
        "mtclean": "synthetic",
        "config": "built-in defaults",
        "stages": [],
        "inputs": ["archive.jsonl"],
        "records": {"in": (n_segments + 3) // 4},
        "segments": n_segments,
        "checks": checks,
        "decisions": decisions,
    }
    (out / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return out

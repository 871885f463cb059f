"""Run the score stage the way the platform's executor does: scan every batch, merge, apply,
then sum the stats channel and finish it."""

from __future__ import annotations

from typing import Any

from pipeline.segments import new_row
from pipeline.stages.base import batch_rows, merge_stats, rows_to_batch
from pipeline.stages.score import Score


def bi_row(target: str, source: str, record: str, **kw: Any) -> dict[str, Any]:
    """A bilingual zh->en segment row."""
    base = {"file": "t.jsonl", "record": record, "doc": "d", "source": source, "src_lang": "zh"}
    return new_row(target, **(base | kw))


def run_score(
    rows: list[dict[str, Any]], batch_size: int = 2, stage: Score | None = None, **options: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows out and the finished stats of a score stage over ``rows``."""
    stage = stage or Score(options)
    batches = [rows_to_batch(rows[i : i + batch_size]) for i in range(0, len(rows), batch_size)]
    state = stage.merge([stage.scan(b) for b in batches])
    out, stats = [], []
    for b in batches:
        out += list(batch_rows(stage(b, state)))
        stats.append(stage.take_stats())
    return out, stage.finish_stats(merge_stats(stats))

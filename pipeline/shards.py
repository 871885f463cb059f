"""Shards: consecutive records of one input, the unit of work, of resuming and of output.

The driver reads each input in order and cuts it into shards of at most ``shard_records``
records (rejects travel with them, so every item of a file is in exactly one shard). A worker
turns a shard's records into segment rows, runs the stages, and in the last pass renders the
shard's part of every output: its ``segments.jsonl`` lines, the edits to the cleaned file and
its rejects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline import jsonutil
from pipeline.core.schema import make_flag, new_row, output_record
from pipeline.core.stage import Batch, batch_rows
from pipeline.quality.report import ReportData
from pipeline.readers import iter_records
from pipeline.readers.registry import Format, format_for
from pipeline.readers.source import Limits
from pipeline.records import Record, Reject
from pipeline.text.segment import segment
from pipeline.writers.cleaned import DROP, KEEP, REPLACE, Item


@dataclass
class ShardInput:
    """Records and rejects of one shard, in file order."""

    id: int
    file_index: int
    path: str
    first_record: int = 0  # ordinal of the shard's first record in its file
    items: list[Record | Reject] = field(default_factory=list)

    @property
    def n_records(self) -> int:
        return sum(1 for it in self.items if isinstance(it, Record))


def read_shards(
    paths: list[str],
    shard_records: int,
    limits: Limits,
    src_lang: str | None,
    tgt_lang: str,
) -> Iterator[ShardInput]:
    """Every input cut into shards, in order; shard ids count from 0 across all inputs."""
    sid = 0
    for fi, path in enumerate(paths):
        n = 0
        cur = ShardInput(sid, fi, path, n)
        for item in iter_records(path, limits, src_lang, tgt_lang):
            cur.items.append(item)
            n += isinstance(item, Record)
            if len(cur.items) >= shard_records:
                yield cur
                sid += 1
                cur = ShardInput(sid, fi, path, n)
        if cur.items or n == 0:
            yield cur  # a file with no items still gets a shard, so its cleaned copy is written
            sid += 1


# ``seq`` orders segments within a file: record ordinal * SEQ_STRIDE + segment index. It does
# not need to be dense, only unique and in document order, so no shard depends on another.
SEQ_STRIDE = 1 << 24


def shard_rows(shard: ShardInput) -> list[dict[str, Any]]:
    """One row per segment of every record; bilingual records stay one segment."""
    rows: list[dict[str, Any]] = []
    ordinal = shard.first_record
    path = shard.path
    split = format_for(path).segmented
    for rec in shard.items:
        if not isinstance(rec, Record):
            continue
        seq = ordinal * SEQ_STRIDE
        ordinal += 1
        whole = rec.source is not None or not split
        spans = [(0, len(rec.target))] if whole else segment(rec.target)
        doc = f"{path}#{rec.doc}" if rec.doc != path else path
        for i, (s, e) in enumerate(spans):
            before = rec.target[spans[i - 1][1] : s] if i else "\n"
            after = rec.target[e : spans[i + 1][0]] if i + 1 < len(spans) else "\n"
            rows.append(
                new_row(
                    rec.target[s:e],
                    file=path,
                    seq=seq,
                    record=rec.id,
                    index=i,
                    start=s,
                    end=e,
                    line_first="\n" in before or "\r" in before,
                    line_end="\n" in after or "\r" in after,
                    doc=doc,
                    source=rec.source,
                    src_lang=rec.src_lang,
                    tgt_lang=rec.tgt_lang,
                    reference=rec.reference,
                )
            )
            seq += 1
    return rows


def new_target(target: str, rows: list[dict[str, Any]]) -> str | None:
    """The record's cleaned target, or None when no segment changed."""
    if all(r["decision"] != "dropped" and r["output"] == r["target"] for r in rows):
        return None
    spans = [(r["start"], r["end"]) for r in rows]
    kept = [k for k, r in enumerate(rows) if r["decision"] != "dropped"]
    if not kept:
        return ""
    # A dropped segment takes the gap before it (or after it, when it leads) along.
    parts = [target[: spans[0][0]]]
    for n, k in enumerate(kept):
        if n:
            parts.append(target[spans[k - 1][1] : spans[k][0]])
        parts.append(rows[k]["output"])
    parts.append(target[spans[-1][1] :])
    return "".join(parts)


@dataclass
class ShardOutput:
    """The last pass's product for one shard (the segments lines are written beside it)."""

    items: list[Item]
    rejects: list[str]  # rejects.jsonl lines
    records_in: int = 0
    records_out: int = 0
    dropped: int = 0
    rejected: int = 0
    segments: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    report: ReportData | None = None


def render_shard(shard: ShardInput, batch: Batch, rewrite: bool, seg_out: Any) -> ShardOutput:
    """Write the shard's segments lines to ``seg_out`` and return its edits and counts.

    A record whose new target its format cannot write (a fix that would break inline markup)
    is kept as it was; its segments say so (decision ``needs_review``, flag ``markup``).
    """
    fmt = format_for(shard.path)
    rows = list(batch_rows(batch)) if batch else []
    by_record: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_record.setdefault(row["record"], []).append(row)
    out = ShardOutput(items=[], rejects=[])
    for it in shard.items:
        out.records_in += 1
        if isinstance(it, Reject):
            out.rejected += 1
            out.records_out += 1
            out.rejects.append(jsonutil.dumps(it.as_json()) + "\n")
            out.items.append(Item(it.span[0], it.span[1], KEEP))
            continue
        mine = by_record.get(it.id, [])
        nt = new_target(it.target, mine) if rewrite else None
        problem = fmt.render_problem(it, nt) if nt is not None else None
        if problem is not None:
            _keep_for_markup(mine, problem)
            nt = None
        item = edit_item(fmt, it, nt)
        out.items.append(item)
        if item.action == DROP:
            out.dropped += 1
        else:
            out.records_out += 1
    out.report = ReportData()
    base = shard.id << 32  # rows in segments.jsonl order across shards
    for i, row in enumerate(rows):
        record = output_record(row)
        seg_out.write((jsonutil.dumps(record) + "\n").encode("utf-8"))
        out.checks.update({fl["check"] for fl in row["flags"]})
        out.decisions[row["decision"]] += 1
        out.segments += 1
        out.report.add(record, base + i)
    return out


def _keep_for_markup(rows: list[dict[str, Any]], reason: str) -> None:
    for row in rows:
        if row["output"] != row["target"] or row["decision"] == "dropped":
            row["flags"] = [*row["flags"], make_flag("markup", "critical", 1.0, reason)]
            row["decision"], row["output"] = "needs_review", row["target"]


def edit_item(fmt: Format, rec: Record | Reject, target: str | None) -> Item:
    """What becomes of one item: kept (``target`` None), re-rendered, or dropped (an empty
    target in a format whose drop rule removes records)."""
    if target is None or isinstance(rec, Reject):
        return Item(rec.span[0], rec.span[1], KEEP)
    rendered = fmt.render(rec, target) if target.strip() or fmt.drop_rule == "empty" else None
    if rendered is None:
        return Item(rec.span[0], rec.span[1], DROP)
    return Item(rec.span[0], rec.span[1], REPLACE, rendered.encode("utf-8", "surrogateescape"))


def cleaned_items(
    path: str, items: Iterable[Record | Reject], targets: dict[str, str]
) -> Iterator[Item]:
    """Edits for a file given new targets by record id (records not named are kept)."""
    fmt = format_for(path)
    for it in items:
        nt = targets.get(it.id) if isinstance(it, Record) else None
        yield edit_item(fmt, it, nt)

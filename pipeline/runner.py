"""One run: read inputs, segment them into column batches, run the stages, write the outputs.

Outputs (all written atomically, at the end, so an aborted run leaves the previous ones intact):
``segments.jsonl``, ``summary.json``, ``cleaned/<input name>`` and, when anything was rejected,
``rejects.jsonl``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__, jsonutil
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.executor.local import LocalExecutor
from pipeline.readers import detect_format, read_input
from pipeline.readers.base import probe_file
from pipeline.records import InputFile, Reject
from pipeline.segments import new_row, output_record
from pipeline.stages.base import Batch, Stage
from pipeline.stages.decide import DECISIONS
from pipeline.text.segment import segment
from pipeline.writers import atomic
from pipeline.writers.cleaned import cleaned_text, encode


@dataclass
class RunOptions:
    """What a run does besides its config: the stage list and whether text may be rewritten."""

    stages: list[str] | None = None
    rewrite: bool = True
    progress: Callable[[int, int, str], None] | None = None  # (advance, total, file name)


@dataclass
class RunResult:
    summary: dict[str, Any]
    rejects: list[Reject] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 3 if self.rejects else 0


def detect_only(cfg: Config) -> Config:
    """The config for a run that rewrites nothing: decisions in detect mode, and glossary fixes
    only proposed (their hits say ``flagged``)."""
    options = {k: dict(v) for k, v in cfg.stage_options.items()}
    options.setdefault("decide", {})["mode"] = "detect"
    glossary = options.setdefault("glossary", {})
    glossary["replace_variants"] = glossary["translate_source_terms"] = False
    return cfg.model_copy(update={"stage_options": options})


def check_inputs(paths: list[str]) -> None:
    """File-level checks for every input before any work: fail fast, write nothing."""
    names: dict[str, str] = {}
    for p in paths:
        detect_format(p)
        probe_file(p)  # the full read happens once, in read_input
        name = Path(p).name
        if name in names:
            raise UsageError(f"{p}: same file name as {names[name]}; cleaned/{name} would clash")
        names[name] = p


def segment_rows(f: InputFile) -> Iterator[dict[str, Any]]:
    """One row per segment of every record of ``f``; bilingual records stay one segment."""
    seq = 0
    for rec in f.records:
        spans = [(0, len(rec.target))] if rec.source is not None else segment(rec.target)
        for i, (s, e) in enumerate(spans):
            before = rec.target[spans[i - 1][1] : s] if i else "\n"
            after = rec.target[e : spans[i + 1][0]] if i + 1 < len(spans) else "\n"
            yield new_row(
                rec.target[s:e],
                file=f.path,
                seq=seq,
                record=rec.id,
                index=i,
                start=s,
                end=e,
                line_first="\n" in before or "\r" in before,
                line_end="\n" in after or "\r" in after,
                doc=f"{f.path}#{rec.doc}" if rec.doc != f.path else f.path,
                source=rec.source,
                src_lang=rec.src_lang,
                tgt_lang=rec.tgt_lang,
                reference=rec.reference,
            )
            seq += 1


def to_batches(rows: list[dict[str, Any]], size: int) -> list[Batch]:
    """Rows to column batches of at most ``size`` rows."""
    batches = []
    for i in range(0, len(rows), size):
        chunk = rows[i : i + size]
        batches.append({k: [r[k] for r in chunk] for k in chunk[0]})
    return batches


def from_batches(batches: list[Batch]) -> Iterator[dict[str, Any]]:
    for b in batches:
        keys = list(b)
        for values in zip(*(b[k] for k in keys), strict=True):
            yield dict(zip(keys, values, strict=True))


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


def run(inputs: list[str], out_dir: str, cfg: Config, opts: RunOptions) -> RunResult:
    """Run the pipeline over ``inputs`` and write every output under ``out_dir``."""
    t_start = time.perf_counter()
    check_inputs(inputs)
    if not opts.rewrite:
        cfg = detect_only(cfg)
    stages = cfg.build_stages(opts.stages)
    executor = LocalExecutor(cfg.run.workers)
    out = Path(out_dir)
    timings: Counter[str] = Counter()
    per_file: dict[str, Any] = {}
    checks: Counter[str] = Counter()
    decisions: Counter[str] = Counter({d: 0 for d in DECISIONS})
    all_rejects: list[Reject] = []
    cleaned: dict[str, bytes] = {}
    records_in = records_out = n_segments = 0
    out.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_open(out / "segments.jsonl") as seg_out:
        for path in inputs:
            t0 = time.perf_counter()
            f = read_input(path, cfg.input.src_lang or None, cfg.input.tgt_lang)
            timings["read"] += time.perf_counter() - t0
            rows = list(segment_rows(f))
            batches = to_batches(rows, cfg.run.batch_size) if rows else []
            total = len(rows) * executor.phases(stages)
            batches = _run_stages(executor, stages, batches, opts, total, f.name)
            for name, secs in executor.timings.items():
                timings[f"stage:{name}"] += secs
            t0 = time.perf_counter()
            file_stats = _write_file(f, batches, seg_out, out, opts.rewrite, cleaned)
            timings["write"] += time.perf_counter() - t0
            per_file[f.name] = file_stats
            checks.update(file_stats["checks"])
            decisions.update(file_stats["decisions"])
            all_rejects += f.rejects
            records_in += file_stats["records_in"]
            records_out += file_stats["records_out"]
            n_segments += file_stats["segments"]
        t0 = time.perf_counter()
        for name, data in cleaned.items():
            atomic.write_bytes(out / "cleaned" / name, data)
        rejects_path = out / "rejects.jsonl"
        if all_rejects:
            atomic.write_text(
                rejects_path, "".join(jsonutil.dumps(r.as_json()) + "\n" for r in all_rejects)
            )
        elif rejects_path.exists():
            rejects_path.unlink()  # a stale file from an earlier run would mislead
        timings["write"] += time.perf_counter() - t0
    summary = {
        "mtclean": __version__,
        "config": cfg.source,
        "stages": [s.name for s in stages],
        "inputs": list(inputs),
        # in == out + dropped: rejects are copied into the cleaned output unchanged.
        "records": {
            "in": records_in,
            "out": records_out,
            "rejected": len(all_rejects),
            "dropped": records_in - records_out,
        },
        "segments": n_segments,
        "checks": dict(sorted(checks.items())),
        "decisions": dict(decisions),
        "files": per_file,
        "exit_status": 3 if all_rejects else 0,
        "timings": {k: round(v, 4) for k, v in sorted(timings.items())}
        | {"total": round(time.perf_counter() - t_start, 4)},
    }
    atomic.write_text(
        out / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    )
    return RunResult(summary, all_rejects)


def _run_stages(
    executor: LocalExecutor,
    stages: list[Stage],
    batches: list[Batch],
    opts: RunOptions,
    total: int,
    label: str,
) -> list[Batch]:
    if not batches:
        return batches
    progress = opts.progress
    cb = (lambda n: progress(n, total, label)) if progress else None
    return executor.run(stages, batches, cb)


def _write_file(
    f: InputFile,
    batches: list[Batch],
    seg_out: Any,
    out: Path,
    rewrite: bool,
    cleaned: dict[str, bytes],
) -> dict[str, Any]:
    by_record: dict[str, list[dict[str, Any]]] = {}
    checks: Counter[str] = Counter()
    decisions: Counter[str] = Counter()
    for row in from_batches(batches):
        by_record.setdefault(row["record"], []).append(row)
        seg_out.write(jsonutil.dumps(output_record(row)) + "\n")

        checks.update({fl["check"] for fl in row["flags"]})
        decisions[row["decision"]] += 1
    new_targets: dict[int, str] = {}
    for i, rec in enumerate(f.records):
        rows = by_record[rec.id]
        if rewrite:
            nt = new_target(rec.target, rows)
            if nt is not None:
                new_targets[i] = nt
    # A plain-text paragraph left with no text leaves the file (it cannot exist empty); a
    # structured record stays, with an empty target.
    gone = sum(1 for t in new_targets.values() if not t.strip()) if f.format == "txt" else 0
    cleaned[f.name] = encode(f, cleaned_text(f, new_targets))
    return {
        "format": f.format,
        "records_in": len(f.records) + len(f.rejects),
        "records_out": len(f.records) + len(f.rejects) - gone,
        "dropped": gone,
        "rejected": len(f.rejects),
        "segments": sum(len(v) for v in by_record.values()),
        "checks": dict(sorted(checks.items())),
        "decisions": dict(sorted(decisions.items())),
    }

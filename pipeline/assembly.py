"""Assembly: the output set of a run, built in the staging folder from the per-shard results.

``segments.jsonl``, ``cleaned/<name>`` (copied from the input range by range, the shard's edits
streamed in), ``rejects.jsonl`` when anything was rejected, and the figures of
``summary.json`` and ``report.html``. Nothing here runs a stage.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import Config
from pipeline.core.stage import Stage
from pipeline.executor.base import WorkDir, load
from pipeline.executor.driver import PassTotals
from pipeline.executor.work import TaskResult
from pipeline.quality.report import ReportData
from pipeline.readers import Limits, Source, format_for
from pipeline.stages.decide import DECISIONS
from pipeline.writers import atomic
from pipeline.writers.cleaned import Item, compressed_writer, write_cleaned


@dataclass
class Input:
    """One input file and the name of its cleaned copy under ``cleaned/``."""

    path: str
    name: str


def stage_report(stages: list[Stage[Any]], totals: PassTotals) -> dict[str, Any]:
    """Each stage's finished stats, seconds and throughput, for ``summary.json``."""
    report: dict[str, Any] = {}
    for st in stages:
        entry = st.finish_stats(totals.stats.get(st.name, {}))
        secs = totals.seconds.get(st.name, 0.0)
        n = totals.segments.get(st.name, 0)
        entry = {**entry, "seconds": round(secs, 4)}
        entry["segments_per_s"] = round(n / secs, 1) if secs > 0 else None
        report[st.name] = entry
    return report


def count_records(ins: list[Input], limits: Limits, work: Path, resumed: bool) -> dict[str, int]:
    """Records per input, for the progress total (cached in the work folder for resumes)."""
    cache = work / "counts.json"
    if resumed and cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    counts = {i.path: format_for(i.path).count(Source(i.path, limits)) for i in ins}
    atomic.write_text(cache, json.dumps(counts) + "\n")
    return counts


def assemble(
    ins: list[Input], staging: Path, wd: WorkDir, shard_file: list[int], last: int
) -> tuple[dict[str, Any], ReportData]:
    """Build the output set in ``staging`` from the last pass's per-shard results."""
    per_file: dict[str, Any] = {}
    checks: Counter[str] = Counter()
    decisions: Counter[str] = Counter({d: 0 for d in DECISIONS})
    rec: Counter[str] = Counter()
    n_segments = 0
    report = ReportData()
    by_file: dict[int, list[int]] = {}
    for sid, fi in enumerate(shard_file):
        by_file.setdefault(fi, []).append(sid)
    with (
        atomic.atomic_open(staging / "segments.jsonl", "wb") as seg_out,
        atomic.atomic_open(staging / ".rejects.jsonl", "w") as rej_out,
    ):
        for fi, inp in enumerate(ins):
            f_stats: dict[str, Any] = {
                "format": format_for(inp.path).name,
                "records_in": 0,
                "records_out": 0,
                "dropped": 0,
                "rejected": 0,
                "segments": 0,
            }
            f_checks: Counter[str] = Counter()
            f_dec: Counter[str] = Counter()

            def file_items(
                fi: int = fi,
                f_stats: dict[str, Any] = f_stats,
                f_checks: Counter[str] = f_checks,
                f_dec: Counter[str] = f_dec,
            ) -> Iterator[Item]:
                # One shard's result at a time: its segments and rejects are appended, its
                # edits streamed to the cleaned copy, so no file is ever held whole.
                for sid in by_file.get(fi, []):
                    res: TaskResult = load(wd.done(last, sid))
                    o = res.output
                    assert o is not None
                    with open(wd.final_segments(sid), "rb") as fh:
                        while block := fh.read(1 << 20):
                            seg_out.write(block)
                    rej_out.write("".join(o.rejects))
                    for k in ("records_in", "records_out", "dropped", "rejected", "segments"):
                        f_stats[k] += getattr(o, k)
                    f_checks.update(o.checks)
                    f_dec.update(o.decisions)
                    if o.report is not None:
                        report.merge(o.report)
                    yield from o.items

            target = staging / "cleaned" / inp.name
            with atomic.atomic_open(target, "wb") as raw:
                fh_out = compressed_writer(inp.name, raw)
                write_cleaned(inp.path, file_items(), fh_out)
                if fh_out is not raw:
                    fh_out.close()
            f_stats["checks"] = dict(sorted(f_checks.items()))
            f_stats["decisions"] = dict(sorted(f_dec.items()))
            per_file[inp.name] = f_stats
            checks.update(f_checks)
            decisions.update(f_dec)
            n_segments += f_stats["segments"]
            for k in ("records_in", "records_out", "dropped", "rejected"):
                rec[k] += f_stats[k]
    rejects_tmp = staging / ".rejects.jsonl"
    if rejects_tmp.stat().st_size:
        os.replace(rejects_tmp, staging / "rejects.jsonl")
    else:
        rejects_tmp.unlink()
    return {
        # in == out + dropped: rejects are copied into the cleaned output unchanged.
        "records": {
            "in": rec["records_in"],
            "out": rec["records_out"],
            "rejected": rec["rejected"],
            "dropped": rec["dropped"],
        },
        "segments": n_segments,
        "checks": dict(sorted(checks.items())),
        "decisions": dict(decisions),
        "files": per_file,
    }, report


def summary_head(
    ins: list[Input], cfg: Config, stages: list[Stage[Any]], fp: dict[str, Any], resumed: bool
) -> dict[str, Any]:
    return {
        "mtclean": __version__,
        "fingerprint": fp["id"],
        "config": cfg.source,
        "effective_config": cfg.effective(),
        "stages": [s.name for s in stages],
        "engine": cfg.run.engine,
        "workers": cfg.run.workers or (os.cpu_count() or 1),
        "resumed": resumed,
        "inputs": [str(Path(i.path).resolve()) for i in ins],
        "outputs": {i.path: f"cleaned/{i.name}" for i in ins},
    }


def first_rejects(path: Path, limit: int = 1000) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) >= limit:
                break
    return out

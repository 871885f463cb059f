"""One run: inputs in shards through the planned passes, then the output set, swapped in whole.

1. Check every input and the output folder before any work (``check_inputs``, ``OutDir``).
2. Fingerprint the inputs and the effective config; ``--resume`` continues the work folder of
   an interrupted run with the same fingerprint and refuses any other.
3. Read the inputs in order, cut them into shards, and run each pass of the plan
   (``executor.base.plan_passes``) on every shard through the chosen engine; merge the scan
   parts between passes.
4. Assemble the output set in the staging folder from the per-shard results: ``segments.jsonl``,
   ``cleaned/<name>`` (copied from the input range by range), ``rejects.jsonl`` when anything
   was rejected, ``summary.json`` and ``report.html``; swap it in; delete the work folder.

Memory stays bounded: the driver holds a few shards in flight, the document checks keep
windows, and every output is streamed.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline import __version__, jsonutil
from pipeline.config import Config
from pipeline.errors import UsageError, quote_path
from pipeline.executor.base import WorkDir, load, merge_pass, plan_passes, save
from pipeline.executor.work import RunSpec, TaskResult, init_worker, run_task
from pipeline.outdir import OutDir
from pipeline.quality.report import ReportData, write_report
from pipeline.readers import Limits, Source, format_for
from pipeline.resume import HashingReader, check_unchanged, fingerprint, load_fingerprint, mismatch
from pipeline.shards import ShardInput, read_shards
from pipeline.stages.base import Stage, add_stat
from pipeline.stages.decide import DECISIONS
from pipeline.writers import atomic
from pipeline.writers.cleaned import Item, compressed_writer, write_cleaned


class ProgressSink(Protocol):
    def start(self, total: int, passes: int, files: int) -> None: ...
    def advance(self, records: int, label: str) -> None: ...
    def next_pass(self, number: int) -> None: ...


@dataclass
class Input:
    """One input file and the name of its cleaned copy under ``cleaned/``."""

    path: str
    name: str


@dataclass
class RunOptions:
    """What a run does besides its config."""

    stages: list[str] | None = None
    rewrite: bool = True
    resume: bool = False
    overwrite: bool = False
    progress: ProgressSink | None = None


@dataclass
class RunResult:
    summary: dict[str, Any]
    rejects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 3 if self.summary["records"]["rejected"] else 0


def detect_only(cfg: Config) -> Config:
    """The config for a run that rewrites nothing (each stage's own detect options)."""
    return cfg.for_detect()


def as_inputs(items: list[str | Input]) -> list[Input]:
    return [i if isinstance(i, Input) else Input(i, Path(i).name) for i in items]


def check_inputs(inputs: list[Input], limits: Limits, out: Path | None = None) -> None:
    """File-level checks for every input before any work: fail fast, write nothing."""
    names: dict[str, str] = {}
    out_real = out.resolve() if out is not None else None
    for inp in inputs:
        format_for(inp.path)
        Source(inp.path, limits).probe()
        if out_real is not None:
            real = Path(inp.path).resolve()
            if real == out_real or out_real in real.parents:
                raise UsageError(
                    f"{quote_path(inp.path)}: is inside --out {quote_path(out)}; "
                    "a run would overwrite its own input"
                )
        if inp.name in names:
            raise UsageError(
                f"{quote_path(inp.path)}: same file name as {quote_path(names[inp.name])}; "
                f"cleaned/{inp.name} would clash"
            )
        names[inp.name] = inp.path


def make_engine(cfg: Config, stages: list[Stage[Any]], n_shards: int) -> Any:
    """The configured engine, with no more workers than there are shards to share."""
    workers = cfg.run.workers or (os.cpu_count() or 1)
    if cfg.run.engine == "local":
        workers = min(workers, n_shards)
    if cfg.run.engine == "datasets":
        from pipeline.executor.hf_datasets import DatasetsEngine

        return DatasetsEngine(workers)
    if cfg.run.engine == "ray":
        from pipeline.executor.ray_engine import RayEngine

        gpu = any(s.uses_model for s in stages)
        return RayEngine(workers, cfg.run.ray_address, gpu=gpu)
    from pipeline.executor.local import LocalEngine

    return LocalEngine(workers)


def run(inputs: list[str] | list[Input], out_dir: str, cfg: Config, opts: RunOptions) -> RunResult:
    """Run the pipeline over ``inputs`` and write the output set under ``out_dir``."""
    t_start = time.perf_counter()
    ins = as_inputs(list(inputs))
    limits = Limits(cfg.run.max_line_bytes, cfg.run.max_record_bytes, cfg.run.max_whole_file_bytes)
    out = OutDir(out_dir)
    check_inputs(ins, limits, out.root)
    if not opts.rewrite:
        cfg = detect_only(cfg)
    stage_names = opts.stages or cfg.run.stages
    cfg.validate_stages(stage_names)
    out.open()
    try:
        if out.has_outputs() and not opts.overwrite:
            if not opts.resume:
                raise UsageError(
                    f"--out {quote_path(out_dir)}: holds the outputs of an earlier run; "
                    "pass --overwrite to replace them"
                )
            if not (out.work / "fingerprint.json").exists():
                raise UsageError(
                    f"--out {quote_path(out_dir)}: nothing to resume (the last run there "
                    "completed); pass --overwrite to replace its outputs"
                )
        return _run_locked(ins, out, cfg, opts, limits, stage_names, t_start)
    finally:
        out.close()


def _run_locked(
    ins: list[Input],
    out: OutDir,
    cfg: Config,
    opts: RunOptions,
    limits: Limits,
    stage_names: list[str],
    t_start: float,
) -> RunResult:
    fp = fingerprint(ins, cfg, opts.rewrite, stage_names)
    wd = WorkDir(out.work)
    fp_path = out.work / "fingerprint.json"
    resumed = False
    if opts.resume and fp_path.exists():
        old = load_fingerprint(fp_path, out.root)
        why = mismatch(old, fp)
        if why:
            raise UsageError(f"cannot resume the run in {quote_path(out.root)}: {why}")
        resumed = True
    else:
        out.discard_work()
        out.work.mkdir(parents=True)
        atomic.write_text(fp_path, json.dumps(fp, indent=2) + "\n")

    stages = cfg.build_stages(stage_names)
    for st in stages:
        st.check()  # resources a stage needs (termbases, a model folder): fail before any work
    passes = plan_passes(stages)
    spec = RunSpec(str(out.work), tuple(passes), opts.rewrite, cfg.run.batch_size)
    progress = opts.progress
    totals = _count_records(ins, limits, out.work, resumed)
    n_shards = sum(-(-max(n, 1) // cfg.run.shard_records) for n in totals.values())
    engine = make_engine(cfg, stages, n_shards)
    if progress:
        progress.start(sum(totals.values()), len(passes), len(ins))

    shard_file: list[int] = []  # the input file index of each shard, by shard id
    stats: dict[str, dict[str, Any]] = {}
    seconds: Counter[str] = Counter()
    segments_seen: Counter[str] = Counter()
    timings: Counter[str] = Counter()

    def timed(it: Iterator[ShardInput]) -> Iterator[ShardInput]:
        while True:
            t0 = time.perf_counter()
            sh = next(it, None)
            timings["read"] += time.perf_counter() - t0
            if sh is None:
                return
            yield sh

    def tasks(p: int) -> Iterator[tuple[int, int, ShardInput | None]]:
        if p == 0:
            for sh in timed(
                read_shards(
                    [i.path for i in ins],
                    cfg.run.shard_records,
                    limits,
                    cfg.input.src_lang or None,
                    cfg.input.tgt_lang,
                )
            ):
                shard_file.append(sh.file_index)  # shard ids count 0, 1, 2... in read order
                yield (0, sh.id, DONE if wd.done(0, sh.id).exists() else sh)
        else:
            for sid in range(len(shard_file)):
                yield (p, sid, DONE if wd.done(p, sid).exists() else None)

    engine.start(init_worker, (stages, spec))
    try:
        for p, plan in enumerate(passes):
            if progress and p:
                progress.next_pass(p)
            for res in _merge_results(engine, tasks(p), wd):
                stats = add_stat(stats, res.stats)
                seconds.update(res.seconds)
                for i in plan.apply:
                    segments_seen[stages[i].name] += res.segments
                if progress:
                    progress.advance(res.records, ins[shard_file[res.shard]].path)
            t0 = time.perf_counter()
            merge_pass(wd, stages, plan.scans, range(len(shard_file)))
            timings["merge"] += time.perf_counter() - t0
    finally:
        engine.close()

    t0 = time.perf_counter()
    staging = out.fresh_staging()
    summary, report = _assemble(ins, staging, wd, shard_file, len(passes) - 1, fp)
    timings["write"] = time.perf_counter() - t0
    stage_report: dict[str, Any] = {}
    for st in stages:
        entry = st.finish_stats(stats.get(st.name, {}))
        secs = seconds.get(st.name, 0.0)
        n = segments_seen.get(st.name, 0)
        entry = {**entry, "seconds": round(secs, 4)}
        entry["segments_per_s"] = round(n / secs, 1) if secs > 0 else None
        stage_report[st.name] = entry
    total_secs = time.perf_counter() - t_start
    summary.update(
        {
            "stage_stats": stage_report,
            "exit_status": 3 if summary["records"]["rejected"] else 0,
            "timings": {k: round(v, 4) for k, v in sorted(timings.items())}
            | {"segment": round(seconds.get("segment", 0.0), 4)}
            | {"render": round(seconds.get("render", 0.0), 4)}
            | {"total": round(total_secs, 4)},
        }
    )
    metrics = stage_report.get("score", {}).get("metrics")
    if metrics:
        summary["metrics"] = metrics
    summary = _summary_head(ins, cfg, stages, fp, resumed) | summary
    atomic.write_text(staging / "summary.json", jsonutil.dumps_pretty(summary) + "\n")
    write_report(str(staging), data=report)
    out.swap()
    out.discard_work()
    rejects = _first_rejects(out.root / "rejects.jsonl")
    return RunResult(summary, rejects)


# A task whose completion marker exists: its result is read back, not computed again.
DONE = "done"


def _merge_results(
    engine: Any, tasks: Iterator[tuple[int, int, Any]], wd: WorkDir
) -> Iterator[TaskResult]:
    """Results in shard order: completed tasks from their markers, the rest from the engine."""
    pending_done: list[tuple[int, int]] = []

    def fresh() -> Iterator[tuple[int, int, Any]]:
        for t in tasks:
            if t[2] == DONE:
                pending_done.append((t[0], t[1]))
                continue
            yield t

    # The engine consumes ``fresh`` lazily, so markers of skipped shards are read as we go.
    results = engine.map(run_task, fresh())
    for res in results:
        while pending_done and pending_done[0][1] < res.shard:
            p, sid = pending_done.pop(0)
            yield load(wd.done(p, sid))
        yield res
    for p, sid in pending_done:
        yield load(wd.done(p, sid))


def _count_records(ins: list[Input], limits: Limits, work: Path, resumed: bool) -> dict[str, int]:
    """Records per input, for the progress total (cached in the work folder for resumes)."""
    cache = work / "counts.json"
    if resumed and cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    counts = {i.path: format_for(i.path).count(Source(i.path, limits)) for i in ins}
    atomic.write_text(cache, json.dumps(counts) + "\n")
    return counts


def _assemble(
    ins: list[Input],
    staging: Path,
    wd: WorkDir,
    shard_file: list[int],
    last: int,
    fp: dict[str, Any],
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
                source = HashingReader(inp.path)
                try:
                    write_cleaned(inp.path, file_items(), fh_out, source)
                    digest = source.hexdigest()
                finally:
                    source.close()
                if fh_out is not raw:
                    fh_out.close()
            check_unchanged(fp, inp.path, digest)  # before the swap: no output from a mix
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


def _summary_head(
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


def _first_rejects(path: Path, limit: int = 1000) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) >= limit:
                break
    return out


__all__ = ["Input", "RunOptions", "RunResult", "check_inputs", "detect_only", "run", "save"]

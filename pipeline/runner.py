"""One run: inputs in shards through the planned passes, then the output set, swapped in whole.

1. Check every input and the output folder before any work (``check_inputs``, ``OutDir``).
2. Fingerprint the inputs and the effective config; ``--resume`` continues the work folder of
   an interrupted run with the same fingerprint and refuses any other.
3. Read the inputs in order, cut them into shards, and run each pass of the plan
   (``executor.base.plan_passes``) on every shard through the chosen engine; merge the scan
   parts between passes (the pass driver, ``pipeline.executor.driver``).
4. Assemble the output set in the staging folder from the per-shard results
   (``pipeline.assembly``): ``segments.jsonl``, ``cleaned/<name>``, ``rejects.jsonl`` when
   anything was rejected, ``summary.json`` and ``report.html``; swap it in; delete the work
   folder.

Memory stays bounded: the driver holds a few shards in flight, the document checks keep
windows, and every output is streamed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline import __version__, jsonutil
from pipeline.assembly import (
    Input,
    assemble,
    count_records,
    first_rejects,
    stage_report,
    summary_head,
)
from pipeline.config import Config
from pipeline.errors import UsageError, quote_path
from pipeline.executor.base import WorkDir, plan_passes, save
from pipeline.executor.driver import make_engine, run_passes
from pipeline.executor.work import RunSpec, TaskResult
from pipeline.outdir import OutDir
from pipeline.quality.report import write_report
from pipeline.readers import Limits, Source, format_for
from pipeline.shards import ShardInput, read_shards
from pipeline.writers import atomic


class ProgressSink(Protocol):
    def start(self, total: int, passes: int, files: int) -> None: ...
    def advance(self, records: int, label: str) -> None: ...
    def next_pass(self, number: int) -> None: ...


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


def fingerprint(
    inputs: list[Input], cfg: Config, rewrite: bool, stage_names: list[str]
) -> dict[str, Any]:
    """What a resumed run must share with the interrupted one: inputs and effective config."""
    files = []
    for inp in inputs:
        st = os.stat(inp.path)
        h = hashlib.sha256()
        with open(inp.path, "rb") as fh:  # head and tail: cheap, and catches edits
            h.update(fh.read(1 << 20))
            if st.st_size > 2 << 20:
                fh.seek(-(1 << 20), os.SEEK_END)
                h.update(fh.read())
        files.append(
            {
                "path": str(Path(inp.path).resolve()),
                "name": inp.name,
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "sha256_head_tail": h.hexdigest(),
            }
        )
    effective = cfg.effective()
    # How the run is spread (workers, engine, cluster) does not change a byte of the outputs,
    # so a run killed with 2 workers may be resumed with 1, or on Ray.
    for key in ("workers", "engine", "ray_address"):
        effective["run"].pop(key, None)
    effective.get("retranslate", {}).pop("workers", None)
    config = {"effective": effective, "stages": stage_names, "rewrite": rewrite}
    config_hash = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()
    body = {"mtclean": __version__, "inputs": files, "config_sha256": config_hash}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {**body, "id": digest}


def _fingerprint_mismatch(old: dict[str, Any], new: dict[str, Any]) -> str:
    if old.get("mtclean") != new["mtclean"]:
        return f"it was started by mtclean {old.get('mtclean')}"
    if old.get("config_sha256") != new["config_sha256"]:
        return "the effective config differs"
    old_files = {f["path"]: f for f in old.get("inputs", [])}
    for f in new["inputs"]:
        o = old_files.get(f["path"])
        if o is None:
            return f"input {quote_path(f['path'])} was not part of it"
        if o != f:
            return f"input {quote_path(f['path'])} changed since"
    if len(old_files) != len(new["inputs"]):
        return "it had other inputs"
    return ""


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
        old = json.loads(fp_path.read_text(encoding="utf-8"))
        why = _fingerprint_mismatch(old, fp)
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
    spec = RunSpec(
        str(out.work),
        tuple(passes),
        opts.rewrite,
        cfg.run.batch_size,
        cfg.context_spec(stage_names),
    )
    progress = opts.progress
    counts = count_records(ins, limits, out.work, resumed)
    n_shards = sum(-(-max(n, 1) // cfg.run.shard_records) for n in counts.values())
    engine = make_engine(
        cfg.run.engine,
        cfg.run.workers,
        n_shards if cfg.run.engine == "local" else 1 << 30,
        cfg.run.ray_address,
        gpu=any(s.uses_model for s in stages),
    )
    if progress:
        progress.start(sum(counts.values()), len(passes), len(ins))

    shard_file: list[int] = []  # the input file index of each shard, by shard id
    timings: Counter[str] = Counter()

    def shards() -> Iterator[tuple[int, ShardInput]]:
        it = read_shards(
            [i.path for i in ins],
            cfg.run.shard_records,
            limits,
            cfg.input.src_lang or None,
            cfg.input.tgt_lang,
        )
        while True:
            t0 = time.perf_counter()
            sh = next(it, None)
            timings["read"] += time.perf_counter() - t0
            if sh is None:
                return
            shard_file.append(sh.file_index)  # shard ids count 0, 1, 2... in read order
            yield sh.id, sh

    def advance(res: TaskResult) -> None:
        if progress:
            progress.advance(res.records, ins[shard_file[res.shard]].path)

    totals = run_passes(
        engine,
        stages,
        spec,
        shards(),
        on_result=advance,
        on_pass=progress.next_pass if progress else None,
    )
    timings["merge"] += totals.merge_seconds

    t0 = time.perf_counter()
    staging = out.fresh_staging()
    summary, report = assemble(ins, staging, wd, shard_file, len(passes) - 1)
    timings["write"] = time.perf_counter() - t0
    stages_out = stage_report(stages, totals)
    total_secs = time.perf_counter() - t_start
    summary.update(
        {
            "stage_stats": stages_out,
            "exit_status": 3 if summary["records"]["rejected"] else 0,
            "timings": {k: round(v, 4) for k, v in sorted(timings.items())}
            | {"segment": round(totals.seconds.get("segment", 0.0), 4)}
            | {"render": round(totals.seconds.get("render", 0.0), 4)}
            | {"total": round(total_secs, 4)},
        }
    )
    metrics = stages_out.get("score", {}).get("metrics")
    if metrics:
        summary["metrics"] = metrics
    summary = summary_head(ins, cfg, stages, fp, resumed) | summary
    atomic.write_text(staging / "summary.json", jsonutil.dumps_pretty(summary) + "\n")
    write_report(str(staging), data=report)
    out.swap()
    out.discard_work()
    rejects = first_rejects(out.root / "rejects.jsonl")
    return RunResult(summary, rejects)


__all__ = ["Input", "RunOptions", "RunResult", "check_inputs", "detect_only", "run", "save"]

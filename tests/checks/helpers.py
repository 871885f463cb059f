"""Run a stage on hand-made rows, the way the executor would."""

from __future__ import annotations

from typing import Any

from pipeline.config import Config
from pipeline.executor.local import LocalExecutor
from pipeline.runner import from_batches, to_batches


def row(target: str, **kw: Any) -> dict[str, Any]:
    base = {
        "file": "f.txt",
        "seq": 0,
        "record": "r",
        "index": 0,
        "start": 0,
        "end": len(target),
        "line_first": True,
        "line_end": True,
        "doc": "d",
        "target": target,
        "source": None,
        "src_lang": None,
        "tgt_lang": "en",
        "reference": None,
        "flags": [],
        "garble_score": 0.0,
        "garbled": False,
        "glossary": [],
        "output": target,
        "decision": "kept",
    }
    base.update(kw)
    return base


def run_stage(name: str, rows: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    for i, r in enumerate(rows):
        r.setdefault("seq", i)
        r["seq"] = i
    cfg = Config(stage_options={name: options} if options else {})
    stages = cfg.build_stages([name])
    return list(from_batches(LocalExecutor().run(stages, to_batches(rows, 2))))


def flags_of(name: str, target: str, **kw: Any) -> list[dict[str, Any]]:
    options = kw.pop("options", {})
    return run_stage(name, [row(target, **kw)], **options)[0]["flags"]


def checks_of(name: str, target: str, **kw: Any) -> list[str]:
    return [f["check"] for f in flags_of(name, target, **kw)]

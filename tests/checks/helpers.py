"""Run a stage on hand-made rows, the way the executor would."""

from __future__ import annotations

from typing import Any

from pipeline.config import Config
from pipeline.executor.driver import LocalExecutor
from pipeline.segments import new_row
from pipeline.stages.base import from_batches, to_batches


def row(target: str, **kw: Any) -> dict[str, Any]:
    base = {"file": "f.txt", "record": "r", "doc": "d"}
    base.update(kw)
    return new_row(target, **base)


def run_stage(name: str, rows: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    for i, r in enumerate(rows):
        r.setdefault("seq", i)
        r["seq"] = i
    options = dict(options)
    tables = {name: options} if options else {}
    if "termbases" in options and name != "glossary":  # one setting, in [glossary], feeds all
        tables = {"glossary": {"termbases": options.pop("termbases")}, name: options}
    cfg = Config(stage_options=tables)
    stages = cfg.build_stages([name])
    return list(from_batches(LocalExecutor().run(stages, to_batches(rows, 2))))


def flags_of(name: str, target: str, **kw: Any) -> list[dict[str, Any]]:
    options = kw.pop("options", {})
    return run_stage(name, [row(target, **kw)], **options)[0]["flags"]


def checks_of(name: str, target: str, **kw: Any) -> list[str]:
    return [f["check"] for f in flags_of(name, target, **kw)]

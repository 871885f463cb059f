"""Stage ``suppress``: remove the flags an editor rejected in an earlier review.

It runs right after the checks, before anything scores or decides, so a suppressed false alarm
weighs nothing anywhere (garble score, decision, report, regress). A suppression names a check
on a piece of content: file name, record id, and hashes of the source and target text (see
``pipeline.decisions``); the same check on other text, or on this text once it changed,
still flags. Suppressed flags are counted in ``summary.json`` under
``stage_stats.suppress``: ``suppressed`` in all and ``suppressed.<check>`` per check.

The file is ``[suppress] path`` in the config, or ``--suppressions FILE`` on ``run``,
``detect``, ``score`` and ``regress``. Without one the stage changes nothing.
"""

from __future__ import annotations

from typing import Any

from pipeline.decisions import file_name, read_suppressions, suppression_key, text_hash
from pipeline.stages.base import Batch, Stage, StageConfig, register


class SuppressConfig(StageConfig):
    path: str | None = None


@register
class Suppress(Stage):
    """Drop flags that a suppressions file marks as false alarms on this exact content."""

    name = "suppress"
    Config = SuppressConfig
    writes = frozenset({"flags"})

    def check(self) -> None:
        path = self.config.path  # type: ignore[attr-defined]
        if path:
            read_suppressions(path)  # a bad file is one clear error before any work

    def setup(self) -> None:
        path = self.config.path  # type: ignore[attr-defined]
        entries = read_suppressions(path) if path else []
        self._keys = {suppression_key(e) for e in entries}

    def apply(self, batch: Batch, state: Any = None) -> Batch:
        if not self._keys:
            return batch
        out = dict(batch)
        n = len(batch["flags"])
        files = batch.get("file") or [""] * n
        sources = batch.get("source") or [None] * n
        new_flags = []
        for i, flags in enumerate(batch["flags"]):
            if not flags:
                new_flags.append(flags)
                continue
            base = (
                file_name(files[i]),
                batch["record"][i],
                text_hash(sources[i]),
                text_hash(batch["target"][i]),
            )
            kept = []
            for f in flags:
                if (*base, f["check"]) in self._keys:
                    self.count("suppressed")
                    self.count(f"suppressed.{f['check']}")
                else:
                    kept.append(f)
            new_flags.append(kept)
        out["flags"] = new_flags
        return out


# The stages that weigh flags: a suppression must act before the first of them.
WEIGHING = ("glossary", "combine", "retranslate", "decide", "score")


def enable(cfg: Any, path: str | None) -> None:
    """Point ``cfg`` at the suppressions file ``path`` (``--suppressions``), adding the stage
    after the checks (before the first stage that weighs flags) when a custom stage list
    lacks it; ``None`` changes nothing."""
    if not path:
        return
    cfg.stage_options.setdefault("suppress", {})["path"] = path
    stages: list[str] = cfg.run.stages
    if "suppress" not in stages:
        at = next((i for i, s in enumerate(stages) if s in WEIGHING), len(stages))
        stages.insert(at, "suppress")

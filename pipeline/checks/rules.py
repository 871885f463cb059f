"""Check ``house_rules``: a project's own rules, written in the config instead of code.

Each ``[[rules]]`` table in the config is one rule::

    [[rules]]
    name = "zh-no-halfwidth-comma"
    tgt_lang = "zh"                 # optional: only for this target (or src_lang) language
    source = "\\\\w"                 # optional: the rule applies only where the source matches
    target = ",(?=[\\\\u4e00-\\\\u9fff])"  # the pattern judged on the target
    must = "not_match"              # "match" or "not_match" (default)
    severity = "minor"
    message = "use the full-width comma ，between Chinese characters"

With ``target`` the rule judges the target, on units whose source matches ``source`` (when
given). With only ``source``, it judges the source. A ``not_match`` flag's evidence is the first
offending span; a ``match`` flag is about something absent (no span). Patterns are Python
regular expressions, checked when the config is loaded.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.checks.base import Row, SegmentCheck
from pipeline.flags import Severity, make_flag
from pipeline.stages.base import StageConfig, register
from pipeline.text.scripts import base_language


class Rule(BaseModel):
    """One house rule."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    message: str = Field(min_length=1)
    source: str | None = None
    target: str | None = None
    must: Literal["match", "not_match"] = "not_match"
    severity: Severity = "minor"
    src_lang: str | None = None
    tgt_lang: str | None = None
    ignore_case: bool = False

    @field_validator("source", "target")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as err:
                raise ValueError(f"bad regular expression {v!r}: {err}") from None
        return v

    @model_validator(mode="after")
    def _has_pattern(self) -> Rule:
        if self.source is None and self.target is None:
            raise ValueError(f"rule {self.name!r} needs a source or a target pattern")
        return self


class HouseRulesConfig(StageConfig):
    rules: list[Rule] = Field(default_factory=list, description="the [[rules]] of the config")


@register
class HouseRules(SegmentCheck):
    """Flag units that break a ``[[rules]]`` entry of the config (pattern must/must not match)."""

    name = "house_rules"
    Config = HouseRulesConfig
    columns = ("target", "source", "src_lang", "tgt_lang")

    def check_row(self, row: Row) -> list[dict[str, Any]]:
        out = []
        src, tgt = row["source"], row["target"]
        for rule in self.config.rules:  # type: ignore[attr-defined]
            # re caches compiled patterns; stages travel to workers as their config only.
            fl = re.I if rule.ignore_case else 0
            s_pat = re.compile(rule.source, fl) if rule.source else None
            t_pat = re.compile(rule.target, fl) if rule.target else None
            if rule.tgt_lang and base_language(rule.tgt_lang) != base_language(row["tgt_lang"]):
                continue
            if rule.src_lang and base_language(rule.src_lang) != base_language(row["src_lang"]):
                continue
            if t_pat is not None:
                if s_pat is not None and not (src and s_pat.search(src)):
                    continue
                judged, pat, on_target = tgt, t_pat, True
            else:
                if not src:
                    continue
                judged, pat, on_target = src, s_pat, False
            m = pat.search(judged)  # type: ignore[union-attr]
            if rule.must == "match" and m is None:
                out.append(make_flag(self.name, rule.severity, 1.0, f"{rule.name}: {rule.message}"))
            elif rule.must == "not_match" and m is not None:
                span = (m.start(), m.end(), m.group()) if on_target else (None, None, m.group())
                out.append(
                    make_flag(self.name, rule.severity, 1.0, f"{rule.name}: {rule.message}", *span)
                )
        return out


def rules_listing(cfg: Any) -> list[str]:
    """``mtclean checks`` lines for the config's ``[[rules]]`` (none when it has none)."""
    rules = [Rule(**r) for r in cfg.stage_options.get("house_rules", {}).get("rules", [])]
    out = []
    for r in rules:
        where = " ".join(
            f"{k}={v}" for k, v in (("src_lang", r.src_lang), ("tgt_lang", r.tgt_lang)) if v
        )
        what = (
            f"target {r.must.replace('_', ' ')} /{r.target}/"
            if r.target
            else (f"source {r.must.replace('_', ' ')} /{r.source}/")
        )
        when = f" where source matches /{r.source}/" if r.target and r.source else ""
        out.append(
            f"house_rules:{r.name}  {r.severity}  {what}{when}"
            + (f" [{where}]" if where else "")
            + f": {r.message}"
        )
    return out

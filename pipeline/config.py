"""Configuration: built-in defaults in one place, overridden by a TOML file (``--config``).

Layout of the TOML file::

    [run]          # which stages, batch size, workers
    [input]        # language defaults
    [<stage>]      # one table per stage, named as the stage (e.g. [combine], [decide])

Unknown tables or keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import json
import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from pipeline.core.context import ContextSpec
from pipeline.core.stage import SegmentCheck, Stage
from pipeline.errors import ConfigError
from pipeline.glossary.matcher import matcher_for
from pipeline.mt.load import cached_translator
from pipeline.registry import CHECKS, STAGES, flag_owners
from pipeline.tomlfile import read_toml

# The stages ``mtclean run`` and ``mtclean detect`` apply, in order (detect rewrites nothing).
DEFAULT_STAGES: list[str] = [
    "normalize",
    *CHECKS,
    "suppress",  # editors' rejected flags, removed before anything weighs them
    "glossary",
    "combine",
    "retranslate",
    "score",
    "decide",
]


def _phase(name: str) -> int | None:
    """Where ``name`` stands in the run order (the checks share one place, in any order among
    themselves); None for a stage outside the default list, which may go anywhere."""
    if name in CHECKS:
        return DEFAULT_STAGES.index(next(iter(CHECKS)))
    return DEFAULT_STAGES.index(name) if name in DEFAULT_STAGES else None


class RunSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stages: list[str] = Field(default_factory=lambda: list(DEFAULT_STAGES))
    batch_size: int = Field(1000, ge=1, description="segments per stage call")
    shard_records: int = Field(
        500, ge=1, description="records per shard (unit of work, resume and output)"
    )
    workers: int = Field(0, ge=0, description="0 = one worker per local core")
    engine: Literal["local", "datasets", "ray"] = "local"
    ray_address: str | None = Field(
        None, description="join a Ray cluster (auto, ray://HOST:10001); unset starts a local Ray"
    )
    max_line_bytes: int = Field(64 << 20, ge=1024, description="longer lines are rejected")
    max_record_bytes: int = Field(64 << 20, ge=1024, description="longer records are rejected")
    max_whole_file_bytes: int = Field(
        512 << 20, ge=1024, description="cap for formats parsed whole (XML)"
    )


def language_tag(code: str, option: str = "--tgt-lang") -> str:
    """``code`` as a standard BCP 47 tag (``zh_CN`` -> ``zh-CN``); ValueError naming ``option``
    when it is not one (``zz``, ``english``). One rule for the options and the config file."""
    import langcodes

    tag = code.strip().replace("_", "-")
    if not tag or not langcodes.tag_is_valid(tag):
        named = f"{option} {code!r}" if option else repr(code)
        raise ValueError(f"{named}: not a valid BCP 47 language tag (e.g. en, zh-CN)")
    return str(langcodes.standardize_tag(tag))


class InputSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    src_lang: str | None = None
    tgt_lang: str = "en"

    @field_validator("src_lang", "tgt_lang")
    @classmethod
    def _bcp47(cls, code: str | None, info: ValidationInfo) -> str | None:
        if code is None or (code == "" and info.field_name == "src_lang"):
            return None  # unset (``mtclean config`` prints an unset src_lang as "")
        return language_tag(code, "")


class Config(BaseModel):
    """The whole configuration; ``stage_options`` maps stage name to its raw table."""

    model_config = ConfigDict(extra="forbid")
    run: RunSection = Field(default_factory=RunSection)
    input: InputSection = Field(default_factory=InputSection)
    stage_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    source: str = "built-in defaults"

    def options_for(self, name: str) -> dict[str, Any]:
        """The options of stage ``name``: its table, plus settings shared between stages."""
        options = dict(self.stage_options.get(name, {}))
        termbases = list(self.stage_options.get("glossary", {}).get("termbases", []))
        rt = self.stage_options.get("retranslate", {})
        if name in ("glossary_known", "retranslate"):  # one termbases setting feeds them all
            options["termbases"] = termbases
        if name == "retranslate":  # threads per worker follow the worker count
            options["workers"] = max(1, self.run.workers or os.cpu_count() or 1)
        margin = self.stage_options.get("score", {}).get("retranslation_margin")
        if name == "decide" and margin is not None:  # one margin: score reports, decide applies
            options["retranslation_margin"] = margin
        if name == "score" and rt.get("model"):  # the re-translation model also scores
            options["model"] = rt["model"]
            options["model_device"] = rt.get("device", "cpu")
            options["model_allow_pickle"] = rt.get("allow_pickle", False)
        return options

    @classmethod
    def from_effective(cls, effective: dict[str, Any], source: str) -> Config:
        """The config of a finished run, from its ``summary.json`` ``effective_config``
        (the settings derived from other tables are derived again)."""
        options = {
            name: {k: v for k, v in table.items() if (name, k) not in DERIVED_KEYS}
            for name, table in effective.items()
            if name not in ("run", "input")
        }
        return config_from_table(
            {"run": effective.get("run", {}), "input": effective.get("input", {}), **options},
            source,
        )

    def validate_stages(self, names: list[str] | None = None) -> None:
        """Check stage names and every stage table without building a single stage."""
        for name in names or self.run.stages:
            if name not in STAGES:
                raise ConfigError(
                    f"{self.source}: unknown stage {name!r} (known: {', '.join(sorted(STAGES))})"
                )
        self._validate_order(names or self.run.stages)
        for table, key in sorted(DERIVED_KEYS):
            if key in self.stage_options.get(table, {}):
                raise ConfigError(f"{self.source}: [{table}] {key}: {DERIVED_KEYS[(table, key)]}")
        for name in sorted({*self.stage_options, *(names or self.run.stages)}):
            if name not in STAGES:
                raise ConfigError(f"{self.source}: unknown table [{name}]")
            try:
                STAGES[name].Config(**self.options_for(name))
            except ValidationError as err:
                raise ConfigError(f"{self.source}: [{name}] {_first_error(err)}") from None
        self._validate_flag_names()

    def _validate_order(self, names: list[str]) -> None:
        """Stages run in the order listed, and each reads what the ones before it wrote (combine
        weighs the checks' flags, decide reads garble_score), so an order against the run order
        would give silently wrong outputs: it is refused, by ``mtclean config`` as by a run."""
        last: tuple[int, str] | None = None
        for name in names:
            phase = _phase(name)
            if phase is None:
                continue
            if last is not None and phase < last[0]:
                raise ConfigError(
                    f"{self.source}: [run] stages: {name!r} must come before {last[1]!r} "
                    "(run order: normalize, the checks, suppress, glossary, combine, "
                    "retranslate, score, decide)"
                )
            last = (phase, name)

    def _validate_flag_names(self) -> None:
        """Settings that name checks name registered flags (see ``mtclean checks``)."""
        known = flag_owners()
        for table, key in FLAG_NAME_KEYS:
            value = self.stage_options.get(table, {}).get(key)
            for name in value or []:
                if name not in known:
                    raise ConfigError(
                        f"{self.source}: [{table}] {key}: unknown check {name!r} "
                        "(see 'mtclean checks')"
                    )

    def build_stages(self, names: list[str] | None = None) -> list[Stage]:
        """Instantiate the named stages (default: ``run.stages``) with their options."""
        self.validate_stages(names)
        return [STAGES[n](self.options_for(n)) for n in names or self.run.stages]

    def context_spec(self, names: list[str] | None = None) -> ContextSpec:
        """What each worker builds its ``Context`` from: every stage's effective options, the
        run's segment checks, the termbases, the default languages and the loaders."""
        names = names or self.run.stages
        return ContextSpec(
            options={n: self.options_for(n) for n in STAGES},
            checks=tuple(n for n in names if issubclass(STAGES[n], SegmentCheck)),
            termbases=tuple(self.stage_options.get("glossary", {}).get("termbases", [])),
            src_lang=self.input.src_lang,
            tgt_lang=self.input.tgt_lang,
            load_matcher=matcher_for,
            load_translator=cached_translator,
        )

    def for_detect(self) -> Config:
        """The config of a run that rewrites nothing: each stage's own detect options."""
        options = {n: STAGES[n].detect_options(dict(self.stage_options.get(n, {}))) for n in STAGES}
        options = {n: o for n, o in options.items() if o}
        return self.model_copy(update={"stage_options": options})

    def effective(self) -> dict[str, Any]:
        """Every setting this run uses, defaults included (for summary.json and resume)."""
        out: dict[str, Any] = {"run": self.run.model_dump(), "input": self.input.model_dump()}
        for name in self.run.stages:
            out[name] = STAGES[name].Config(**self.options_for(name)).model_dump()
        return out


# Settings whose keys or items are flag names.
FLAG_NAME_KEYS = (
    ("combine", "weights"),
    ("combine", "repaired_checks"),
    ("decide", "drop_checks"),
    ("retranslate", "guard_checks"),
)


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    if e["type"] == "value_error":  # the validators' own words, after the key
        e["msg"] = str(e["msg"]).removeprefix("Value error, ")
    loc = ".".join(str(p) for p in e["loc"])
    return f"{loc}: {e['msg']}" if loc else e["msg"]


def load_config(path: str | None) -> Config:
    """Load ``path`` over the defaults; every problem is a one-line ConfigError."""
    if path is None:
        cfg = Config()
        cfg.validate_stages()
        return cfg
    return config_from_table(read_toml(path), path)


def config_from_table(data: dict[str, Any], source: str) -> Config:
    """A Config from a parsed TOML table (a file, or ``[tool.mtclean]`` of pyproject.toml)."""
    path = source
    sections: dict[str, Any] = {}
    stage_options: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if key in ("run", "input"):
            sections[key] = value
        elif key == "rules" and isinstance(value, list):  # [[rules]]: the house_rules check
            stage_options.setdefault("house_rules", {})["rules"] = value
        elif key in STAGES and isinstance(value, dict):
            stage_options[key] = value
        else:
            known = ", ".join(["run", "input", *sorted(STAGES)])
            raise ConfigError(f"{path}: unknown table [{key}] (known: {known})")
    try:
        cfg = Config(**sections, stage_options=stage_options, source=path)
    except ValidationError as err:
        raise ConfigError(f"{path}: {_first_error(err)}") from None
    cfg.validate_stages()  # every table given, used by this run or not
    return cfg


def defaults_toml() -> str:
    """The built-in defaults of every table, as TOML with each key's meaning as a comment."""
    lines = ["# mtclean built-in defaults (mtclean config)", "", "[run]"]
    lines += _toml_table(RunSection())
    lines += ["", "[input]"]
    lines += _toml_table(InputSection())
    for name in sorted(STAGES):
        model = STAGES[name].Config()
        if {k for k in model.model_dump() if (name, k) not in DERIVED_KEYS}:
            doc = (STAGES[name].__doc__ or "").strip().splitlines()
            lines += ["", f"[{name}]" + (f"  # {doc[0]}" if doc else "")]
            lines += _toml_table(model, name)
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        inner = ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if v is None:
        return '""  # unset'
    return json.dumps(v, ensure_ascii=False)


# Keys set from another table, not by the user, with where to set them instead.
DERIVED_KEYS = {
    ("glossary_known", "termbases"): "set [glossary] termbases (one setting feeds all stages)",
    ("retranslate", "termbases"): "set [glossary] termbases (one setting feeds all stages)",
    ("retranslate", "workers"): "set [run] workers",
    ("score", "model"): "set [retranslate] model (or --model)",
    ("score", "model_device"): "set [retranslate] device (or --device)",
    ("score", "model_allow_pickle"): "set [retranslate] allow_pickle (or --allow-pickle)",
    ("decide", "retranslation_margin"): "set [score] retranslation_margin",
}


def _toml_table(model: BaseModel, table: str = "") -> list[str]:
    out = []
    for key, value in model.model_dump().items():
        if (table, key) in DERIVED_KEYS:
            continue
        line = f"{key} = {_toml_value(value)}"
        desc = type(model).model_fields[key].description
        if desc and "#" not in line:
            line += f"  # {desc}"
        out.append(line)
    return out

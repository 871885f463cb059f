"""Command-line conventions, as functions ``pipeline.cli`` calls (wiring in HANDOFF-tm.md).

- ``validate_language``: BCP 47 tags checked with langcodes (``--src-lang``, ``--tgt-lang``).
- ``list_checks`` / ``format_checks``: ``mtclean checks``, one line per check.
- ``select_stages``: ``--checks a,b`` keeps only those checks, ``--skip-checks c`` drops some.
- ``discover_config``: ``--config``, then ``./mtclean.toml``, then ``[tool.mtclean]`` in
  ``./pyproject.toml``, then the built-in defaults; the choice says which, for summary.json.
- ``glossary_check_report``: ``glossary check`` prints only errors when a
  termbase is invalid; ``glossary stats`` counts every kind of variant.
- ``use_conventional_metavars``: help shows ``DIR``, ``INPUT...``, ``--out DIR``, not typer's
  ``{DIR}``, ``<str>`` and ``<list[str]>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.registry import CHECK_NAMES, FLAG_TABLE
from pipeline.errors import ConfigError, UsageError
from pipeline.tomlfile import read_toml

if TYPE_CHECKING:
    from pipeline.config import Config

# The config, the registry and the termbase reader are imported where a command needs them:
# importing the registry imports every stage (numpy, ftfy, ...), which ``--help``, ``checks``
# and the glossary commands never use (start-up cost of every invocation, issue 20).

HELP_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


# -- languages


def validate_language(code: str, option: str = "--tgt-lang") -> str:
    """``code`` as a standard BCP 47 tag (``zh_CN`` -> ``zh-CN``); UsageError if it is not one
    (``zz``, ``english``). The config file's ``[input]`` languages follow the same rule."""
    from pipeline.config import language_tag

    try:
        return language_tag(code, option)
    except ValueError as err:
        raise UsageError(str(err)) from None


# -- checks


def list_checks() -> list[tuple[str, str, str]]:
    """Every registered flag name with its owner and what it flags: the checks in run order
    (owner ``check``, the first line of the check's docstring), then the flags other stages
    declare. Read from the static table, so no stage is imported."""
    return [tuple(row) for row in FLAG_TABLE]  # type: ignore[misc]


def format_checks() -> str:
    """The ``mtclean checks`` listing: one ``name  owner  description`` line per flag name."""
    rows = list_checks()
    w1 = max(len(n) for n, _, _ in rows)
    w2 = max(len(o) for _, o, _ in rows)
    return "".join(f"{n:<{w1}}  {o:<{w2}}  {d}\n" for n, o, d in rows)


def _names(value: str | None, option: str, known: list[str]) -> list[str]:
    if value is None:
        return []
    names = [n.strip() for n in value.split(",") if n.strip()]
    owners = {name: owner for name, owner, _ in FLAG_TABLE}
    if not names:
        raise UsageError(f"{option}: give check names separated by commas")
    for n in names:
        owner = owners.get(n)
        if n not in known and owner is not None:
            raise UsageError(f"{option}: {n!r} is a flag of stage {owner}, not a check to select")
        if n not in known:
            raise UsageError(
                f"{option}: unknown check {n!r} (see 'mtclean checks'; known: {', '.join(known)})"
            )
    return names


def select_stages(stages: list[str], checks: str | None, skip: str | None) -> list[str]:
    """``stages`` with only the checks named in ``checks`` (comma-separated; other stages stay)
    and without those in ``skip``. A check named in ``checks`` but not configured is added in
    the registry's order, before the non-check stages that follow the checks."""
    known = list(CHECK_NAMES)
    keep = _names(checks, "--checks", known)
    drop = set(_names(skip, "--skip-checks", known))
    out = list(stages)
    if keep:
        configured = [s for s in out if s in known]
        wanted = [c for c in known if c in keep]
        if configured:
            first = out.index(configured[0])
            rest = [s for s in out if s not in known]
            before = [s for s in out[:first] if s not in known]
            out = before + wanted + rest[len(before) :]
        else:
            out = wanted + out
    return [s for s in out if s not in drop]


# -- config discovery


@dataclass(frozen=True)
class ConfigChoice:
    """Which configuration a run uses: ``kind`` is ``option``, ``mtclean.toml``,
    ``pyproject.toml`` or ``defaults``; ``table`` the TOML table to load (None: defaults)."""

    kind: str
    path: Path | None
    table: dict[str, Any] | None

    @property
    def source(self) -> str:
        """How summary.json names it."""
        if self.kind == "defaults":
            return "built-in defaults"
        if self.kind == "pyproject.toml":
            return f"{self.path} [tool.mtclean]"
        return str(self.path)


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path)


def discover_config(explicit: str | None, cwd: str | Path = ".") -> ConfigChoice:
    """The config a run uses, in this order: ``--config``, ``./mtclean.toml``,
    ``[tool.mtclean]`` in ``./pyproject.toml``, then the built-in defaults."""
    if explicit is not None:
        path = Path(explicit)
        return ConfigChoice("option", path, _read_toml(path))
    here = Path(cwd)
    own = here / "mtclean.toml"
    if own.is_file():
        return ConfigChoice("mtclean.toml", own, _read_toml(own))
    project = here / "pyproject.toml"
    if project.is_file():
        table = _read_toml(project).get("tool", {}).get("mtclean")
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(f"{project}: [tool.mtclean] must be a table")
            return ConfigChoice("pyproject.toml", project, table)
    return ConfigChoice("defaults", None, None)


# -- glossary commands


def glossary_check_report(
    files: list[str], src_lang: str | None = None, tgt_lang: str | None = None
) -> tuple[list[str], list[str], int]:
    """(stdout lines, stderr lines, exit status) of ``mtclean glossary check FILES``: the
    ``valid`` lines only when every file and their combination are valid, else only errors."""
    from pipeline.glossary.termbase import TermbaseError, check_conflicts, for_pair, load_termbase

    ok: list[str] = []
    errors: list[str] = []
    terms: list[Any] = []
    for f in files:
        try:
            loaded = for_pair(load_termbase(f), src_lang, tgt_lang)
        except TermbaseError as err:
            errors += [f"mtclean: error: {line}" for line in err.lines()]  # every problem
            continue
        terms += loaded
        ok.append(f"{f}: {len(loaded)} terms, valid")
    if not errors:
        try:
            check_conflicts(terms)
        except TermbaseError as err:
            errors += [f"mtclean: error: {line}" for line in err.lines()]
    if errors:
        return [], errors, 2
    return ok, [], 0


# -- help text


def use_conventional_metavars() -> None:
    """Make typer's help show conventional metavars: ``DIR``/``[DIR]``/``INPUT...`` in usage,
    no ``<str>`` type tags after arguments, and ``--out DIR`` (the option's metavar, else its
    name in capitals) after options. typer has no per-app hook for this, so its two parameter
    classes get these methods once; the change only affects help text."""
    from typer import core

    if getattr(core, "_mtclean_metavars", False):
        return

    def arg_name(self: Any) -> str:
        name = self.metavar or (self.name or "ARG").upper()
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return str(name)

    def usage(self: Any) -> str:
        name = arg_name(self)
        return name if self.required else f"[{name}]"

    def option_type(self: Any, ctx: Any = None) -> str:
        if self.metavar:
            return str(self.metavar)
        return str((self.name or "value").upper())

    core.TyperArgument._usage_display_name = usage
    core.TyperArgument._rich_display_name = arg_name
    core.TyperArgument.display_type_rich = lambda self, ctx=None: ""
    core.TyperOption.display_type_rich = option_type
    core._mtclean_metavars = True


def discovered_config(explicit: str | None) -> Config:
    """``--config``, ``./mtclean.toml``, ``[tool.mtclean]`` in ``./pyproject.toml``, defaults;
    ``cfg.source`` (written to summary.json as ``config``) names the one used."""
    from pipeline.config import config_from_table, load_config

    choice = discover_config(explicit)
    if choice.table is None:
        return load_config(None)
    return config_from_table(choice.table, choice.source)


def cli_config(
    config: str | None = None,
    *,
    glossary: list[str] | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    model: str | None = None,
    device: str | None = None,
    allow_pickle: bool = False,
    workers: int | None = None,
    engine: str | None = None,
    ray_address: str | None = None,
    checks: str | None = None,
    skip_checks: str | None = None,
) -> Config:
    """The effective config of a command: the discovered config with the command-line options
    applied, validated. The one place that maps options to settings (run, detect, score,
    regress)."""
    cfg = discovered_config(config)
    cfg.run.stages = select_stages(cfg.run.stages, checks, skip_checks)
    if glossary:
        cfg.stage_options.setdefault("glossary", {})["termbases"] = list(glossary)
    rt = cfg.stage_options.setdefault("retranslate", {})
    if model is not None:
        rt["model"] = model
    if device is not None:
        if device not in ("cpu", "cuda"):
            raise UsageError(f"--device {device!r}: expected cpu or cuda")
        rt["device"] = device
    if allow_pickle:
        rt["allow_pickle"] = True
    if not rt:
        del cfg.stage_options["retranslate"]
    if src_lang:
        cfg.input.src_lang = validate_language(src_lang, "--src-lang")
    if tgt_lang:
        cfg.input.tgt_lang = validate_language(tgt_lang, "--tgt-lang")
    if workers is not None:
        cfg.run.workers = workers
    if engine is not None:
        if engine not in ("local", "datasets", "ray"):
            raise UsageError(f"--engine {engine!r}: expected local, datasets or ray")
        cfg.run.engine = engine  # type: ignore[assignment]
    if ray_address is not None:
        cfg.run.ray_address = ray_address
    cfg.validate_stages()
    return cfg

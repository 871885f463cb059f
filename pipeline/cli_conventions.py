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
from typing import Any

from pipeline.errors import ConfigError, UsageError
from pipeline.tomlfile import read_toml

HELP_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


# -- languages


def validate_language(code: str, option: str = "--tgt-lang") -> str:
    """``code`` as a standard BCP 47 tag (``zh_CN`` -> ``zh-CN``); UsageError if it is not one
    (``zz``, ``english``)."""
    import langcodes

    tag = code.strip().replace("_", "-")
    if not tag or not langcodes.tag_is_valid(tag):
        raise UsageError(f"{option} {code!r}: not a valid BCP 47 language tag (e.g. en, zh-CN)")
    return str(langcodes.standardize_tag(tag))


# -- checks


def list_checks() -> list[tuple[str, str]]:
    """Every registered check in run order with the first line of its docstring."""
    from pipeline.registry import CHECKS, STAGES

    out = []
    for name in CHECKS:
        doc = (STAGES[name].__doc__ or "").strip().splitlines()
        out.append((name, doc[0].strip() if doc else ""))
    return out


def format_checks() -> str:
    """The ``mtclean checks`` listing: one ``name  description`` line per check."""
    rows = list_checks()
    width = max(len(n) for n, _ in rows)
    return "".join(f"{n:<{width}}  {d}\n" for n, d in rows)


def _names(value: str | None, option: str, known: list[str]) -> list[str]:
    if value is None:
        return []
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise UsageError(f"{option}: give check names separated by commas")
    for n in names:
        if n not in known:
            raise UsageError(
                f"{option}: unknown check {n!r} (see 'mtclean checks'; known: {', '.join(known)})"
            )
    return names


def select_stages(stages: list[str], checks: str | None, skip: str | None) -> list[str]:
    """``stages`` with only the checks named in ``checks`` (comma-separated; other stages stay)
    and without those in ``skip``. A check named in ``checks`` but not configured is added in
    the registry's order, before the non-check stages that follow the checks."""
    from pipeline.registry import CHECKS

    keep = _names(checks, "--checks", CHECKS)
    drop = set(_names(skip, "--skip-checks", CHECKS))
    out = list(stages)
    if keep:
        configured = [s for s in out if s in CHECKS]
        wanted = [c for c in CHECKS if c in keep]
        if configured:
            first = out.index(configured[0])
            rest = [s for s in out if s not in CHECKS]
            before = [s for s in out[:first] if s not in CHECKS]
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


def glossary_check_report(files: list[str]) -> tuple[list[str], list[str], int]:
    """(stdout lines, stderr lines, exit status) of ``mtclean glossary check FILES``: the
    ``valid`` lines only when every file and their combination are valid, else only errors."""
    from pipeline.glossary.termbase import TermbaseError, check_conflicts, load_termbase

    ok: list[str] = []
    errors: list[str] = []
    terms: list[Any] = []
    for f in files:
        try:
            loaded = load_termbase(f)
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

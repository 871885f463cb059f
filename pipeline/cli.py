"""The ``mtclean`` command line. Every failure is one line on stderr, never a traceback.

Exit status: 0 success; 2 usage/config error or unreadable input; 3 the run completed but
something was rejected (see ``rejects.jsonl``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipeline import __version__
from pipeline.cli_conventions import (
    HELP_SETTINGS,
    cli_config,
    discover_config,
    format_checks,
    glossary_check_report,
    use_conventional_metavars,
    validate_language,
)
from pipeline.cli_models import models_app
from pipeline.cli_score import register as _register_scoring
from pipeline.errors import MtcleanError, quote_path
from pipeline.review.cli import review_app
from pipeline.review.export import register as _register_export

if TYPE_CHECKING:
    from pipeline.runner import RunOptions, RunResult

# What a command needs (the runner, the config and with it every stage: numpy, ftfy, all the
# checks) is imported in the command itself: ``--help``, ``checks``, ``glossary``, ``review``
# and ``models`` start without it (issue 20; tests/test_startup.py).

use_conventional_metavars()

app = typer.Typer(
    name="mtclean",
    context_settings=HELP_SETTINGS,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Clean archives of machine-translated text.",
)

MAX_REJECT_LINES = 20

InputsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="INPUT...",
        help="Input files (.txt, .jsonl, .tsv, .csv, optionally .gz/.bz2/.xz) or folders "
        "(searched recursively).",
    ),
]
OutOpt = Annotated[str, typer.Option("--out", metavar="DIR", help="Output folder.")]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="TOML config file [default: ./mtclean.toml, else [tool.mtclean] in "
        "./pyproject.toml, else built-in defaults].",
    ),
]
SrcOpt = Annotated[
    str | None,
    typer.Option("--src-lang", metavar="LANG", help="Default source language (BCP 47)."),
]
TgtOpt = Annotated[
    str | None,
    typer.Option(
        "--tgt-lang", metavar="LANG", help="Default target language (BCP 47) [config: en]."
    ),
]
ChecksOpt = Annotated[
    str | None,
    typer.Option("--checks", metavar="NAMES", help="Run only these checks (comma-separated)."),
]
SkipChecksOpt = Annotated[
    str | None,
    typer.Option("--skip-checks", metavar="NAMES", help="Do not run these checks."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
GlossaryOpt = Annotated[
    list[str] | None,
    typer.Option("--glossary", metavar="FILE", help="Termbase (TSV/CSV/TBX) to apply; repeatable."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", metavar="N", help="Worker processes [config: 0 = all cores].", min=0
    ),
]
EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", metavar="NAME", help="local | datasets | ray [config: local]."),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address", metavar="ADDR", help="Join a Ray cluster: auto or ray://HOST:10001."
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="DIR",
        help="Model folder for re-translation (transformers or CTranslate2).",
    ),
]
DeviceOpt = Annotated[
    str | None, typer.Option("--device", metavar="NAME", help="cpu or cuda [config: cpu].")
]
PickleOpt = Annotated[
    bool,
    typer.Option(
        "--allow-pickle", help="Allow pytorch_model.bin pickle weights (loading runs code)."
    ),
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue an interrupted run into the same --out.")
]
OverwriteOpt = Annotated[
    bool, typer.Option("--overwrite", help="Replace the outputs of an earlier run in --out.")
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option("--include", metavar="GLOB", help="Files to take from folders (repeatable)."),
]
SuppressOpt = Annotated[
    str | None,
    typer.Option(
        "--suppressions",
        metavar="FILE",
        help="Flags editors rejected (suppressions.jsonl) [config: suppress.path].",
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", metavar="GLOB", help="Files to skip in folders (repeatable)."),
]


def _execute(
    inputs: list[str],
    out: str,
    config: str | None,
    src_lang: str | None,
    tgt_lang: str | None,
    quiet: bool,
    opts: RunOptions,
    glossary: list[str] | None = None,
    workers: int | None = None,
    engine: str | None = None,
    ray_address: str | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    checks: str | None = None,
    skip_checks: str | None = None,
    model: str | None = None,
    device: str | None = None,
    allow_pickle: bool = False,
    suppressions: str | None = None,
) -> int:
    from pipeline.inputs import expand_inputs
    from pipeline.runner import run
    from pipeline.stages import suppress

    cfg = cli_config(
        config,
        glossary=glossary,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        model=model,
        device=device,
        allow_pickle=allow_pickle,
        workers=workers,
        engine=engine,
        ray_address=ray_address,
        checks=checks,
        skip_checks=skip_checks,
    )
    suppress.enable(cfg, suppressions)
    cfg.validate_stages(opts.stages)
    reporter = None
    if not quiet:  # quiet: no bar, and no terminal library to import
        from pipeline.progress import ProgressReporter

        reporter = opts.progress = ProgressReporter()
    try:
        result = run(expand_inputs(inputs, include, exclude, out), out, cfg, opts)
    finally:
        if reporter is not None:
            reporter.close()
    _report(result, out, quiet)
    return result.exit_code


def _report(result: RunResult, out: str, quiet: bool) -> None:
    n_rejected = result.summary["records"]["rejected"]
    for r in result.rejects[:MAX_REJECT_LINES]:
        typer.echo(
            f"mtclean: {quote_path(r['file'])}:{r['line']}: {r['reason']} "
            "(rejected, copied unchanged)",
            err=True,
        )
    if n_rejected > MAX_REJECT_LINES:
        typer.echo(
            f"mtclean: ... and {n_rejected - MAX_REJECT_LINES} more rejects "
            f"in {Path(out) / 'rejects.jsonl'}",
            err=True,
        )
    if quiet:
        return
    s = result.summary
    dec = ", ".join(f"{k} {v}" for k, v in s["decisions"].items() if v)
    typer.echo(
        f"mtclean: {s['records']['in']} records ({s['records']['rejected']} rejected), "
        f"{s['segments']} segments: {dec or 'none'} -> {quote_path(out)}/"
    )


@app.command("run")
def run_cmd(
    inputs: InputsArg,
    out: OutOpt,
    config: ConfigOpt = None,
    src_lang: SrcOpt = None,
    tgt_lang: TgtOpt = None,
    quiet: QuietOpt = False,
    glossary: GlossaryOpt = None,
    workers: WorkersOpt = None,
    engine: EngineOpt = None,
    ray_address: RayAddressOpt = None,
    resume: ResumeOpt = False,
    overwrite: OverwriteOpt = False,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    checks: ChecksOpt = None,
    skip_checks: SkipChecksOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    allow_pickle: PickleOpt = False,
    suppressions: SuppressOpt = None,
) -> int:
    """Clean INPUT files: normalise, run the configured stages, write outputs to --out."""
    from pipeline.runner import RunOptions

    opts = RunOptions(resume=resume, overwrite=overwrite)
    return _execute(
        inputs,
        out,
        config,
        src_lang,
        tgt_lang,
        quiet,
        opts,
        glossary,
        workers,
        engine,
        ray_address,
        include,
        exclude,
        checks,
        skip_checks,
        model,
        device,
        allow_pickle,
        suppressions,
    )


@app.command("detect")
def detect_cmd(
    inputs: InputsArg,
    out: OutOpt,
    config: ConfigOpt = None,
    src_lang: SrcOpt = None,
    tgt_lang: TgtOpt = None,
    quiet: QuietOpt = False,
    glossary: GlossaryOpt = None,
    workers: WorkersOpt = None,
    engine: EngineOpt = None,
    ray_address: RayAddressOpt = None,
    resume: ResumeOpt = False,
    overwrite: OverwriteOpt = False,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    checks: ChecksOpt = None,
    skip_checks: SkipChecksOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    allow_pickle: PickleOpt = False,
    suppressions: SuppressOpt = None,
) -> int:
    """Detect garbled passages only: the same outputs as run, but nothing is rewritten."""
    from pipeline.runner import RunOptions

    opts = RunOptions(rewrite=False, resume=resume, overwrite=overwrite)
    return _execute(
        inputs,
        out,
        config,
        src_lang,
        tgt_lang,
        quiet,
        opts,
        glossary,
        workers,
        engine,
        ray_address,
        include,
        exclude,
        checks,
        skip_checks,
        model,
        device,
        allow_pickle,
        suppressions,
    )


@app.command("checks")
def checks_cmd(config: ConfigOpt = None) -> int:
    """List the checks, one line each: name and what it flags; then the config's [[rules]]."""
    typer.echo(format_checks(), nl=False)
    choice = discover_config(config)
    if choice.table is not None:
        from pipeline.checks.rules import rules_listing
        from pipeline.config import config_from_table

        for line in rules_listing(config_from_table(choice.table, choice.source)):
            typer.echo(line)
    return 0


glossary_app = typer.Typer(
    help="Validate termbases and show their contents.",
    no_args_is_help=True,
    context_settings=HELP_SETTINGS,
)
app.add_typer(glossary_app, name="glossary")
app.add_typer(models_app)
TermbasesArg = Annotated[list[str], typer.Argument(metavar="FILE...", help="TSV/CSV/TBX files.")]


@glossary_app.command("check")
def glossary_check(files: TermbasesArg, src_lang: SrcOpt = None, tgt_lang: TgtOpt = None) -> int:
    """Validate termbases: exit 0 when valid, 2 with file:line messages when not."""
    out, err, code = glossary_check_report(files, *_pair(src_lang, tgt_lang))
    for line in out:
        typer.echo(line)
    for line in err:
        typer.echo(line, err=True)
    return code


def _pair(src_lang: str | None, tgt_lang: str | None) -> tuple[str | None, str | None]:
    """Validated ``--src-lang``/``--tgt-lang`` of the glossary commands."""
    return (
        validate_language(src_lang, "--src-lang") if src_lang else None,
        validate_language(tgt_lang, "--tgt-lang") if tgt_lang else None,
    )


@glossary_app.command("stats")
def glossary_stats(files: TermbasesArg, src_lang: SrcOpt = None, tgt_lang: TgtOpt = None) -> int:
    """Counts of terms by domain and by language pair (of one pair with the options)."""
    from pipeline.glossary.termbase import load_termbases, stats_lines

    src, tgt = _pair(src_lang, tgt_lang)
    for line in stats_lines(load_termbases(files, src_lang=src, tgt_lang=tgt)):
        typer.echo(line)
    return 0


app.add_typer(review_app, name="review")


@app.command("config")
def config_cmd(config: ConfigOpt = None) -> int:
    """Print the built-in defaults as TOML (or validate --config and print its stages)."""
    from pipeline.config import defaults_toml, load_config

    if config:
        cfg = load_config(config)
        typer.echo(f"{config}: valid; stages: {', '.join(cfg.run.stages)}")
    else:
        typer.echo(defaults_toml(), nl=False)
    return 0


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="Print the version.")] = False,
) -> None:
    if version:
        typer.echo(f"mtclean {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


_register_scoring(app)
_register_export(app)


INTERRUPTED = "mtclean: interrupted; the previous outputs are unchanged, --resume continues"


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn every error into one line and an exit status."""
    try:
        rv = app(args=argv, prog_name="mtclean", standalone_mode=False)
    except typer.Exit as e:
        if e.exit_code == 130:  # typer's form of Ctrl-C
            typer.echo(INTERRUPTED, err=True)
        sys.exit(e.exit_code)
    except typer.Abort:  # click's form of Ctrl-C
        typer.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except typer.TyperException as e:  # usage errors: missing option, bad value
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        if type(e).__name__ == "NoArgsIsHelpError":  # a bare group: its help, not an error
            typer.echo(message)
            sys.exit(0)

        typer.echo(f"mtclean: error: {message}", err=True)
        sys.exit(getattr(e, "exit_code", 2))
    except MtcleanError as e:
        typer.echo(f"mtclean: error: {e}", err=True)
        sys.exit(e.exit_code)
    except OSError as e:  # the disk filled up, a folder turned read-only mid-run...
        where = quote_path(e.filename) if e.filename else "mtclean"
        typer.echo(f"mtclean: error: {where}: {e.strerror or e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except Exception as e:  # a bug: still one line, and a distinct status
        typer.echo(f"mtclean: internal error: {type(e).__name__}: {e}", err=True)
        sys.exit(1)
    if rv == 130:  # click returns Ctrl-C as status 130 when not standalone
        typer.echo(INTERRUPTED, err=True)
    sys.exit(rv if isinstance(rv, int) else 0)

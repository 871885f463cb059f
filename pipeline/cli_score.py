"""``mtclean score`` and ``mtclean regress``, built on ``pipeline.runner.run``.

- ``score INPUT... --out DIR``: the detection stages plus stage ``score``, nothing rewritten:
  ``segments.jsonl`` with ``quality`` (and ``metrics`` where records carry a reference),
  ``summary.json`` with corpus metrics, and ``report.html``. For comparing systems or files.
- ``regress SAMPLES... --baseline FILE [--update] [--tolerance X]``: a fresh cleaning run over the
  samples, reduced to the figures in ``pipeline.quality.regress.snapshot`` and compared with the
  committed baseline. Exit 0 when nothing regressed, 1 when something did, 2 on a usage error.

``register(app)`` adds both commands to the main Typer app.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline.cli_conventions import cli_config
from pipeline.errors import UsageError
from pipeline.writers import atomic

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.runner import Input, RunResult

# The runner, the config and the regression tables are imported by the functions that use
# them: importing them imports every stage, which the other commands' start-up does without.

InputsArg = Annotated[
    list[str],
    typer.Argument(metavar="INPUT...", help="Input files (.txt, .jsonl, .tsv, .csv) or folders."),
]
OutOpt = Annotated[str, typer.Option("--out", help="Output folder.")]
ConfigOpt = Annotated[str | None, typer.Option("--config", help="TOML config file.")]
GlossaryOpt = Annotated[
    list[str] | None, typer.Option("--glossary", help="Termbase (TSV/CSV/TBX); repeatable.")
]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="Model directory for re-translation and scoring.")
]
SrcOpt = Annotated[str | None, typer.Option("--src-lang", help="Default source language.")]
TgtOpt = Annotated[str | None, typer.Option("--tgt-lang", help="Default target language.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
SuppressOpt = Annotated[
    str | None,
    typer.Option("--suppressions", metavar="FILE", help="Flags editors rejected (as on run)."),
]

SCORE_STAGE = "score"


def prepare_config(
    config: str | None,
    glossary: list[str] | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    model: str | None = None,
    suppressions: str | None = None,
) -> Config:
    """The run's config with the command-line options applied, exactly as ``mtclean run``
    applies them (``cli_conventions.cli_config``: languages validated, names checked)."""
    from pipeline.stages import suppress

    cfg = cli_config(config, glossary=glossary, src_lang=src_lang, tgt_lang=tgt_lang, model=model)
    suppress.enable(cfg, suppressions)
    return cfg


def with_score(stages: Iterable[str]) -> list[str]:
    """The stage list with ``score`` once, just before ``decide`` (which applies its choice),
    or last when there is no ``decide``."""
    names = [s for s in stages if s != SCORE_STAGE]
    at = names.index("decide") if "decide" in names else len(names)
    return [*names[:at], SCORE_STAGE, *names[at:]]


def expand(inputs: list[str], out: str | None = None) -> list[Input]:
    """Folders to their input files (gold-label sidecars are never inputs)."""
    from pipeline.inputs import expand_inputs

    return expand_inputs(inputs, out=out)


def score_run(inputs: list[Input], out: str, cfg: Config, progress: Any = None) -> RunResult:
    """Score without rewriting: detection stages + ``score`` with candidate choice off (its
    detect options), so every output is written but no text changes."""
    from pipeline.runner import RunOptions, run

    opts = RunOptions(
        stages=with_score(cfg.run.stages), rewrite=False, progress=progress, overwrite=True
    )
    return run(inputs, out, cfg, opts)


def clean_run(inputs: list[Input], out: str, cfg: Config, progress: Any = None) -> RunResult:
    """A cleaning run (``mtclean run``) with ``score`` in the stage list."""
    from pipeline.runner import RunOptions, run

    opts = RunOptions(
        stages=with_score(cfg.run.stages), rewrite=True, progress=progress, overwrite=True
    )
    return run(inputs, out, cfg, opts)


def run_regress(
    samples: list[Input],
    baseline: str,
    cfg: Config,
    update: bool = False,
    tolerance: float = 0.0,
    out: str | None = None,
    quiet: bool = False,
    gold: list[str] | None = None,
) -> tuple[int, str]:
    """Run the samples, compare with ``baseline``; (exit status, table text). Gold labels
    come from the samples, ``gold/`` beside the baseline and the ``gold`` folders (where
    ``review export-terms --gold`` writes the editors' decisions)."""
    from pipeline.quality import regress as regress_mod

    base_path = Path(baseline)
    gold_dirs = [base_path.parent / "gold", *(Path(g) for g in gold or [])]
    if not update and not base_path.is_file():
        raise UsageError(f"{baseline}: no such baseline (create it with --update)")
    with tempfile.TemporaryDirectory() as tmp:
        work = out or str(Path(tmp) / "run")
        clean_run(samples, work, cfg)
        current = regress_mod.snapshot(work, [i.path for i in samples], gold_dirs)
    text = json.dumps(current, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if update:
        base_path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(base_path, text)
        return 0, f"wrote baseline {baseline}"
    try:
        old = json.loads(base_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as err:
        raise UsageError(f"{baseline}: cannot read baseline: {str(err)[:200]}") from None
    old = regress_mod.check_baseline(baseline, old, current)
    changes = regress_mod.compare(old, current, tolerance)
    bad = [c for c in changes if c.regression]
    better = [c for c in changes if c.improvement]
    verdict = (
        f"{len(bad)} regression(s) beyond tolerance {tolerance}"
        if bad
        else f"no regression beyond tolerance {tolerance}"
    )
    if better:
        verdict += f"; {len(better)} improvement(s) (record them with --update)"
    if quiet:  # only what fails, and the verdict
        return (1 if bad else 0), "\n".join(
            [regress_mod.format_table(bad), verdict] if bad else [verdict]
        )
    parts = [regress_mod.format_table(changes)]
    files = regress_mod.file_table(old, current)
    if files:
        parts.append("per file:\n" + files)
    return (1 if bad else 0), "\n".join([*parts, verdict])


def score_cmd(
    inputs: InputsArg,
    out: OutOpt,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    model: ModelOpt = None,
    src_lang: SrcOpt = None,
    tgt_lang: TgtOpt = None,
    quiet: QuietOpt = False,
    suppressions: SuppressOpt = None,
) -> int:
    """Score INPUT files without changing any text: quality, reference metrics, report.html."""
    cfg = prepare_config(config, glossary, src_lang, tgt_lang, model, suppressions)
    reporter = None
    if not quiet:  # quiet: no bar, and no terminal library to import
        from pipeline.progress import ProgressReporter

        reporter = ProgressReporter()
    try:
        result = score_run(expand(inputs, out), out, cfg, reporter)
    finally:
        if reporter is not None:
            reporter.close()
    if not quiet:
        m = result.summary.get("metrics")
        extra = f", chrF {m['after']['chrf']:.2f}" if m and "after" in m else ""
        typer.echo(f"mtclean: scored {result.summary['segments']} segments{extra} -> {out}/")
    return result.exit_code


def regress_cmd(
    samples: Annotated[
        list[str], typer.Argument(metavar="SAMPLES...", help="Sample files or folders.")
    ],
    baseline: Annotated[str, typer.Option("--baseline", help="Committed baseline JSON.")],
    update: Annotated[bool, typer.Option("--update", help="Rewrite the baseline.")] = False,
    tolerance: Annotated[
        float, typer.Option("--tolerance", min=0.0, help="Allowed worsening (0..1).")
    ] = 0.0,
    config: ConfigOpt = None,
    glossary: GlossaryOpt = None,
    model: ModelOpt = None,
    out: Annotated[str | None, typer.Option("--out", help="Keep the run's outputs here.")] = None,
    src_lang: SrcOpt = None,
    tgt_lang: TgtOpt = None,
    quiet: QuietOpt = False,
    suppressions: SuppressOpt = None,
    gold: Annotated[
        list[str] | None,
        typer.Option("--gold", metavar="FOLDER", help="More gold labels (review export-terms)."),
    ] = None,
) -> int:
    """Run SAMPLES and compare with a committed baseline; exit 1 only when something got
    worse beyond the tolerance (more flags, lower quality or metrics, fewer kept segments).
    Improvements pass and are listed; --update records them."""
    cfg = prepare_config(config, glossary, src_lang, tgt_lang, model, suppressions)
    status, text = run_regress(
        expand(samples), baseline, cfg, update, tolerance, out, quiet=quiet, gold=gold
    )
    typer.echo(text)
    return status


def register(app: typer.Typer) -> None:
    """Add ``score`` and ``regress`` to the main app."""
    app.command("score")(score_cmd)
    app.command("regress")(regress_cmd)

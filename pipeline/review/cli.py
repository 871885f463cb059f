"""The ``mtclean review`` command group: ``review DIR`` writes the page, ``review apply DIR
DECISIONS.json`` applies what an editor exported. Wired into ``pipeline.cli`` with
``app.add_typer(review_app, name="review")``.

``review DIR`` has no sub-command name, so the group runs ``page`` whenever its first argument
is not a sub-command or an option; ``review --help`` and ``review apply --help`` each show
their own help.
"""

from __future__ import annotations

from typing import Annotated

import click
import typer
from typer.core import TyperGroup

# Each command imports what it uses: ``review apply`` needs the registry (every stage), which
# ``review DIR`` and every ``--help`` do without (start-up cost, issue 20).

HELP = {"help_option_names": ["-h", "--help"]}


class DefaultPageGroup(TyperGroup):
    """A group whose bare ``review DIR`` means ``review page DIR``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["page", *args]
        return super().parse_args(ctx, args)


review_app = typer.Typer(
    cls=DefaultPageGroup,
    help="Review a finished run: write its review page, or apply the decisions exported from it.",
    no_args_is_help=True,
    context_settings=HELP,
    add_completion=False,
    rich_markup_mode=None,
)

RunDir = Annotated[str, typer.Argument(metavar="DIR", help="Output folder of a finished run.")]


@review_app.command("page", context_settings=HELP)
def page_cmd(run_dir: RunDir) -> int:
    """Write DIR/review.html (and its data file DIR/review.data.js). This is also what
    'mtclean review DIR' does."""
    from pipeline.outdir import opened
    from pipeline.review.page import write_review

    with opened(run_dir):  # locked, and an interrupted swap finished before anything is read
        path, n = write_review(run_dir)
    typer.echo(f"mtclean: {n} segments need a decision -> {path}")
    return 0


@review_app.command("apply", context_settings=HELP)
def apply_cmd(
    run_dir: RunDir,
    decisions: Annotated[
        str,
        typer.Argument(metavar="DECISIONS.json", help="File exported from the review page."),
    ],
    suppressions: Annotated[
        str | None,
        typer.Option(
            "--suppressions",
            metavar="FILE",
            help="Add the rejected flags to FILE [default: DIR/suppressions.jsonl].",
        ),
    ] = None,
) -> int:
    """Rewrite DIR/cleaned/ with only the accepted changes and the edits in DECISIONS.json,
    then re-check every edited segment and print what the checks found. Each edit is checked
    against its source unit (tags, placeholders, PO line breaks); one that fails is reported
    and skipped (exit 3), the rest applied. Decisions exported from another run of the same
    files are placed by content; those whose text changed are reported as stale. Rejected
    flags are written as suppressions for later runs."""
    from pipeline.outdir import opened
    from pipeline.review.apply import apply_decisions, report_lines

    # The run's lock: a run swapping in a new set cannot meet these rewrites of cleaned/.
    with opened(run_dir):
        result = apply_decisions(run_dir, decisions, suppressions)
    for line in report_lines(result, run_dir, decisions):
        typer.echo(line)
    return result.exit_code


@review_app.command("export-terms", context_settings=HELP)
def export_terms_cmd(
    run_dir: RunDir,
    decisions: Annotated[
        str,
        typer.Argument(metavar="DECISIONS.json", help="File exported from the review page."),
    ],
    out: Annotated[
        str, typer.Option("--out", metavar="FILE", help="terms.tbx or terms.tsv to write.")
    ],
    gold: Annotated[
        str | None,
        typer.Option(
            "--gold",
            metavar="FOLDER",
            help="Also write the decisions as gold labels (<input>.gold.jsonl) for regress.",
        ),
    ] = None,
) -> int:
    """Export accepted glossary fixes and the names and terms editors typed as termbase
    suggestions (status "proposed", with the segments they came from)."""
    from pipeline.review.terms import export_terms

    n, written = export_terms(run_dir, decisions, out, gold)
    typer.echo(f"mtclean: {n} term suggestion(s) (status proposed) -> {out}")
    for path in written:
        typer.echo(f"mtclean: gold labels -> {path}")
    return 0

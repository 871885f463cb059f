"""Running ``mtclean review ...`` in-process through the real entry point's error handling.

``pipeline.cli.main`` turns every error into one line and an exit status; here it runs an app
holding the ``review`` group from ``pipeline.review.cli`` (what HANDOFF-tm.md wires into
``pipeline/cli.py``), so these tests do not depend on that wiring.
"""

from __future__ import annotations

import contextlib
import io

import typer

from pipeline import cli
from pipeline.review.cli import review_app


def review(*args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``mtclean review ARGS``."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    app.add_typer(review_app, name="review")

    @app.callback()
    def _root() -> None:
        """mtclean"""

    out, err = io.StringIO(), io.StringIO()
    saved = cli.app
    cli.app = app
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main(["review", *args])
                code = 0
            except SystemExit as e:
                code = int(e.code or 0)
    finally:
        cli.app = saved
    return code, out.getvalue(), err.getvalue()

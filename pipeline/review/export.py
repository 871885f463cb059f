"""``mtclean export DIR --format tsv|xlsx [--out FILE] [--decisions FILE]``: the hand-off file.

One row per flagged segment of a finished run, the shape CAT tools and LSP QA workflows
exchange (an Xbench or Verifika QA export): file, unit id, segment index, source, target,
proposed output, checks, severity (the worst), evidence, the run's decision, and, with
``--decisions``, the editor's (accept / reject / edit / choice, from the review page).

Text stays text: inline-tag placeholders are written as ⟨1⟩, ⟨2⟩ (as on the review page), a
PO context separator as `` | ``; in xlsx every cell is a string cell, so a target that begins
with ``=`` is never a formula, and characters a worksheet cannot hold become U+FFFD.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.errors import UsageError
from pipeline.writers import atomic

COLUMNS = (
    "file",
    "unit",
    "index",
    "source",
    "target",
    "output",
    "checks",
    "severity",
    "evidence",
    "decision",
    "editor",
)
SEVERITY = {"minor": 1, "major": 2, "critical": 3}
_TAGS = {0xE000 + k: f"⟨{k + 1}⟩" for k in range(0x1900)}


def shown(text: str | None) -> str:
    """Text for a person: tags as ⟨n⟩, PO context and plural separators spelled out."""
    if text is None:
        return ""
    return text.translate(_TAGS).replace("\x04", " | ").replace("\x00", " [plural] ")


def rows(run_dir: str, decisions: str | None = None) -> list[dict[str, Any]]:
    """The export rows of a finished run, in ``segments.jsonl`` order."""
    from pipeline.review.page import iter_segments

    d = None
    if decisions:
        from pipeline.review.apply import load_decisions

        d = load_decisions(decisions, run_dir)
    out = []
    for s in iter_segments(run_dir):
        flags = s.get("flags") or []
        if not flags:
            continue
        key = (s.get("file") or "", s["record"], s["index"])
        editor = ""
        if d is not None:
            if key in d.edits:
                editor = "edit: " + shown(d.edits[key])
            elif key in d.choices:
                editor = "choice: " + shown(d.choices[key])
            else:
                editor = d.segments.get(key, "")
                rejected = sorted(
                    c for (*k, c), v in d.flags.items() if tuple(k) == key and v == "reject"
                )
                if rejected:
                    editor = "; ".join(
                        filter(None, [editor, "false alarm: " + ", ".join(rejected)])
                    )
        worst = max(flags, key=lambda f: SEVERITY.get(f.get("severity"), 0))
        out.append(
            {
                "file": Path(s.get("file") or "").name,
                "unit": shown(s["record"]),
                "index": s["index"],
                "source": shown(s.get("source")),
                "target": shown(s["target"]),
                "output": shown(s.get("output")) if s.get("output") != s["target"] else "",
                "checks": ", ".join(dict.fromkeys(f["check"] for f in flags)),
                "severity": worst.get("severity", ""),
                "evidence": "; ".join(
                    dict.fromkeys(f"{f['check']}: {f['evidence']['reason']}" for f in flags)
                ),
                "decision": s.get("decision", ""),
                "editor": editor,
            }
        )
    return out


def to_tsv(data: list[dict[str, Any]]) -> str:
    """Tab-separated, one header line; a field holding a tab, quote or line break is quoted."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(data)
    return buf.getvalue()


def write_xlsx(path: Path, data: list[dict[str, Any]]) -> None:
    """One worksheet, header row frozen and filtered, every value a string or a number."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    ws.title = "flags"
    ws.append(list(COLUMNS))
    for r in data:
        ws.append([r[c] if isinstance(r[c], int) else "" for c in COLUMNS])
        row = ws.max_row
        for n, c in enumerate(COLUMNS, 1):
            if isinstance(r[c], int):
                continue
            cell = ws.cell(row=row, column=n)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(r[c]))
            cell.data_type = "s"  # never a formula, whatever the text begins with
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    with atomic.atomic_open(path, "wb") as fh:
        wb.save(fh)


def export(
    run_dir: str, fmt: str, out: str | None = None, decisions: str | None = None
) -> tuple[Path, int]:
    """Write the hand-off file; returns its path and the number of rows."""
    if fmt not in ("tsv", "xlsx"):
        raise UsageError(f"--format {fmt!r}: expected tsv or xlsx")
    path = Path(out) if out else Path(run_dir) / f"flags.{fmt}"
    data = rows(run_dir, decisions)
    if fmt == "tsv":
        atomic.write_text(path, to_tsv(data))
    else:
        write_xlsx(path, data)
    return path, len(data)


def export_cmd(
    run_dir: Annotated[str, typer.Argument(metavar="DIR", help="Output folder of a finished run.")],
    fmt: Annotated[str, typer.Option("--format", metavar="tsv|xlsx", help="File format.")] = "tsv",
    out: Annotated[
        str | None, typer.Option("--out", metavar="FILE", help="[default: DIR/flags.FORMAT]")
    ] = None,
    decisions: Annotated[
        str | None,
        typer.Option("--decisions", metavar="FILE", help="Add the editor's decisions column."),
    ] = None,
) -> int:
    """One row per flagged segment (file, unit, source, target, checks, severity, evidence,
    decision) as TSV or xlsx, for CAT tools and QA workflows."""
    path, n = export(run_dir, fmt, out, decisions)
    typer.echo(f"mtclean: {n} flagged segment(s) -> {path}")
    return 0


def register(app: typer.Typer) -> None:
    """Add ``export`` to the main app."""
    app.command("export")(export_cmd)

"""TSV and CSV with a header row naming the same fields as JSONL (``id``, ``target``, ...).

TSV follows the IANA convention (tab-separated, no quoting: a cell holds no tab or newline).
CSV follows RFC 4180 quoting and may carry newlines inside quoted cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pipeline.errors import InputError
from pipeline.readers.base import Line, lines, record_from_fields, undecodable_column
from pipeline.records import InputFile, Record, Reject


class TableRow:
    """Parsed cells plus the header, kept so a changed row is written back in column order."""

    __slots__ = ("cells", "header")

    def __init__(self, header: list[str], cells: list[str]) -> None:
        self.header = header
        self.cells = cells


def _rows_tsv(f: InputFile) -> Iterator[tuple[list[Line], list[str] | None, str]]:
    for line in lines(f.text):
        raw = f.text[line.start : line.end]
        if raw.strip():
            yield [line], raw.split("\t"), ""


def _rows_csv(f: InputFile) -> Iterator[tuple[list[Line], list[str] | None, str]]:
    all_lines = list(lines(f.text))
    pos = 0

    def feed() -> Iterator[str]:
        nonlocal pos
        while pos < len(all_lines):
            ln = all_lines[pos]
            pos += 1
            yield f.text[ln.start : ln.next_start]

    source = feed()
    while pos < len(all_lines):
        first = pos
        reader = csv.reader(source, strict=True)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield all_lines[first:pos], None, f"malformed CSV: {err}"
            continue
        if cells:
            yield all_lines[first:pos], cells, ""


def parse(f: InputFile) -> None:
    """Parse a header row, then one record per row; bad rows become rejects."""
    rows = _rows_tsv(f) if f.format == "tsv" else _rows_csv(f)
    header: list[str] | None = None
    seen: dict[str, int] = {}
    for row_lines, cells, error in rows:
        first = row_lines[0]
        span = (first.start, row_lines[-1].end)
        raw = f.text[span[0] : span[1]]
        if header is None:
            header = _header(f.path, first.number, cells, error)
            continue
        reason = error or _row_problem(header, cells, raw, seen)
        if reason:
            f.rejects.append(Reject(f.path, first.number, reason, raw, span))
            continue
        assert cells is not None
        row = dict(zip(header, cells, strict=True))
        rid = row["id"]
        seen[rid] = first.number
        f.records.append(
            record_from_fields(rid, row["target"], first.number, span, row, TableRow(header, cells))
        )
    if header is None:
        raise InputError(f.path, "no header row")


def _header(path: str, number: int, cells: list[str] | None, error: str) -> list[str]:
    if cells is None:
        raise InputError(path, f"header row: {error}", line=number)
    col = undecodable_column("".join(cells))
    if col is not None:
        raise InputError(path, "header row has undecodable UTF-8 bytes", line=number)
    header = [c.strip().lstrip("\ufeff") for c in cells]
    for required in ("id", "target"):
        if required not in header:
            raise InputError(path, f"header has no {required!r} column", line=number)
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(path, f"header repeats column(s) {', '.join(dupes)}", line=number)
    return header


def _row_problem(header: list[str], cells: list[str] | None, raw: str, seen: dict[str, int]) -> str:
    assert cells is not None
    col = undecodable_column(raw)
    if col is not None:
        return f"undecodable UTF-8 bytes at column {col}"
    if len(cells) != len(header):
        return f"expected {len(header)} fields, found {len(cells)}"
    rid = cells[header.index("id")]
    if not rid.strip():
        return "missing 'id'"
    if rid in seen:
        return f"duplicate id {rid!r} (first on line {seen[rid]})"
    return ""


def render(record: Record, target: str, fmt: str) -> str:
    """The row with only the target cell replaced."""
    row: TableRow = record.extra
    cells = list(row.cells)
    cells[row.header.index("target")] = target
    if fmt == "tsv":
        return "\t".join(cells)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()[:-1]

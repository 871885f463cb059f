"""TSV and CSV with a header row naming the same fields as JSONL (``id``, ``target``, ...).

A header without ``target`` (or ``source``, ``reference``) may name it with the language, as
quality-estimation sets do: one ``mt_<lang>`` column is the target, one ``src_<lang>`` the source
and one ``ref_...<lang>`` the reference; the languages come from the names (``src_zh``, ``mt_en``).

TSV follows the IANA convention (tab-separated, no quoting: a cell holds no tab or newline).
CSV follows RFC 4180 quoting and may carry newlines inside quoted cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pipeline.errors import InputError
from pipeline.readers.base import record_from_fields, short_raw, undecodable_column
from pipeline.readers.registry import Format, register_format
from pipeline.readers.source import Line, Source
from pipeline.records import Record, Reject

# The csv module refuses fields over 131,072 characters by default; the documented cap is the
# record cap (64 MiB by default, ``max_record_bytes``), which is checked on the bytes.
csv.field_size_limit(1 << 30)

# A parsed row: its physical lines, its cells (None when malformed) and the reason.
Row = tuple[list[Line], list[str] | None, str]


class TableRow:
    """Parsed cells plus the header, kept so a changed row is written back in column order."""

    __slots__ = ("cells", "header")

    def __init__(self, header: list[str], cells: list[str]) -> None:
        self.header = header
        self.cells = cells


class _Table(Format):
    drop_rule = "empty"

    def rows(self, src: Source) -> Iterator[Row]:
        raise NotImplementedError

    def records(self, src: Source) -> Iterator[Record | Reject]:
        header: list[str] | None = None
        seen: dict[str, int] = {}
        for row_lines, cells, error in self.rows(src):
            first = row_lines[0]
            span = (first.start, row_lines[-1].end)
            last = len(row_lines) - 1
            raw = "".join(
                (ln.head if ln.text is None else ln.text) + (ln.brk if k < last else "")
                for k, ln in enumerate(row_lines)
            )
            if header is None:
                header, langs = _aliased(_header(src.path, first.number, cells, error, False))
                _header(src.path, first.number, header, "")
                continue
            reason = error or _row_problem(header, cells, raw, seen)
            if reason:
                yield Reject(src.path, first.number, reason, short_raw(raw), span)
                continue
            assert cells is not None
            row = {**langs, **dict(zip(header, cells, strict=True))}
            rid = row["id"]
            seen[rid] = first.number
            yield record_from_fields(
                rid, row["target"], first.number, span, row, TableRow(header, cells)
            )
        if header is None:
            raise InputError(src.path, "no header row")


@register_format
class Tsv(_Table):
    name = "tsv"
    suffixes = (".tsv",)
    description = "tab-separated with a header row (id, target, ...); no quoting"

    def rows(self, src: Source) -> Iterator[Row]:
        for line in src.lines():
            if line.text is None:
                yield [line], None, f"line longer than the cap of {src.limits.max_line_bytes} bytes"
            elif line.text.strip():
                yield [line], line.text.split("\t"), ""

    def count(self, src: Source) -> int:
        """Non-blank lines less the header (a TSV cell holds no line break)."""
        return max(0, src.count_lines() - 1)

    def render(self, record: Record, target: str) -> str:
        row: TableRow = record.extra
        cells = list(row.cells)
        cells[row.header.index("target")] = target
        return "\t".join(cells)

    def render_problem(self, record: Record, target: str) -> str | None:
        """A TSV cell cannot hold a tab or a line break: the reader takes cells as they are
        (no quoting, no escapes), so such a target would shift columns or split the row."""
        for ch, name in (("\t", "a tab"), ("\n", "a line break"), ("\r", "a line break")):
            if ch in target:
                return f"a TSV cell cannot hold {name} (the format has no quoting)"
        return None


@register_format
class Csv(_Table):
    name = "csv"
    suffixes = (".csv",)
    description = "RFC 4180 CSV with a header row (id, target, ...); quoted cells may hold newlines"

    def rows(self, src: Source) -> Iterator[Row]:
        cap = src.limits.max_record_bytes
        pending: list[Line] = []
        for line in src.lines():
            if line.text is None:
                if pending:
                    yield pending, None, "malformed CSV: unterminated quoted cell"
                    pending = []
                yield [line], None, f"line longer than the cap of {src.limits.max_line_bytes} bytes"
                continue
            if not pending and not line.text.strip():
                continue
            pending.append(line)
            text = "".join(ln.text + ln.brk for ln in pending)  # type: ignore[operator]
            if _open_quote(text) and pending[-1].brk:
                if pending[-1].next_start - pending[0].start > cap:
                    yield pending, None, f"record longer than the cap of {cap} bytes"
                    pending = []
                continue
            yield pending, *_parse_csv(text)
            pending = []
        if pending:
            text = "".join(ln.text + ln.brk for ln in pending)  # type: ignore[operator]
            yield pending, *_parse_csv(text)

    def render(self, record: Record, target: str) -> str:
        row: TableRow = record.extra
        cells = list(row.cells)
        cells[row.header.index("target")] = target
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(cells)
        return buf.getvalue()[:-1]


def _open_quote(text: str) -> bool:
    """True when ``text`` ends inside a quoted cell (an odd number of quote characters)."""
    return text.count('"') % 2 == 1


def _parse_csv(text: str) -> tuple[list[str] | None, str]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        return None, f"malformed CSV: {err}"
    if len(rows) != 1:
        return None, "malformed CSV: one record expected"
    return rows[0], ""


# Columns named with their language (qe-dev: src_zh, mt_en, ref_or_postedit_en).
_ALIASES = (
    ("target", "mt_", "tgt_lang"),
    ("source", "src_", "src_lang"),
    ("reference", "ref_", ""),
)


def _aliased(header: list[str]) -> tuple[list[str], dict[str, str]]:
    """The header with one ``mt_*``/``src_*``/``ref_*`` column each renamed to its field, and
    the languages their names give (kept only where no ``src_lang``/``tgt_lang`` column is)."""
    out, langs = list(header), {}
    for field, prefix, lang_field in _ALIASES:
        hits = [i for i, h in enumerate(out) if h.startswith(prefix)]
        if field in out or len(hits) != 1:
            continue
        lang = out[hits[0]].rsplit("_", 1)[1]
        out[hits[0]] = field
        if lang_field and lang_field not in out and lang.isalpha() and 2 <= len(lang) <= 3:
            langs[lang_field] = lang.lower()
    return out, langs


def _header(
    path: str, number: int, cells: list[str] | None, error: str, check: bool = True
) -> list[str]:
    if cells is None:
        raise InputError(path, f"header row: {error}", line=number)
    col = undecodable_column("".join(cells))
    if col is not None:
        raise InputError(path, "header row has undecodable UTF-8 bytes", line=number)
    header = [c.strip().lstrip("\ufeff") for c in cells]
    if not check:
        return header
    for required in ("id", "target"):
        if required not in header:
            how = " (or one mt_<lang> column, e.g. mt_en)" if required == "target" else ""
            raise InputError(path, f"header has no {required!r} column{how}", line=number)
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

"""Readers by format. ``read_input`` picks one by file suffix and applies language defaults."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.readers import jsonl, table, text
from pipeline.readers.base import read_text
from pipeline.records import InputFile, Record

FORMATS = {".txt": "txt", ".jsonl": "jsonl", ".tsv": "tsv", ".csv": "csv"}


def detect_format(path: str) -> str:
    """The format named by ``path``'s suffix, or an InputError listing the known ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS)
        raise InputError(path, f"unknown format {suffix or '(no suffix)'!r} (expected {known})")
    return FORMATS[suffix]


def read_input(path: str, src_lang: str | None = None, tgt_lang: str = "en") -> InputFile:
    """Read and parse one input file; file-level problems raise InputError."""
    fmt = detect_format(path)
    decoded, bom = read_text(path)
    f = InputFile(path=path, format=fmt, text=decoded, bom=bom)
    if fmt == "txt":
        text.parse(f)
    elif fmt == "jsonl":
        jsonl.parse(f)
    else:
        table.parse(f)
    for r in f.records:
        r.src_lang = r.src_lang or src_lang
        r.tgt_lang = r.tgt_lang or tgt_lang
        r.doc = r.doc or path
    return f


def render(f: InputFile, record: Record, target: str) -> str | None:
    """Render a changed record in its file's format; None removes it (plain text only)."""
    if f.format == "txt":
        return text.render(record, target)
    if f.format == "jsonl":
        return jsonl.render(record, target)
    return table.render(record, target, f.format)

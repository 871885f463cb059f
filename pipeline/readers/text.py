"""Plain text: paragraphs separated by blank lines; each paragraph is a record ``L<n>``."""

from __future__ import annotations

import re

from pipeline.readers.base import Line, lines, undecodable_column
from pipeline.records import InputFile, Record, Reject

FORMAT = "txt"
SUFFIXES = (".txt",)
_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def parse(f: InputFile) -> None:
    """Split ``f.text`` into paragraph records (ids from the 1-based line they start on)."""
    para: list[Line] = []
    for line in [*lines(f.text), None]:
        blank = line is None or not f.text[line.start : line.end].strip()
        if not blank:
            assert line is not None
            para.append(line)
            continue
        if para:
            _emit(f, para)
            para = []


def _emit(f: InputFile, para: list[Line]) -> None:
    start, end = para[0].start, para[-1].end
    body = f.text[start:end]
    for line in para:
        col = undecodable_column(f.text[line.start : line.end])
        if col is not None:
            reason = f"undecodable UTF-8 bytes at line {line.number}, column {col}"
            f.rejects.append(Reject(f.path, line.number, reason, body, (start, end)))
            return
    f.records.append(
        Record(id=f"L{para[0].number}", target=body, line=para[0].number, span=(start, end))
    )


def render(record: Record, target: str) -> str | None:
    """The paragraph's new text; None drops it (an empty paragraph cannot exist).

    A paragraph holds no blank line by definition, so a line that cleaning left blank (say, one
    that held only control characters) is removed rather than split the paragraph in two.
    """
    pieces = _LINE_BREAK.split(target)
    if all(piece.strip() for piece in pieces):
        return target
    breaks = _LINE_BREAK.findall(target)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if piece.strip():
            if out:
                out.append(breaks[i - 1])  # the break just before this line
            out.append(piece)
    return "".join(out) if out else None

"""Plain text: paragraphs separated by blank lines; each paragraph is a record ``L<n>``.

A paragraph whose every segment is dropped leaves the file with the separator after it
(``drop_rule = "remove"``): an empty paragraph cannot exist in plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.readers.base import short_raw, undecodable_column
from pipeline.readers.registry import Format, register_format
from pipeline.readers.source import Line, Source
from pipeline.records import Record, Reject

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


@register_format
class PlainText(Format):
    name = "txt"
    suffixes = (".txt",)
    drop_rule = "remove"
    description = "plain text; a paragraph (lines up to a blank line) is a record"

    def records(self, src: Source) -> Iterator[Record | Reject]:
        para: list[Line] = []  # lines of the current paragraph, while under the cap
        first = last = None
        size = 0
        cap = src.limits.max_record_bytes
        for line in src.lines():
            if line.text is not None and not line.text.strip():
                if first is not None:
                    yield _emit(src, para, first, last, size > cap)  # type: ignore[arg-type]
                    para, first, last, size = [], None, None, 0
                continue
            first = first or line
            last = line
            size += line.next_start - line.start
            if size <= cap:
                para.append(line)
            elif len(para) > 2:
                del para[2:]  # over the cap: keep a little for rejects.jsonl, not the rest
        if first is not None:
            yield _emit(src, para, first, last, size > cap)  # type: ignore[arg-type]

    def render(self, record: Record, target: str) -> str | None:
        """The paragraph's new text; None drops it (an empty paragraph cannot exist).

        A paragraph holds no blank line by definition, so a line that cleaning left blank (say,
        one that held only control characters) is removed rather than split the paragraph.
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


def _emit(src: Source, para: list[Line], first: Line, last: Line, too_big: bool) -> Record | Reject:
    start, end, number = first.start, last.end, first.number
    if too_big or any(line.text is None for line in para):
        reason = f"paragraph longer than the cap of {src.limits.max_record_bytes} bytes"
        if not too_big:
            reason = f"line longer than the cap of {src.limits.max_line_bytes} bytes"
        raw = "".join((ln.head if ln.text is None else ln.text) + ln.brk for ln in para[:2])
        return Reject(src.path, number, reason, short_raw(raw), (start, end))
    texts = [ln.text or "" for ln in para]
    body = "".join(
        t + (ln.brk if k + 1 < len(para) else "")
        for k, (t, ln) in enumerate(zip(texts, para, strict=True))
    )
    for line, text in zip(para, texts, strict=True):
        col = undecodable_column(text)
        if col is not None:
            reason = f"undecodable UTF-8 bytes at line {line.number}, column {col}"
            return Reject(src.path, number, reason, short_raw(body), (start, end))
    return Record(id=f"L{number}", target=body, line=number, span=(start, end))

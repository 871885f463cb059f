"""Shared reading logic: decoding without loss, physical lines with offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.records import Record

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
_UNDECODABLE = re.compile("[\udc80-\udcff]")
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(slots=True, frozen=True)
class Line:
    """A physical line: ``text[start:end]`` is its content, ``text[end:next_start]`` its break."""

    number: int
    start: int
    end: int
    next_start: int


def _existing_file(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory, not a file")
    return p


def _check_start(path: str, head: bytes) -> None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(path, "file is UTF-16; convert it to UTF-8", line=1)


def probe_file(path: str, chunk: int = 1 << 16) -> None:
    """The file-level checks of ``read_text`` without reading the whole file: it exists, can be
    read, is not UTF-16 and holds something besides whitespace."""
    p = _existing_file(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(chunk)
            _check_start(path, data)
            while not data.strip():
                if not data:
                    raise InputError(path, "empty file")
                data = fh.read(chunk)
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


def read_text(path: str) -> tuple[str, bool]:
    """Read ``path`` as UTF-8, keeping undecodable bytes as surrogate escapes.

    Returns the text and whether it began with a UTF-8 BOM. Bytes that are not UTF-8 are not an
    error here: the readers reject just the records that hold them, and the writers put the very
    same bytes back.
    """
    p = _existing_file(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    if not data.strip():
        raise InputError(path, "empty file")
    _check_start(path, data)
    bom = data.startswith(UTF8_BOM)
    if bom:
        data = data[len(UTF8_BOM) :]
    return data.decode("utf-8", errors="surrogateescape"), bom


def lines(text: str) -> Iterator[Line]:
    """Yield every physical line (LF, CRLF or CR breaks) with its offsets; 1-based numbers."""
    pos, number, n = 0, 1, len(text)
    while pos < n:
        m = _LINE.match(text, pos)
        assert m is not None  # the pattern matches the empty string
        content_end = m.end()
        while content_end > m.start() and text[content_end - 1] in "\r\n":
            content_end -= 1
        yield Line(number, m.start(), content_end, m.end())
        pos, number = m.end(), number + 1


def undecodable_column(s: str) -> int | None:
    """1-based column of the first undecodable byte in ``s``, or None."""
    m = _UNDECODABLE.search(s)
    return m.start() + 1 if m else None


# Fields a record may carry besides ``id`` and ``target``, the same in JSONL and TSV/CSV.
OPTIONAL_FIELDS = ("source", "src_lang", "tgt_lang", "doc", "reference")


def record_from_fields(
    rid: str,
    target: str,
    line: int,
    span: tuple[int, int],
    fields: Mapping[str, object],
    extra: object,
) -> Record:
    """A record from a parsed JSON object or table row; empty optional fields are unset."""
    optional = {k: optional_str(fields.get(k)) for k in OPTIONAL_FIELDS}
    return Record(id=rid, target=target, line=line, span=span, extra=extra, **optional)


def optional_str(value: object) -> str | None:
    """A cell or field that is empty or missing means 'not given'."""
    if value is None or value == "":
        return None
    return str(value)

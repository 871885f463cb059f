"""JSON Lines: one object per line with ``id`` and ``target``; every other byte is preserved.

A changed record is written back by replacing only the bytes of its ``target`` value in the
original line, so unknown fields keep their exact spelling (``1e999``, ``1.50``, key order,
spacing, escapes). What Python's ``json`` cannot hold (a 5000-digit integer, nesting deeper than
the interpreter's recursion limit) makes that record a reject with a reason, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline import jsonutil
from pipeline.readers.base import OPTIONAL_FIELDS, record_from_fields, short_raw, undecodable_column
from pipeline.readers.registry import Format, register_format
from pipeline.readers.source import Source
from pipeline.records import Record, Reject

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


@register_format
class JsonLines(Format):
    name = "jsonl"
    suffixes = (".jsonl",)
    drop_rule = "empty"
    description = "JSON Lines; one object per line with id and target (and source, doc, ...)"

    def records(self, src: Source) -> Iterator[Record | Reject]:
        seen: dict[str, int] = {}
        for line in src.lines():
            span = (line.start, line.end)
            if line.text is None:
                reason = f"line longer than the cap of {src.limits.max_line_bytes} bytes"
                yield Reject(src.path, line.number, reason, short_raw(line.head), span)
                continue
            raw = line.text
            if not raw.strip():
                continue
            reason, record = _record(raw, line.number, span, seen)
            if record is None:
                yield Reject(src.path, line.number, reason, short_raw(raw), span)
            else:
                seen[record.id] = line.number
                yield record

    def count(self, src: Source) -> int:
        """Non-blank lines: one item each (no JSON parsing, no decoding)."""
        return src.count_lines()

    def render(self, record: Record, target: str) -> str:
        """The record's line with only the bytes of its ``target`` value replaced."""
        raw: str = record.extra
        s, e = target_value_span(raw)
        return raw[:s] + jsonutil.dumps(target) + raw[e:]


def _record(
    raw: str, number: int, span: tuple[int, int], seen: dict[str, int]
) -> tuple[str, Record | None]:
    col = undecodable_column(raw)
    if col is not None:
        return f"undecodable UTF-8 bytes at column {col}", None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        return f"malformed JSON: {err.msg} at column {err.colno}", None
    except RecursionError:
        return "JSON nested too deeply", None
    except ValueError as err:  # e.g. an integer over the interpreter's digit limit
        return f"unreadable JSON value: {str(err).split(';')[0]}", None
    if not isinstance(obj, dict):
        return "not a JSON object", None
    rid = obj.get("id")
    if rid is None or rid == "":
        return "missing 'id'", None
    if isinstance(rid, bool) or not isinstance(rid, str | int):
        return "'id' must be a string or an integer", None
    rid = str(rid)
    if rid in seen:
        return f"duplicate id {rid!r} (first on line {seen[rid]})", None
    target = obj.get("target")
    if target is None:
        return "missing 'target'", None
    if not isinstance(target, str):
        return "'target' must be a string", None
    for key in OPTIONAL_FIELDS:
        value = obj.get(key)
        if (value is not None and not isinstance(value, str | int)) or isinstance(value, bool):
            return f"{key!r} must be a string", None
    return "", record_from_fields(rid, target, number, span, obj, raw)


def target_value_span(raw: str) -> tuple[int, int]:
    """Character span of the top-level ``target`` value in a JSON object line (the last one,
    as ``json.loads`` keeps the last of repeated keys)."""
    i = _skip(raw, 0)
    if raw[i : i + 1] != "{":
        raise ValueError("not a JSON object")
    i = _skip(raw, i + 1)
    found: tuple[int, int] | None = None
    while raw[i : i + 1] != "}":
        key, i = _DECODER.raw_decode(raw, i)
        i = _skip(raw, i)
        if raw[i : i + 1] != ":":
            raise ValueError("malformed object")
        vstart = _skip(raw, i + 1)
        _, vend = _DECODER.raw_decode(raw, vstart)
        if key == "target":
            found = (vstart, vend)
        i = _skip(raw, vend)
        if raw[i : i + 1] == ",":
            i = _skip(raw, i + 1)
    if found is None:
        raise ValueError("no target")
    return found


def _skip(raw: str, i: int) -> int:
    while i < len(raw) and raw[i] in _WS:
        i += 1
    return i

"""JSON Lines: one object per line with ``id`` and ``target``; unknown fields are preserved."""

from __future__ import annotations

import json

from pipeline import jsonutil
from pipeline.readers.base import (
    OPTIONAL_FIELDS,
    lines,
    record_from_fields,
    undecodable_column,
)
from pipeline.records import InputFile, Record, Reject

FORMAT = "jsonl"
SUFFIXES = (".jsonl",)


def parse(f: InputFile) -> None:
    """Parse each non-blank line; malformed ones become rejects, the rest records."""
    seen: dict[str, int] = {}
    for line in lines(f.text):
        raw = f.text[line.start : line.end]
        if not raw.strip():
            continue
        reason, record = _record(raw, line.number, (line.start, line.end), seen)
        if record is None:
            f.rejects.append(Reject(f.path, line.number, reason, raw, (line.start, line.end)))
        else:
            seen[record.id] = line.number
            f.records.append(record)


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
    return "", record_from_fields(rid, target, number, span, obj, obj)


def render(record: Record, target: str) -> str:
    """The record's line with only ``target`` replaced; every other field kept in order."""
    obj = dict(record.extra)
    obj["target"] = target
    return jsonutil.dumps(obj)

"""Helpers shared by the line-based formats: undecodable bytes, optional fields, caps."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.records import Record

_UNDECODABLE = re.compile("[\udc80-\udcff]")
# Longest ``raw`` kept for a reject in rejects.jsonl; its bytes are copied in full to cleaned/.
MAX_REJECT_RAW = 4000


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


def short_raw(raw: str) -> str:
    """``raw`` cut for rejects.jsonl when it is huge (the cleaned copy keeps every byte)."""
    if len(raw) <= MAX_REJECT_RAW:
        return raw
    return raw[:MAX_REJECT_RAW] + f"... [{len(raw) - MAX_REJECT_RAW} more characters]"

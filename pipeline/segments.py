"""The segment schema, in one place: every column a stage may read or write, its type and default.

A segment row is what the stages receive for one segment of one record. ``new_row`` builds one,
``OUTPUT_KEYS`` says which columns ``segments.jsonl`` carries and in what order, and
``arrow_features`` gives the ``datasets``/Arrow types. Adding a column is one edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Types are named in a tiny vocabulary the Arrow mapping below understands.
#   str, int, float, bool, flags, hits, candidates, strs (list of str), metrics ({chrf, bleu, ter})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    default: Any
    output: bool  # written to segments.jsonl
    doc: str


_COLUMNS: tuple[Column, ...] = (
    # Contract keys of segments.jsonl first, in contract order.
    Column("record", "str", "", True, "record id in its input file"),
    Column("index", "int", 0, True, "0-based segment number within the record"),
    Column("start", "int", 0, True, "character offset of the segment in the record's target"),
    Column("end", "int", 0, True, "end offset (exclusive)"),
    Column("target", "str", "", True, "the segment's text as read (after normalisation)"),
    Column("flags", "flags", None, True, "check findings with evidence"),
    Column("garble_score", "float", 0.0, True, "noisy-OR of the flags, 0..1"),
    Column("garbled", "bool", False, True, "garble_score >= [combine] threshold"),
    Column("glossary", "hits", None, True, "glossary hits with their action"),
    Column("output", "str", "", True, "the segment's cleaned text"),
    Column("decision", "str", "kept", True, "kept | fixed | retranslated | needs_review | dropped"),
    Column("quality", "float", None, True, "reference-free quality, 0..1 (scoring stage)"),
    Column("candidates", "candidates", None, True, "alternative outputs with origin and score"),
    Column("metrics", "metrics", None, True, "sentence chrF/BLEU/TER against the reference"),
    # Context.
    Column("file", "str", "", True, "input file path"),
    Column("doc", "str", "", True, "document the segment belongs to"),
    Column("source", "str", None, True, "source text of a bilingual record"),
    Column("glossary_base", "str", None, True, "text the glossary hit offsets index"),
    # Internal columns: read by stages, not written out.
    Column("seq", "int", 0, False, "segment number within its file (document order)"),
    Column("line_first", "bool", True, False, "a line break (or the record start) precedes it"),
    Column("line_end", "bool", True, False, "a line break (or the record end) follows it"),
    Column("src_lang", "str", None, False, "source language"),
    Column("tgt_lang", "str", "en", False, "target language"),
    Column("reference", "str", None, False, "human reference translation, when given"),
    Column("residual_garbled", "bool", False, False, "garbled without repaired flags"),
)

COLUMNS: dict[str, Column] = {c.name: c for c in _COLUMNS}
OUTPUT_KEYS: tuple[str, ...] = tuple(c.name for c in _COLUMNS if c.output)
_LIST_TYPES = {"flags", "hits", "candidates", "strs"}


def new_row(target: str, **fields: Any) -> dict[str, Any]:
    """A segment row as the stages receive it, before any stage ran; ``fields`` override."""
    unknown = set(fields) - COLUMNS.keys()
    if unknown:
        raise TypeError(f"unknown segment fields: {sorted(unknown)}")
    row: dict[str, Any] = {}
    for c in _COLUMNS:
        row[c.name] = [] if c.type in _LIST_TYPES and c.default is None else c.default
    row["target"] = row["output"] = target
    row["end"] = len(target)
    row.update(fields)
    return row


def output_record(row: dict[str, Any]) -> dict[str, Any]:
    """The ``segments.jsonl`` object of a row: the output keys, in order."""
    return {k: row.get(k) for k in OUTPUT_KEYS}


def arrow_features(columns: list[str] | tuple[str, ...]) -> Any:
    """``datasets.Features`` for the given columns (unknown columns are strings)."""
    from datasets import Features, List, Value

    evidence = {
        "start": Value("int64"),
        "end": Value("int64"),
        "text": Value("string"),
        "reason": Value("string"),
    }
    flag = {
        "check": Value("string"),
        "severity": Value("string"),
        "score": Value("float64"),
        "evidence": evidence,
    }
    hit = {
        "term": Value("string"),
        "match": Value("string"),
        "start": Value("int64"),
        "end": Value("int64"),
        "action": Value("string"),
        "replacement": Value("string"),
    }
    candidate = {
        "origin": Value("string"),
        "text": Value("string"),
        "score": Value("float64"),
        "reasons": List(Value("string")),
    }
    kinds: dict[str, Any] = {
        "str": Value("string"),
        "int": Value("int64"),
        "float": Value("float64"),
        "bool": Value("bool"),
        "flags": List(flag),
        "hits": List(hit),
        "candidates": List(candidate),
        "strs": List(Value("string")),
        "metrics": {"chrf": Value("float64"), "bleu": Value("float64"), "ter": Value("float64")},
    }
    return Features(
        {c: kinds[COLUMNS[c].type] if c in COLUMNS else Value("string") for c in columns}
    )

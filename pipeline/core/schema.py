"""The segment schema, in one place: every column a stage may read or write, its type and default,
and the typed records the list columns hold (``Flag``, ``Candidate``, ``Hit``).

A segment row is what the stages receive for one segment of one record. ``new_row`` builds one,
``OUTPUT_KEYS`` says which columns ``segments.jsonl`` carries and in what order, and
``arrow_features`` gives the ``datasets``/Arrow types. Adding a column is one edit here.

The records are ``TypedDict``s: they stay plain dicts in column batches (Arrow, Ray, pickles,
JSON) while type checkers see their fields. Build them with ``make_flag``, ``make_candidate``
and ``make_hit`` only, so every one has every key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypedDict

# -- severities: one order for the whole pipeline ------------------------------------------------

Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[Severity, ...] = ("minor", "major", "critical")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def at_least(severity: str, floor: str) -> bool:
    """True when ``severity`` is ``floor`` or worse (unknown severities count as the lowest)."""
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK[floor]


# -- typed records -------------------------------------------------------------------------------


class Evidence(TypedDict):
    """Where a flag points: ``target[start:end]`` (None: the whole segment or something absent)."""

    start: int | None
    end: int | None
    text: str
    reason: str


class Flag(TypedDict):
    """One finding: ``check`` is a registered flag name (``pipeline.core.registry``)."""

    check: str
    severity: Severity
    score: float
    evidence: Evidence


class Candidate(TypedDict):
    """An alternative output of a segment.

    ``origin`` says what made it (``ORIGINS``); ``logprob`` is the model's length-normalised
    log-probability of the text given the source (None without a model); ``score`` is its
    quality (0..1, set by stage ``score``; None before). ``guards`` are the guard failures that
    forbid it (a candidate with any is never chosen), ``reasons`` everything else worth showing.
    """

    origin: str
    text: str
    score: float | None
    logprob: float | None
    guards: list[str]
    reasons: list[str]


class Hit(TypedDict):
    """One glossary hit: ``target[start:end]`` (of ``glossary_base``) matched ``term``."""

    term: str
    match: str
    start: int | None
    end: int | None
    action: str
    replacement: str | None


# What may make a candidate: the MT as read, an edit of it by a stage (glossary fix, keyword-tail
# cut, normalisation, another stage's ``edit``), a model's re-translation, a dictionary gloss, a
# human editor.
ORIGINS = (
    "mt",
    "glossary",
    "keyword_tail",
    "normalize",
    "edit",
    "retranslation",
    "dictionary",
    "editor",
)
# Origins that are edits of the MT (share its wording): not independent translations.
MT_FAMILY = frozenset({"mt", "glossary", "keyword_tail", "normalize", "edit", "editor"})


def make_flag(
    check: str,
    severity: Severity,
    score: float,
    reason: str,
    start: int | None = None,
    end: int | None = None,
    text: str = "",
) -> Flag:
    """Build one flag; ``score`` is clamped to 0..1 and rounded for stable output."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return {
        "check": check,
        "severity": severity,
        "score": round(min(1.0, max(0.0, float(score))), 4),
        "evidence": {"start": start, "end": end, "text": text, "reason": reason},
    }


def make_candidate(
    origin: str,
    text: str,
    *,
    logprob: float | None = None,
    score: float | None = None,
    guards: list[str] | None = None,
    reasons: list[str] | None = None,
) -> Candidate:
    """Build one candidate (``origin`` must be one of ``ORIGINS``)."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown candidate origin {origin!r}")
    return {
        "origin": origin,
        "text": text,
        "score": score,
        "logprob": logprob,
        "guards": list(guards or []),
        "reasons": list(reasons or []),
    }


def as_candidate(c: dict[str, Any]) -> Candidate:
    """A candidate from a stored dict (older outputs lack ``logprob``/``guards``)."""
    return make_candidate(
        c["origin"],
        c["text"],
        logprob=c.get("logprob"),
        score=c.get("score"),
        guards=c.get("guards"),
        reasons=c.get("reasons"),
    )


def make_hit(
    term: str,
    match: str,
    start: int | None,
    end: int | None,
    action: str,
    replacement: str | None,
) -> Hit:
    """Build one glossary hit."""
    return {
        "term": term,
        "match": match,
        "start": start,
        "end": end,
        "action": action,
        "replacement": replacement,
    }


class KnownWrong(NamedTuple):
    """A known wrong rendering found at ``text[start:end]`` (what a glossary hook reports)."""

    start: int
    end: int
    wrong: str
    approved: str
    ambiguous: bool = False  # wrong only in some contexts: flag for review, do not replace
    note: str = ""
    minor: bool = False  # an understandable alternative rendering: no garble on its own


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
    # Lazy: ``datasets`` is a heavy optional engine library, loaded only by that engine.
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
        "logprob": Value("float64"),
        "guards": List(Value("string")),
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

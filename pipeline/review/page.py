"""``mtclean review DIR``: the review page of a finished run, ``DIR/review.html``.

The page scales to large runs: its data sits in a sidecar script, ``DIR/review.data.js``, and
the page draws one page of cards at a time (50), so a 100,000-segment run stays a small HTML
file and a few thousand DOM nodes. Summary and charts come first, then the segments that need
a decision, worst first (``quality``; ``1 - garble_score`` until a scoring stage fills it).
Every segment can be opened and edited, not only those.

Both files work offline from a ``file://`` URL. Archive text is untrusted: the page is rendered
by jinja2 with autoescaping (the run's name goes into the title escaped), the data travels as a
JSON literal in the sidecar script, and the page inserts text only with ``textContent``.

Keys: a segment is ``[file, record, index]`` and a glossary hit ``[file, record, index, n]``,
written as compact JSON arrays, so no file or record name can make two keys collide.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NotRequired

import jinja2
from pydantic import Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from pipeline.decisions import text_hash
from pipeline.errors import UsageError
from pipeline.writers import atomic

TEMPLATE_DIR = Path(__file__).parent
TEMPLATE = "review.html.j2"
DATA_FILE = "review.data.js"

# Columns of one segment in the page data (an array per segment keeps the sidecar small).
SEG_FIELDS = (
    "file",  # index into ``files``
    "record",
    "index",
    "target",
    "output",  # None when equal to target
    "decision",
    "quality",
    "garble_score",
    "flags",  # deduplicated, None when empty
    "glossary",  # None when empty
    "glossary_base",
    "need",  # 1 when the segment needs a decision
    "source",  # source text of a bilingual unit, None otherwise
    "candidates",  # [{origin, text, score, reasons}], None when there are none
    "hashes",  # [source hash, target hash]: the content key decisions are exported with
)


def key_of(file: str, record: str, index: int, hit: int | None = None) -> str:
    """The unambiguous key of a segment (or of hit ``hit`` in it): a compact JSON array."""
    parts: list[Any] = [file, record, index] if hit is None else [file, record, index, hit]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def segment_key(seg: dict[str, Any]) -> str:
    """Key of a ``segments.jsonl`` row."""
    return key_of(seg.get("file") or "", seg["record"], seg["index"])


# What the review commands read from a finished run, typed, so a corrupted or hand-edited
# segments.jsonl or summary.json is one line naming the file (and line), never a traceback.
# Keys a run always writes are required; others are typed when present. Extra keys are kept.


class _Evidence(TypedDict, total=False):
    start: int | None
    end: int | None
    text: str
    reason: str


class _Flag(TypedDict):
    check: str
    severity: str
    score: float
    evidence: NotRequired[_Evidence | None]


class _Hit(TypedDict):
    term: str
    match: str
    start: int | None
    end: int | None
    action: str
    replacement: str | None


class _Candidate(TypedDict):
    text: str
    origin: NotRequired[str]
    score: NotRequired[float | None]
    logprob: NotRequired[float | None]
    guards: NotRequired[list[str]]
    reasons: NotRequired[list[str]]


class _Segment(TypedDict):
    record: str
    index: Annotated[int, Field(ge=0)]
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=0)]
    target: str
    output: str
    decision: str
    flags: list[_Flag]
    glossary: list[_Hit]
    garble_score: NotRequired[float]
    garbled: NotRequired[bool]
    quality: NotRequired[float | None]
    candidates: NotRequired[list[_Candidate] | None]
    metrics: NotRequired[dict[str, Any] | None]
    file: NotRequired[str | None]
    doc: NotRequired[str | None]
    source: NotRequired[str | None]
    glossary_base: NotRequired[str | None]


class _Summary(TypedDict, total=False):
    mtclean: str
    fingerprint: str
    config: str
    effective_config: dict[str, dict[str, Any]]
    stages: list[str]
    inputs: list[str]
    outputs: dict[str, str]
    records: dict[str, int]
    segments: int
    checks: dict[str, int]
    decisions: dict[str, int]
    files: dict[str, dict[str, Any]]


_SEGMENT = TypeAdapter(_Segment)
_SUMMARY = TypeAdapter(_Summary)


def _first_problem(err: ValidationError) -> str:
    e = err.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in e["loc"])
    return f"{loc}: {e['msg']}" if loc else e["msg"]


def load_segments(run_dir: str) -> list[dict[str, Any]]:
    """Every row of ``run_dir/segments.jsonl``; a missing or malformed file is a UsageError."""
    return list(iter_segments(run_dir))


def iter_segments(run_dir: str) -> Iterator[dict[str, Any]]:
    """The rows of ``run_dir/segments.jsonl``, each checked against the segment schema: a
    truncated line, invalid JSON or UTF-8, a wrong type or a missing key is a UsageError
    naming the file and line."""
    path = Path(run_dir) / "segments.jsonl"
    if not path.is_file():
        raise UsageError(f"{json.dumps(run_dir)}: not a finished run (no segments.jsonl)")
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                row = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as err:
                raise UsageError(f"{path}:{n}: not UTF-8 (byte {err.start})") from None
            except (json.JSONDecodeError, RecursionError, ValueError) as err:
                msg = str(err).splitlines()[0] if str(err) else type(err).__name__
                raise UsageError(f"{path}:{n}: malformed JSON: {msg}") from None
            if not isinstance(row, dict):
                raise UsageError(f"{path}:{n}: not a segment row (a JSON object)")
            try:
                _SEGMENT.validate_python(row, strict=True)
            except ValidationError as err:
                raise UsageError(f"{path}:{n}: not a segment row: {_first_problem(err)}") from None
            if row["start"] > row["end"]:
                raise UsageError(f"{path}:{n}: not a segment row: start is after end")
            yield row


def load_summary(run_dir: str) -> dict[str, Any]:
    """``run_dir/summary.json``, its keys checked for their types (a UsageError naming the
    file otherwise)."""
    path = Path(run_dir) / "summary.json"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{json.dumps(run_dir)}: not a finished run (no summary.json)") from None
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: unreadable summary: not UTF-8 (byte {err.start})") from None
    except (OSError, ValueError, RecursionError) as err:
        msg = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise UsageError(f"{path}: unreadable summary: {msg}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: unreadable summary: not a JSON object")
    try:
        _SUMMARY.validate_python(data, strict=True)
    except ValidationError as err:
        raise UsageError(f"{path}: unreadable summary: {_first_problem(err)}") from None
    return data


def run_fingerprint(summary: dict[str, Any]) -> str:
    """The run's ``fingerprint`` from ``summary.json``; until runs write one, a hash of what
    defines the run (inputs, config, stages, version)."""
    given = summary.get("fingerprint")
    if isinstance(given, str) and given:
        return given
    basis = {k: summary.get(k) for k in ("mtclean", "config", "stages", "inputs")}
    text = json.dumps(basis, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def dedup_flags(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flags without repeats (the same check, severity and evidence twice shows once)."""
    seen: set[str] = set()
    out = []
    for f in flags:
        k = json.dumps(f, sort_keys=True, ensure_ascii=False, default=str)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def needs_decision(seg: dict[str, Any]) -> bool:
    """A flag, a proposed change, or a glossary hit other than ``kept`` (already right)."""
    return bool(
        seg.get("flags")
        or seg.get("output") != seg.get("target")
        or seg.get("decision") not in ("kept", None)
        or any(h.get("action") != "kept" for h in seg.get("glossary") or [])
    )


def badness(seg: dict[str, Any]) -> float:
    """Sort key, lower is worse: quality when scored, else ``1 - garble_score``."""
    q = seg.get("quality")
    if isinstance(q, int | float):
        return float(q)
    return 1.0 - float(seg.get("garble_score") or 0.0)


def review_data(run_dir: str) -> dict[str, Any]:
    """Everything the page shows, as one JSON-able object."""
    summary = load_summary(run_dir)
    files: dict[str, int] = {}
    segs: list[list[Any]] = []
    hist = [0] * 10
    needing = 0
    for s in iter_segments(run_dir):
        f = files.setdefault(s.get("file") or "", len(files))
        need = needs_decision(s)
        needing += need
        flags = dedup_flags(s.get("flags") or [])
        g = float(s.get("garble_score") or 0.0)
        hist[min(9, max(0, int(g * 10)))] += 1
        segs.append(
            [
                f,
                s["record"],
                s["index"],
                s["target"],
                None if s.get("output") == s["target"] else s.get("output"),
                s.get("decision"),
                s.get("quality"),
                round(g, 4),
                flags or None,
                s.get("glossary") or None,
                s.get("glossary_base"),
                1 if need else 0,
                s.get("source"),
                s.get("candidates") or None,
                [text_hash(s.get("source")), text_hash(s["target"])],
            ]
        )
    langs = ((summary.get("effective_config") or {}).get("input")) or {}
    return {
        "version": 3,
        "run": Path(run_dir).resolve().name,
        "langs": {"src": langs.get("src_lang"), "tgt": langs.get("tgt_lang")},
        "fingerprint": run_fingerprint(summary),
        "fields": list(SEG_FIELDS),
        "files": list(files),
        "summary": {
            "records": summary.get("records"),
            "segments": len(segs),
            "needing": needing,
            "decisions": summary.get("decisions") or {},
            "checks": summary.get("checks") or {},
            "garble_histogram": hist,
        },
        "segs": segs,
    }


# Lone surrogates are not UTF-8; U+2028/U+2029 and C1 controls are line breaks to some
# JavaScript and text tools. Inside a JSON string they can be written as escapes.
_ESCAPE = re.compile("[\ud800-\udfff\x7f-\x9f\u2028\u2029]")


def _sidecar(data: dict[str, Any]) -> str:
    # JSON is a JavaScript expression (ES2019), so the data file is just an assignment.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return f"window.MTCLEAN_REVIEW = {text};\n"


def render_page(title: str, data_file: str) -> str:
    """The HTML page; ``title`` is escaped by jinja2's autoescaping."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(TEMPLATE).render(title=title, data_file=data_file)


def write_review(run_dir: str) -> tuple[Path, int]:
    """Write ``run_dir/review.html`` and its data file; returns the page and the number of
    segments needing a decision."""
    data = review_data(run_dir)
    out = Path(run_dir)
    atomic.write_text(out / DATA_FILE, _sidecar(data))
    page = out / "review.html"
    atomic.write_text(page, render_page(data["run"], DATA_FILE))
    return page, int(data["summary"]["needing"])

"""``mtclean review apply DIR DECISIONS.json``: rebuild the cleaned outputs with only what an
editor accepted, plus the text they typed.

Three steps, kept apart so the last one can move to a new writer without touching the others:

1. ``load_decisions``: read and validate the exported file. It must be a regular file under a
   size cap, JSON (not nested beyond what Python parses, no giant integers), carry this run's
   fingerprint, and name only segments and hits of this run. Anything else is a one-line
   error, exit 2.
2. ``overrides``: per segment, its final text under the decisions (``None`` when dropped), for
   every segment whose final text is not its original one.
3. ``rebuild_cleaned(out_dir, overrides)``: rewrite ``cleaned/`` from the inputs.

Per segment: an ``edits`` entry wins; else ``accept`` takes the run's proposal (its output, or
its drop) without the hits rejected and with the flagged hits accepted; ``reject`` keeps the
original text; no decision keeps the original text plus only the hits accepted one by one.
Edited text is checked again by the run's segment-level checks and the findings are reported.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.core.context import Context
from pipeline.core.schema import COLUMNS, new_row
from pipeline.decisions import remap
from pipeline.errors import ConfigError, InputError, UsageError
from pipeline.readers import format_for, iter_records
from pipeline.readers.source import check_regular
from pipeline.readers.tm import TargetText
from pipeline.records import Record
from pipeline.registry import STAGES
from pipeline.review.page import load_segments, load_summary, run_fingerprint
from pipeline.shards import new_target
from pipeline.writers import atomic
from pipeline.writers.cleaned import compressed_writer, write_cleaned

MAX_DECISIONS_BYTES = 64 << 20
MAX_EDIT_CHARS = 1 << 20
VERDICTS = ("accept", "reject")
KINDS = ("segments", "hits", "edits", "flags", "choices")

SegKey = tuple[str, str, int]


@dataclass
class Decisions:
    """A validated decisions file: verdicts and edits by segment, verdicts by hit."""

    segments: dict[SegKey, str] = field(default_factory=dict)
    hits: dict[tuple[str, str, int, int], str] = field(default_factory=dict)
    edits: dict[SegKey, str] = field(default_factory=dict)
    # Version 3: flags judged one by one (segment key + check name), a candidate chosen per
    # segment (its text), and the decisions of another run that could not be placed here.
    flags: dict[tuple[str, str, int, str], str] = field(default_factory=dict)
    choices: dict[SegKey, str] = field(default_factory=dict)
    stale: list[Any] = field(default_factory=list)


def _shown(key: object) -> str:
    """A key as it appears in a message: JSON, cut short, never more than one line."""
    text = json.dumps(key, ensure_ascii=True)
    return text if len(text) <= 120 else text[:117] + "..."


def read_decisions_json(path: str) -> Any:
    """The parsed decisions file; every way it can be unusable is a one-line error."""
    check_regular(path)  # a folder, FIFO or device is refused before any read
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_DECISIONS_BYTES + 1)
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    if len(raw) > MAX_DECISIONS_BYTES:
        raise InputError(path, f"decisions file larger than {MAX_DECISIONS_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(path, f"not UTF-8 (byte {err.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise InputError(path, f"not a decisions JSON file: {err.msg}", line=err.lineno) from None
    except RecursionError:
        raise InputError(path, "not a decisions JSON file: nested too deeply") from None
    except ValueError as err:  # an integer over Python's digit limit, NaN/Infinity
        reason = str(err).splitlines()[0].split(";")[0] if str(err) else "unreadable number"
        raise InputError(path, f"not a decisions JSON file: {reason}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def load_decisions(path: str, run_dir: str) -> Decisions:
    """Validate ``path`` against the run in ``run_dir``."""
    data = read_decisions_json(path)
    if not isinstance(data, dict):
        raise UsageError(f'{path}: expected {{"fingerprint": ..., "segments": {{...}}, ...}}')
    unknown = sorted(set(data) - {"version", "fingerprint", "run", *KINDS, "anchors"})
    if unknown:
        raise UsageError(f"{path}: unknown key {_shown(unknown[0])}")
    if data.get("version", 2) not in (1, 2, 3):
        raise UsageError(f"{path}: unknown decisions version {_shown(data.get('version'))}")
    expected = run_fingerprint(load_summary(run_dir))
    got = data.get("fingerprint")
    if not isinstance(got, str):
        raise UsageError(
            f"{path}: no run fingerprint; export the decisions again from this run's review page"
        )
    for kind in (*KINDS, "anchors"):
        if not isinstance(data.get(kind, {}), dict):
            raise UsageError(f"{path}: {kind!r} must be an object")
    segs = load_segments(run_dir)
    stale: list[Any] = []
    if got != expected:
        if not data.get("anchors"):
            raise UsageError(
                f"{path}: decisions are for another run (fingerprint {_shown(got)}, "
                f"this run is {_shown(expected)}) and carry no content keys; "
                "export them again from a current review page"
            )
        data, stale = remap(data, segs)  # placed by content; the rest is reported
    known = {(s.get("file") or "", s["record"], s["index"]): s for s in segs}
    out = Decisions(stale=stale)
    for key, value in data.get("segments", {}).items():
        k = _seg_key(path, "segments", key, known)
        if value not in VERDICTS:
            raise UsageError(f"{path}: segments[{_shown(key)}] must be 'accept' or 'reject'")
        out.segments[k] = value
    for key, value in data.get("edits", {}).items():
        k = _seg_key(path, "edits", key, known)
        if not isinstance(value, str):
            raise UsageError(f"{path}: edits[{_shown(key)}] must be a string")
        if len(value) > MAX_EDIT_CHARS:
            raise UsageError(f"{path}: edits[{_shown(key)}] is longer than {MAX_EDIT_CHARS}")
        if any("\ud800" <= c <= "\udfff" for c in value):
            raise UsageError(f"{path}: edits[{_shown(key)}] is not valid Unicode (lone surrogate)")
        out.edits[k] = value
    for key, value in data.get("choices", {}).items():
        k = _seg_key(path, "choices", key, known)
        text = value.get("text") if isinstance(value, dict) else None
        if not isinstance(text, str) or len(text) > MAX_EDIT_CHARS:
            raise UsageError(f"{path}: choices[{_shown(key)}] must name a candidate's text")
        if text not in {c.get("text") for c in known[k].get("candidates") or []}:
            raise UsageError(f"{path}: choices[{_shown(key)}] is not a candidate of that segment")
        out.choices[k] = text
    for key, value in data.get("flags", {}).items():
        parts = _parse_flag_key(key)
        if parts is None or parts[:3] not in known:
            raise UsageError(f"{path}: flag {_shown(key)} is not in this run")
        if value not in VERDICTS:
            raise UsageError(f"{path}: flags[{_shown(key)}] must be 'accept' or 'reject'")
        out.flags[parts] = value
    for key, value in data.get("hits", {}).items():
        parts = _parse_key(key, 4)
        seg = known.get(parts[:3]) if parts else None  # type: ignore[index]
        if parts is None or seg is None or not 0 <= parts[3] < len(seg.get("glossary") or []):
            raise UsageError(f"{path}: hit {_shown(key)} is not in this run")
        if value not in VERDICTS:
            raise UsageError(f"{path}: hits[{_shown(key)}] must be 'accept' or 'reject'")
        out.hits[parts] = value  # type: ignore[index]
    return out


def _parse_key(key: str, n: int) -> tuple[Any, ...] | None:
    try:
        parts = json.loads(key)
    except (ValueError, RecursionError):
        return None
    ok = (
        isinstance(parts, list)
        and len(parts) == n
        and isinstance(parts[0], str)
        and isinstance(parts[1], str)
        and all(isinstance(p, int) and not isinstance(p, bool) for p in parts[2:])
    )
    return tuple(parts) if ok else None


def _parse_flag_key(key: str) -> tuple[str, str, int, str] | None:
    try:
        parts = json.loads(key)
    except (ValueError, RecursionError):
        return None
    ok = (
        isinstance(parts, list)
        and len(parts) == 4
        and all(isinstance(p, str) for p in (parts[0], parts[1], parts[3]))
        and isinstance(parts[2], int)
        and not isinstance(parts[2], bool)
    )
    return tuple(parts) if ok else None  # type: ignore[return-value]


def _seg_key(path: str, kind: str, key: str, known: dict[SegKey, Any]) -> SegKey:
    parts = _parse_key(key, 3)
    if parts is None or parts not in known:
        raise UsageError(f"{path}: segment {_shown(key)} in {kind!r} is not in this run")
    return parts  # type: ignore[return-value]


def _apply_hits(base: str, hits: list[dict[str, Any]]) -> str:
    for h in sorted(hits, key=lambda h: h["start"], reverse=True):
        base = base[: h["start"]] + h["replacement"] + base[h["end"] :]
    return base


def resolve(seg: dict[str, Any], key: SegKey, d: Decisions) -> str | None:
    """The segment's final text under the decisions; None when it is dropped."""
    if key in d.edits:
        return d.edits[key]
    if key in d.choices:
        return d.choices[key]
    verdict = d.segments.get(key)
    if verdict == "reject":
        return str(seg["target"])
    editable = [
        (h, d.hits.get((*key, i)))
        for i, h in enumerate(seg.get("glossary") or [])
        if h["action"] in ("replaced", "flagged")
        and h["start"] is not None
        and h["replacement"] is not None
    ]
    if verdict == "accept":
        if seg["decision"] == "dropped":
            return None
        if not editable:
            return str(seg["output"])
        base = seg.get("glossary_base") or seg["target"]
        chosen = [
            h
            for h, v in editable
            if (h["action"] == "replaced" and v != "reject")
            or (h["action"] == "flagged" and v == "accept")
        ]
        return _apply_hits(base, chosen)
    target = str(seg["target"])
    # Offsets index the text the glossary saw; only use them where that is the target.
    chosen = [
        h for h, v in editable if v == "accept" and target[h["start"] : h["end"]] == h["match"]
    ]
    return _apply_hits(target, chosen)


def overrides(segs: list[dict[str, Any]], d: Decisions) -> dict[SegKey, str | None]:
    """Final text (None: dropped) of every segment that does not keep its original text."""
    out: dict[SegKey, str | None] = {}
    for s in segs:
        key = (s.get("file") or "", s["record"], s["index"])
        text = resolve(s, key, d)
        if text != s["target"]:
            out[key] = text
    return out


def recheck(
    run_dir: str, segs: list[dict[str, Any]], edits: dict[SegKey, str]
) -> dict[SegKey, list[dict[str, Any]]]:
    """The flags the run's own segment checks raise on each edited text: the run's effective
    config (its checks, their options, its termbases) and each record's language pair, read
    again from the run's input, judged through one worker context."""
    if not edits:
        return {}
    summary = load_summary(run_dir)
    try:
        cfg = Config.from_effective(
            summary.get("effective_config") or {}, str(summary.get("config"))
        )
    except ConfigError as err:
        raise UsageError(f"{run_dir}/summary.json: {err}") from None
    stages = [n for n in summary.get("stages") or cfg.run.stages if n in STAGES]
    context = Context(cfg.context_spec(stages))
    langs = _record_languages(summary, {k[:2] for k in edits}, cfg)
    by_key = {(s.get("file") or "", s["record"], s["index"]): s for s in segs}
    result: dict[SegKey, list[dict[str, Any]]] = {}
    for key, text in edits.items():
        seg = by_key[key]
        fields = {k: seg[k] for k in ("file", "record", "index", "doc", "source", "start")}
        fields = {k: v for k, v in fields.items() if k in COLUMNS and v is not None}
        src, tgt = langs.get(key[:2], (cfg.input.src_lang, cfg.input.tgt_lang))
        row = new_row(seg["target"], src_lang=src, tgt_lang=tgt, **fields)
        result[key] = list(context.judge(row, text))
    return result


def _record_languages(
    summary: dict[str, Any], wanted: set[tuple[str, str]], cfg: Config
) -> dict[tuple[str, str], tuple[str | None, str]]:
    """The language pair of each wanted record, as the run's reader gave it."""
    outputs: dict[str, str] = summary.get("outputs") or {}
    out: dict[tuple[str, str], tuple[str | None, str]] = {}
    for path, real in zip(outputs, summary.get("inputs") or [], strict=False):
        if not any(f == path for f, _ in wanted) or not Path(real).is_file():
            continue
        for rec in iter_records(real, None, cfg.input.src_lang, cfg.input.tgt_lang):
            if isinstance(rec, Record) and (path, rec.id) in wanted:
                out[(path, rec.id)] = (rec.src_lang, rec.tgt_lang or cfg.input.tgt_lang)
    return out


def rebuild_cleaned(
    out_dir: str,
    overrides: dict[SegKey, str | None],
    edits: dict[SegKey, str | None] | None = None,
    skipped: list[tuple[SegKey, str]] | None = None,
) -> dict[str, int]:
    """Rewrite ``out_dir/cleaned/*`` from the run's inputs.

    Contract: every segment ``(file, record, index)`` of the run (as in ``segments.jsonl``) gets
    ``overrides[key]`` when present (``None``: the segment is dropped, with the drop rule of
    its format) and its original input text otherwise; everything else in each input is copied
    byte for byte. Returns counts: ``files`` rewritten, segments ``changed``, ``dropped``.

    ``edits`` names the overrides an editor typed, each with the text the segment has without
    the edit: an edited unit is checked against its source (``review.validate``), and an edit
    that fails is skipped for that text. A unit whose decided text its format cannot write
    keeps its original text. Both land in ``skipped`` as (segment, reason).
    """
    from pipeline.review.validate import edit_problem, items_with_edits

    edits = edits or {}
    skipped = skipped if skipped is not None else []
    segs = load_segments(out_dir)
    summary = load_summary(out_dir)
    # Inputs as named in segments.jsonl, their absolute paths (so this works from any folder)
    # and their cleaned copies.
    outputs: dict[str, str] | None = summary.get("outputs")
    if outputs is None or len(outputs) != len(summary.get("inputs") or []):
        raise UsageError(
            f"{Path(out_dir) / 'summary.json'}: unreadable summary: "
            "'inputs' and 'outputs' must name the same files"
        )
    inputs = list(zip(outputs, summary["inputs"], outputs.values(), strict=True))
    tgt_lang = (summary.get("effective_config") or {}).get("input", {}).get("tgt_lang", "en")
    by_file: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for s in segs:
        by_file.setdefault(s.get("file") or "", {}).setdefault(s["record"], []).append(s)
    stats: Counter[str] = Counter()
    plans = []  # every file is checked before any is written: no half-applied decisions
    for _, _, cleaned_name in inputs:
        _confined(out_dir, cleaned_name)
    for path, real, cleaned_name in inputs:
        items = list(iter_records(real, tgt_lang=tgt_lang))
        fmt = format_for(real)
        records = by_file.get(path, {})
        new_targets: dict[str, str] = {}
        trusted: set[str] = set()
        for rec in items:
            if not isinstance(rec, Record):
                continue
            rows = records.get(rec.id)
            if rows is None:
                continue
            if "".join(r["target"] for r in rows) != "".join(
                rec.target[r["start"] : r["end"]] for r in rows
            ):
                raise UsageError(f"{real}: record {rec.id!r} changed since the run; run again")
            keys = [(path, r["record"], r["index"]) for r in rows]
            texts = {k: overrides.get(k, r["target"]) for k, r in zip(keys, rows, strict=True)}
            nt = _record_target(rec, rows, keys, texts, overrides)
            mine = [k for k in keys if k in edits]
            if nt is not None and mine:
                problem = edit_problem(rec, nt)
                if problem is None and not isinstance(rec.extra, TargetText):
                    # Plain formats have no source check; what the format cannot hold (a tab
                    # or line break in a TSV cell) is refused here, as for the run's fixes.
                    problem = fmt.render_problem(rec, nt)
                if problem is None:
                    trusted.add(rec.id)
                else:  # the edit is skipped; the unit gets what it had without it
                    skipped.extend((k, problem) for k in mine)
                    texts.update({k: edits[k] for k in mine})
                    nt = _record_target(rec, rows, keys, texts, overrides)
            if nt is not None and rec.id not in trusted:
                problem = fmt.render_problem(rec, nt)
                if problem is not None:
                    hint = (
                        " (keep every inline tag ⟨n⟩ and placeholder)"
                        if isinstance(rec.extra, TargetText)
                        else ""
                    )
                    skipped.extend(
                        (k, f"{problem}{hint}")
                        for k, r in zip(keys, rows, strict=True)
                        if texts[k] != r["target"]
                    )
                    texts = {k: r["target"] for k, r in zip(keys, rows, strict=True)}
                    nt = None
            for k, r in zip(keys, rows, strict=True):
                text = texts[k]
                stats[
                    "dropped" if text is None else "changed" if text != r["target"] else "kept"
                ] += 1
            if nt is not None:
                new_targets[rec.id] = nt
        plans.append((real, cleaned_name, items, new_targets, fmt, trusted))
    for real, cleaned_name, items, new_targets, fmt, trusted in plans:
        with atomic.atomic_open(Path(out_dir) / cleaned_name, "wb") as raw:
            out = compressed_writer(cleaned_name, raw)
            write_cleaned(real, items_with_edits(fmt, items, new_targets, trusted), out)
            if out is not raw:
                out.close()
        stats["files"] += 1
    return dict(stats)


def _confined(out_dir: str, name: object) -> None:
    """Refuse an output name from summary.json that would write outside ``out_dir/cleaned/``:
    ``../x``, an absolute path, or a path through a symlink (``cleaned/`` itself included)."""
    root = Path(out_dir)
    if not isinstance(name, str) or not name.startswith("cleaned/"):
        raise UsageError(f"{root / 'summary.json'}: output {_shown(name)} is not under cleaned/")
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts:
        raise UsageError(f"{root / 'summary.json'}: output {_shown(name)} leaves {root}")
    here = root
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            raise UsageError(f"{here}: is a symlink; review apply writes only inside {root}")


def _record_target(
    rec: Any,
    rows: list[dict[str, Any]],
    keys: list[SegKey],
    texts: dict[SegKey, str | None],
    overrides: dict[SegKey, str | None],
) -> str | None:
    """The record's new target from its segments' texts (None: unchanged)."""

    resolved = [
        {
            **r,
            "output": "" if texts[k] is None else texts[k],
            "decision": "dropped" if k in overrides and texts[k] is None else "kept",
        }
        for k, r in zip(keys, rows, strict=True)
    ]
    return new_target(rec.target, resolved)


@dataclass
class ApplyResult:
    """What ``review apply`` did: rebuild counts and the re-check of each edited segment;
    edits skipped (segment, reason), decisions of another run that no longer apply, and the
    suppressions file the rejected flags went to."""

    stats: dict[str, int]
    edits: dict[SegKey, list[dict[str, Any]]]
    skipped: list[tuple[SegKey, str]] = field(default_factory=list)
    stale: list[Any] = field(default_factory=list)
    suppressions: tuple[Path, int, int] | None = None  # (file, rejected flags, new lines)

    @property
    def exit_code(self) -> int:
        """3 when an edit was skipped (the rest was applied), else 0."""
        return 3 if self.skipped else 0


def rejected_flags(segs: list[dict[str, Any]], d: Decisions) -> list[dict[str, Any]]:
    """Suppression lines for the flags the editor rejected: each flag marked a false alarm,
    and every flag of a rejected segment that was not marked right."""
    from pipeline.decisions import suppression

    out = []
    for s in segs:
        key = (s.get("file") or "", s["record"], s["index"])
        seg_rejected = d.segments.get(key) == "reject"
        seen = set()
        for f in s.get("flags") or []:
            verdict = d.flags.get((*key, f["check"]))
            if f["check"] in seen or verdict == "accept":
                continue
            if verdict == "reject" or seg_rejected:
                seen.add(f["check"])
                out.append(suppression(s, f["check"], (f.get("evidence") or {}).get("reason")))
    return out


def apply_decisions(
    run_dir: str, decisions_path: str, suppressions_path: str | None = None
) -> ApplyResult:
    """Validate the decisions, rebuild ``cleaned/`` (edits checked against the source, bad
    ones skipped), re-check the edited segments, and record the rejected flags as
    suppressions (``DIR/suppressions.jsonl`` unless ``suppressions_path`` names another)."""
    from pipeline.decisions import SUPPRESSIONS_FILE, merge_suppressions

    d = load_decisions(decisions_path, run_dir)
    segs = load_segments(run_dir)
    typed = {**d.choices, **d.edits}
    without = Decisions(segments=d.segments, hits=d.hits, flags=d.flags)
    by_key = {(s.get("file") or "", s["record"], s["index"]): s for s in segs}
    fallback = {k: resolve(by_key[k], k, without) for k in typed}
    skipped: list[tuple[SegKey, str]] = []
    stats = rebuild_cleaned(run_dir, overrides(segs, d), fallback, skipped)
    bad = {k for k, _ in skipped}
    stats["edited"] = len([k for k in typed if k not in bad])
    rejected = rejected_flags(segs, d)
    target = Path(suppressions_path) if suppressions_path else Path(run_dir) / SUPPRESSIONS_FILE
    added = merge_suppressions(target, rejected) if rejected or suppressions_path else 0
    return ApplyResult(
        stats,
        recheck(run_dir, segs, {k: v for k, v in typed.items() if k not in bad}),
        skipped,
        d.stale,
        (target, len(rejected), added) if rejected or suppressions_path else None,
    )


def report_lines(result: ApplyResult, run_dir: str, decisions_path: str) -> list[str]:
    """What the command prints: one line for the rebuild, one per edited segment, skipped
    edit and stale decision, and one for the suppressions."""
    s = result.stats
    lines = [
        f"mtclean: applied {decisions_path}: {s.get('changed', 0)} segments changed "
        f"({s.get('edited', 0)} edited), {s.get('dropped', 0)} dropped, {s.get('kept', 0)} kept; "
        f"rewrote {s.get('files', 0)} file(s) in {Path(run_dir) / 'cleaned'}/"
    ]
    for key, why in result.skipped:
        lines.append(f"mtclean: edit {_shown(list(key))}: SKIPPED: {why}")
    for key, flags in result.edits.items():
        shown = _shown(list(key))
        if not flags:
            lines.append(f"mtclean: edit {shown}: checks pass")
        for f in flags:
            lines.append(
                f"mtclean: edit {shown}: {f['check']} ({f['severity']}): {f['evidence']['reason']}"
            )
    for st in result.stale:
        lines.append(
            f"mtclean: stale decision {st.kind} {_shown(st.key)}: {st.reason}; not applied"
        )
    if result.suppressions is not None:
        path, n, added = result.suppressions
        lines.append(
            f"mtclean: {n} rejected flag(s), {added} new -> {path} "
            "(pass it to later runs with --suppressions)"
        )
    return lines

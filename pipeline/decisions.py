"""Decisions keyed by content, so they outlive the run they were made in.

The review page keys a decision by the segment's place in one run (``[file, record, index]``).
Next to those keys it exports an *anchor* per segment: the file's name, the record id, and
hashes of the source and target text (``anchors``), plus the term and match of each decided
glossary hit. A later run, with another config, glossary or inputs, has another fingerprint;
``remap`` then finds each decided segment again by its anchor (same file name, record, source
and target text; the index may differ) and re-keys the decision to this run. A decision whose
text changed, or whose hit is gone, is *stale*: reported, never applied.

Rejected flags (a flag the editor marked as a false alarm, or every flag of a segment whose
proposal was rejected) become *suppressions*: one JSON line per (file name, record, source
hash, target hash, check), the way Xbench keeps its saved marks. The ``suppress`` stage
(``pipeline.stages.suppress``) removes matching flags in later runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

SUPPRESSIONS_FILE = "suppressions.jsonl"


def text_hash(text: str | None) -> str | None:
    """A short, stable hash of a text (None stays None): 16 hex digits of SHA-256."""
    if text is None:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def file_name(path: str | None) -> str:
    """The part of a file path that stays the same when the archive moves: its name."""
    return Path(path or "").name


def anchor(seg: dict[str, Any]) -> dict[str, Any]:
    """The content key of a ``segments.jsonl`` row."""
    return {
        "file": file_name(seg.get("file")),
        "record": seg["record"],
        "source": text_hash(seg.get("source")),
        "target": text_hash(seg["target"]),
    }


@dataclass(frozen=True)
class Stale:
    """A decision that no longer applies: its key in the decisions file and why."""

    kind: str
    key: str
    reason: str


Index = dict[tuple[Any, ...], list[dict[str, Any]]]


def _find(anc: Any, index: int, by_content: Index) -> dict[str, Any] | None:
    """The segment an anchor names: same file name, record, source and target (the index
    may differ); failing that, the one segment of that file with that source and target (a
    plain-text record id is its line number, which moves when lines are added above)."""
    if not isinstance(anc, dict):
        return None
    found = by_content.get(
        (anc.get("file"), anc.get("record"), anc.get("source"), anc.get("target"))
    )
    if found:
        return next((s for s in found if s["index"] == index), found[0])
    moved = by_content.get((anc.get("file"), None, anc.get("source"), anc.get("target")))
    return moved[0] if moved and len(moved) == 1 else None


def _content_index(segs: Iterable[dict[str, Any]]) -> Index:
    out: Index = {}
    for s in segs:
        a = anchor(s)
        out.setdefault((a["file"], a["record"], a["source"], a["target"]), []).append(s)
        out.setdefault((a["file"], None, a["source"], a["target"]), []).append(s)
    return out


def _key(seg: dict[str, Any], *rest: Any) -> str:
    parts = [seg.get("file") or "", seg["record"], seg["index"], *rest]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def remap(data: dict[str, Any], segs: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Stale]]:
    """``data`` (a decisions file of another run) with its keys rewritten to this run's
    segments by content, and the decisions that could not be placed."""
    anchors = data.get("anchors")
    anchors = anchors if isinstance(anchors, dict) else {}
    index = _content_index(segs)
    out: dict[str, Any] = {k: v for k, v in data.items() if k != "anchors"}
    stale: list[Stale] = []
    for kind in ("segments", "edits", "choices", "flags", "hits"):
        entries = data.get(kind)
        if not isinstance(entries, dict):
            continue
        moved: dict[str, Any] = {}
        for key, value in entries.items():
            try:
                parts = json.loads(key)
            except (ValueError, RecursionError):
                parts = None
            if not (isinstance(parts, list) and len(parts) >= 3 and isinstance(parts[2], int)):
                stale.append(Stale(kind, key, "not a segment key"))
                continue
            seg_key = json.dumps(parts[:3], ensure_ascii=False, separators=(",", ":"))
            seg = _find(anchors.get(seg_key), parts[2], index)
            if seg is None:
                why = "no content key" if seg_key not in anchors else "text changed or gone"
                stale.append(Stale(kind, key, why))
                continue
            if kind == "hits":
                n = _same_hit(anchors.get(key), seg)
                if n is None:
                    stale.append(Stale(kind, key, "glossary hit gone"))
                    continue
                moved[_key(seg, n)] = value
            elif kind == "flags":
                check = parts[3] if len(parts) == 4 else None
                moved[_key(seg, check)] = value  # a flag gone is harmless: nothing to apply
            else:
                moved[_key(seg)] = value
        out[kind] = moved
    return out, stale


def _same_hit(anc: Any, seg: dict[str, Any]) -> int | None:
    """The index of the hit in ``seg`` with the anchor's term and match."""
    if not isinstance(anc, dict):
        return None
    for n, h in enumerate(seg.get("glossary") or []):
        if h.get("term") == anc.get("term") and h.get("match") == anc.get("match"):
            return n
    return None


# -- suppressions -------------------------------------------------------------------------


def suppression(seg: dict[str, Any], check: str, evidence: str | None = None) -> dict[str, Any]:
    """One suppression line: a flag of ``check`` on this content is a false alarm."""
    entry = {**anchor(seg), "check": check}
    if evidence:
        entry["evidence"] = evidence[:200]  # for the person who reads the file
    return entry


def suppression_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry.get("file"),
        entry.get("record"),
        entry.get("source"),
        entry.get("target"),
        entry.get("check"),
    )


def read_suppressions(path: str) -> list[dict[str, Any]]:
    """Every line of a suppressions file; a bad line is a one-line error naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such suppressions file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, f"cannot read suppressions: {err}") from None
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as err:
            raise InputError(path, f"malformed JSON: {err}", n) from None
        if not (
            isinstance(obj, dict)
            and isinstance(obj.get("check"), str)
            and isinstance(obj.get("record"), str)
            and isinstance(obj.get("target"), str)
        ):
            raise InputError(path, "expected an object with check, record and target", n)
        out.append(obj)
    return out


def merge_suppressions(path: Path, entries: list[dict[str, Any]]) -> int:
    """Add ``entries`` to the suppressions file at ``path`` (created when missing), each once;
    returns how many were new."""
    from pipeline.writers import atomic

    old = read_suppressions(str(path)) if path.is_file() else []
    seen = {suppression_key(e) for e in old}
    new = []
    for e in entries:
        k = suppression_key(e)
        if k not in seen:
            seen.add(k)
            new.append(e)
    if new or not path.is_file():
        lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in [*old, *new]]
        atomic.write_text(path, "".join(line + "\n" for line in lines))
    return len(new)

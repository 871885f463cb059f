"""``mtclean review apply DIR DECISIONS.json``: rebuild the cleaned outputs from the original
inputs with only the changes an editor accepted.

Per segment: ``accept`` takes the run's proposal (its output, or its drop) without the hits
rejected and with the flagged hits accepted; ``reject`` keeps the original text; no decision
keeps the original text plus only the hits accepted one by one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.readers import iter_records
from pipeline.records import Record
from pipeline.review.page import load_segments, segment_key
from pipeline.shards import cleaned_items, new_target
from pipeline.writers import atomic
from pipeline.writers.cleaned import compressed_writer, write_cleaned


def load_decisions(path: str) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such decisions file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not a decisions JSON file ({err})") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("segments", {}), dict)
        or not isinstance(data.get("hits", {}), dict)
    ):
        raise UsageError(f'{path}: expected {{"segments": {{...}}, "hits": {{...}}}}')
    for kind in ("segments", "hits"):
        for key, value in data.get(kind, {}).items():
            if value not in ("accept", "reject"):
                raise UsageError(f"{path}: {kind}[{key!r}] must be 'accept' or 'reject'")
    return {"segments": data.get("segments", {}), "hits": data.get("hits", {})}


def _apply_hits(base: str, hits: list[tuple[int, dict[str, Any]]]) -> str:
    for _, h in sorted(hits, key=lambda x: x[1]["start"], reverse=True):
        base = base[: h["start"]] + h["replacement"] + base[h["end"] :]
    return base


def resolve(seg: dict[str, Any], decisions: dict[str, dict[str, str]]) -> tuple[str, bool]:
    """The segment's final text and whether it is dropped, under the editor's decisions."""
    key = segment_key(seg)
    verdict = decisions["segments"].get(key)
    if verdict == "reject":
        return seg["target"], False
    hit_verdicts = [
        (i, h, decisions["hits"].get(f"{key}#{i}")) for i, h in enumerate(seg["glossary"])
    ]
    editable = [
        (i, h, v)
        for i, h, v in hit_verdicts
        if h["action"] in ("replaced", "flagged")
        and h["start"] is not None
        and h["replacement"] is not None
    ]
    if verdict == "accept":
        if seg["decision"] == "dropped":
            return "", True
        base = seg.get("glossary_base") or seg["target"]
        chosen = [
            (i, h)
            for i, h, v in editable
            if (h["action"] == "replaced" and v != "reject")
            or (h["action"] == "flagged" and v == "accept")
        ]
        return _apply_hits(base, chosen), False
    chosen = [(i, h) for i, h, v in editable if v == "accept"]
    target = seg["target"]
    # Offsets index the text the glossary saw; only use them where that is the target.
    chosen = [(i, h) for i, h in chosen if target[h["start"] : h["end"]] == h["match"]]
    return _apply_hits(target, chosen), False


def apply_decisions(run_dir: str, decisions_path: str) -> dict[str, int]:
    """Rewrite ``run_dir/cleaned/*`` from the inputs and the accepted changes only."""
    decisions = load_decisions(decisions_path)
    segs = load_segments(run_dir)
    summary_path = Path(run_dir) / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    # Inputs as given on the command line (segments name them so), their absolute paths (so
    # this works from any folder) and their cleaned copies.
    given = list(summary["outputs"])
    inputs = list(zip(given, summary["inputs"], summary["outputs"].values(), strict=True))
    by_file: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for s in segs:
        by_file.setdefault(s["file"], {}).setdefault(s["record"], []).append(s)
    stats: Counter[str] = Counter()
    known = {segment_key(s) for s in segs}
    for key in decisions["segments"]:
        if key not in known:
            raise UsageError(f"{decisions_path}: segment {key!r} is not in this run")
    for path, real, cleaned_name in inputs:
        items = list(iter_records(real))
        records = by_file.get(path, {})
        new_targets: dict[str, str] = {}
        for rec in items:
            if not isinstance(rec, Record):
                continue
            rows = records.get(rec.id)
            if rows is None:
                continue
            if "".join(r["target"] for r in rows) != "".join(
                rec.target[r["start"] : r["end"]] for r in rows
            ):
                raise UsageError(f"{real}: record {rec.id} changed since the run; run again")
            resolved = []
            for r in rows:
                text, dropped = resolve(r, decisions)
                stats["dropped" if dropped else "changed" if text != r["target"] else "kept"] += 1
                resolved.append({**r, "output": text, "decision": "dropped" if dropped else "kept"})
            nt = new_target(rec.target, resolved)
            if nt is not None:
                new_targets[rec.id] = nt
        with atomic.atomic_open(Path(run_dir) / cleaned_name, "wb") as raw:
            out = compressed_writer(cleaned_name, raw)
            write_cleaned(real, cleaned_items(real, items, new_targets), out)
            if out is not raw:
                out.close()
        stats["files"] += 1
    return dict(stats)

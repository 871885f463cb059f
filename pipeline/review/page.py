"""``mtclean review DIR``: write ``DIR/review.html`` listing every glossary hit and flagged
segment in context, with filters, accept/reject per hit and per segment, and a JSON export.

The page is one file with no external assets (it works offline, from a file:// URL). Archive
text is untrusted: it travels as JSON inside a non-executable script element with ``<``, ``>``
and ``&`` escaped, and the page only ever inserts it with ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.writers import atomic

TEMPLATE = Path(__file__).with_name("review.html")


def segment_key(seg: dict[str, Any]) -> str:
    """Stable id of a segment in a run: ``file::record::index``."""
    return f"{seg.get('file', '')}::{seg['record']}::{seg['index']}"


def load_segments(run_dir: str) -> list[dict[str, Any]]:
    path = Path(run_dir) / "segments.jsonl"
    if not path.is_file():
        raise UsageError(f"{run_dir}: not a finished run (no segments.jsonl)")
    segs = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                segs.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise UsageError(f"{path}:{n}: malformed JSON: {err.msg}") from None
    return segs


def review_items(segs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Segments an editor must see: any glossary hit, any flag, or any change."""
    items = []
    for i, s in enumerate(segs):
        changed = s["output"] != s["target"] or s["decision"] == "dropped"
        if not (s["glossary"] or s["flags"] or changed):
            continue
        same_record = [
            x
            for x in segs[max(0, i - 3) : i + 4]
            if x["record"] == s["record"] and x.get("file") == s.get("file")
        ]
        before = " ".join(x["target"] for x in same_record if x["index"] < s["index"])
        after = " ".join(x["target"] for x in same_record if x["index"] > s["index"])
        items.append(
            {
                "key": segment_key(s),
                "file": Path(s.get("file") or "").name,
                "record": s["record"],
                "index": s["index"],
                "target": s["target"],
                "base": s.get("glossary_base"),
                "output": s["output"],
                "decision": s["decision"],
                "garble_score": s["garble_score"],
                "garbled": s["garbled"],
                "flags": s["flags"],
                "glossary": s["glossary"],
                "before": before[-300:],
                "after": after[:300],
            }
        )
    return items


def _embed(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def write_review(run_dir: str) -> tuple[Path, int]:
    """Write ``run_dir/review.html``; returns its path and the number of items."""
    segs = load_segments(run_dir)
    items = review_items(segs)
    page = TEMPLATE.read_text(encoding="utf-8")
    page = page.replace("__TITLE__", html.escape(Path(run_dir).resolve().name))
    page = page.replace("__DATA__", _embed({"run": str(Path(run_dir).resolve()), "items": items}))
    out = Path(run_dir) / "review.html"
    atomic.write_text(out, page)
    return out, len(items)

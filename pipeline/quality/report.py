"""``DIR/report.html``: a run at a glance, offline, from ``segments.jsonl`` and ``summary.json``.

Charts are inline SVG built from numbers (flags per check, decisions, the ``quality`` distribution
before and after, reference metrics before and after); the worst segments by ``quality`` are
listed with each flag's evidence highlighted. Segments are streamed and only the worst ``worst``
are kept, so the report costs the same memory for any archive size. Every piece of archive text
goes through Jinja2's autoescaping: nothing from the archive is ever markup.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipeline.quality.model import SHIPPED
from pipeline.quality.regress import read_segments
from pipeline.writers import atomic

TEMPLATE = "report.html"
BINS = 10


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in SVG user units."""

    x: float
    y: float
    w: float
    h: float
    label: str
    value: str
    series: int = 0


AXIS_H = 30  # room under a horizontal bar chart for its axis, ticks and title


def _fractions(top: float) -> tuple[float, ...]:
    """Where the ticks go: 0, the middle when it is a whole number, and the top."""
    return (0.0, 0.5, 1.0) if (top / 2) == int(top / 2) else (0.0, 1.0)


def _tick(v: float) -> str:
    return f"{v:g}" if v == int(v) else f"{v:.2f}"


def _h_axis(x0: float, span: float, top: float, y: float, title: str = "") -> dict[str, Any]:
    """The value axis under a horizontal bar chart: ticks at 0, half and the top value."""
    return {
        "axis_y": y,
        "xticks": [(x0 + span * f, _tick(top * f)) for f in _fractions(top)],
        "axis_x0": x0,
        "axis_x1": x0 + span,
        "xtitle": title,
    }


def bar_chart(
    items: list[tuple[str, float]], width: int = 520, row: int = 22, x_title: str = "segments"
) -> dict[str, Any]:
    """Horizontal bars: one per (label, value), each with its value, over a value axis."""
    top = max((v for _, v in items), default=0) or 1
    label_w = 170
    bars = [
        Bar(
            label_w,
            i * row + 2,
            max(1.0, (width - label_w - 60) * v / top) if v else 0.0,
            row - 6,
            label,
            f"{v:g}",
        )
        for i, (label, v) in enumerate(items)
    ]
    height = max(row, row * len(items) + 4)
    return {
        "width": width,
        "height": height + AXIS_H,
        "bars": bars,
        "kind": "h",
        **_h_axis(label_w, width - label_w - 60, top, height, x_title),
    }


def grouped_chart(
    groups: list[str],
    series: list[tuple[str, list[float]]],
    top: float | None = None,
    x_title: str = "",
    y_title: str = "",
) -> dict[str, Any]:
    """Vertical bars: for each group, one bar per series (e.g. before/after)."""
    width, height, base = 520, 200, 170
    top = top or max((v for _, vals in series for v in vals), default=0) or 1
    slot = (width - 40) / max(1, len(groups))
    bw = slot / (len(series) + 1)
    bars = []
    for g, group in enumerate(groups):
        for s, (_, vals) in enumerate(series):
            v = vals[g]
            h = (base - 20) * v / top
            x = 30 + g * slot + s * bw
            bars.append(Bar(x, base - h, bw - 2, h, group, f"{v:.3g}", s))
    labels = [(30 + g * slot + slot / 2 - bw / 2, group) for g, group in enumerate(groups)]
    return {
        "width": width,
        "height": height + 16,
        "bars": bars,
        "labels": labels,
        "base": base,
        "legend": [name for name, _ in series],
        "kind": "v",
        "yticks": [(base - (base - 20) * f, _tick(top * f)) for f in _fractions(top)],
        "xtitle": x_title,
        "ytitle": y_title,
    }


def reliability_chart(bins: list[dict[str, Any]], size: int = 240) -> dict[str, Any]:
    """Predicted quality against the share rated without a major error, per bin of the dev data
    (points sized by count) and the diagonal a calibrated score would follow."""
    pad, plot = 34, size - 44
    total = sum(b["n"] for b in bins) or 1
    points = [
        {
            "x": round(pad + plot * b["predicted"], 1),
            "y": round(10 + plot * (1 - b["observed"]), 1),
            "r": round(2 + 6 * (b["n"] / total) ** 0.5, 1),
            "label": f"{b['lo']:.1f}-{b['hi']:.1f}: predicted {b['predicted']:.2f}, "
            f"observed {b['observed']:.2f} ({b['n']} segments)",
        }
        for b in bins
    ]
    ticks = [
        (round(pad + plot * t, 1), round(10 + plot * (1 - t), 1), f"{t:.1f}") for t in (0, 0.5, 1)
    ]
    return {
        "width": size + 20,
        "height": size + 10,
        "pad": pad,
        "plot": plot,
        "points": points,
        "ticks": ticks,
        "kind": "rel",
        "line": [(p["x"], p["y"]) for p in points],
    }


def model_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Which quality model scored each language pair, and why (from the score stage's stats)."""
    stats = (summary.get("stage_stats") or {}).get("score") or {}
    return [
        {"pair": pair, **info} for pair, info in sorted((stats.get("quality_models") or {}).items())
    ]


def highlight(text: str, flags: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, reason-or-None) so that evidence spans can be marked."""
    spans = sorted(
        (f["evidence"]["start"], f["evidence"]["end"], f"{f['check']}: {f['evidence']['reason']}")
        for f in flags
        if f["evidence"].get("start") is not None and f["evidence"].get("end") is not None
    )
    out: list[tuple[str, str | None]] = []
    pos = 0
    for s, e, why in spans:
        s, e = max(s, pos), min(e, len(text))
        if s >= e:
            continue
        if s > pos:
            out.append((text[pos:s], None))
        out.append((text[s:e], why))
        pos = e
    if pos < len(text):
        out.append((text[pos:], None))
    return out


class ReportData:
    """What the report shows, accumulated row by row and mergeable: the workers build one per
    shard as they render it, the driver merges them in shard order, so the report never
    re-reads ``segments.jsonl``. ``order`` is a row's position in ``segments.jsonl`` (any
    increasing key); among equal qualities the earlier row is listed first."""

    def __init__(self, worst: int = 50) -> None:
        self.worst = worst
        self.heap: list[tuple[float, int, dict[str, Any]]] = []
        self.hist_before = [0] * BINS
        self.hist_after = [0] * BINS
        self.checks: Counter[str] = Counter()
        self.decisions: Counter[str] = Counter()

    def add(self, row: dict[str, Any], order: int) -> None:
        self.checks.update({f["check"] for f in row["flags"]})
        self.decisions[row["decision"]] += 1
        q = row.get("quality")
        if q is None:
            return
        mt = next((c for c in row.get("candidates") or [] if c["origin"] == "mt"), None)
        before = mt["score"] if mt else q
        self.hist_before[min(BINS - 1, int(before * BINS))] += 1
        if row["decision"] != "dropped":
            self.hist_after[min(BINS - 1, int(q * BINS))] += 1
        self._push((-q, -order, row))

    def _push(self, item: tuple[float, int, dict[str, Any]]) -> None:
        if len(self.heap) < self.worst:
            heapq.heappush(self.heap, item)
        elif item[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, item)

    def merge(self, other: ReportData) -> None:
        self.checks.update(other.checks)
        self.decisions.update(other.decisions)
        self.hist_before = [a + b for a, b in zip(self.hist_before, other.hist_before, strict=True)]
        self.hist_after = [a + b for a, b in zip(self.hist_after, other.hist_after, strict=True)]
        for item in other.heap:
            self._push(item)

    def as_dict(self) -> dict[str, Any]:
        rows = [r for _, _, r in sorted(self.heap, key=lambda t: (-t[0], -t[1]))]  # worst first
        return {
            "checks": self.checks,
            "decisions": self.decisions,
            "hist_before": self.hist_before,
            "hist_after": self.hist_after,
            "worst": rows,
        }


# Translation-memory inline tags reach the stages as private-use characters (U+E000...); the
# review page shows them as numbered tags, and so does the report.
_TAGS = {0xE000 + k: f"⟨{k + 1}⟩" for k in range(0x1900)}


def shown(text: str) -> str:
    """``text`` for people: inline-tag placeholders as ⟨1⟩, ⟨2⟩..."""
    return text.translate(_TAGS)


def unit_label(record: str) -> str:
    """A record id for people: PO's msgctxt separator and plural index spelled out."""
    label, _, plural = record.partition("\x00")
    ctx, sep, msgid = label.rpartition("\x04")
    text = f"{msgid} (context: {ctx})" if sep else label
    return text + (f" [plural {plural}]" if plural else "")


def collect(out_dir: Path, worst: int) -> dict[str, Any]:
    """Stream the segments once: histograms, counts and the ``worst`` lowest-quality rows."""
    data = ReportData(worst)
    for n, row in enumerate(read_segments(out_dir)):
        data.add(row, n)
    return data.as_dict()


def write_report(out_dir: str | Path, worst: int = 50, data: ReportData | None = None) -> Path:
    """Write ``DIR/report.html`` for a finished run (from ``data`` when the run collected it,
    else by reading ``segments.jsonl``); returns its path."""
    out = Path(out_dir)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    data_dict = data.as_dict() if data is not None else collect(out, worst)
    data = None
    return _render(out, summary, data_dict)


def _render(out: Path, summary: dict[str, Any], data: dict[str, Any]) -> Path:
    charts = {
        "checks": bar_chart(
            sorted(data["checks"].items(), key=lambda kv: (-kv[1], kv[0])),
            x_title="segments flagged",
        ),
        "decisions": bar_chart([(k, v) for k, v in data["decisions"].most_common()]),
        "quality": grouped_chart(
            [f"{i / BINS:.1f}" for i in range(BINS)],
            [("before", data["hist_before"]), ("after", data["hist_after"])],
            x_title="quality (bin start)",
            y_title="segments",
        ),
    }
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    if shipped.get("reliability"):
        charts["reliability"] = reliability_chart(shipped["reliability"])
    metrics = summary.get("metrics")
    if metrics and "before" in metrics:
        names = ["chrf", "bleu", "ter"]
        charts["metrics"] = grouped_chart(
            ["chrF", "BLEU", "TER"],
            [(side, [metrics[side][m] for m in names]) for side in ("before", "after")],
            top=100.0,
            x_title="metric",
            y_title="score (0-100)",
        )
    worst_rows = [
        {
            **r,
            "pieces": [(shown(t), why) for t, why in highlight(r["target"], r["flags"])],
            "output": shown(r["output"]),
            "source": shown(r["source"]) if r.get("source") else r.get("source"),
            "unit": unit_label(r["record"]),
            "changed": r["output"] != r["target"],
        }
        for r in data["worst"]
    ]
    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent)),
        autoescape=select_autoescape(["html"], default=True),
    )
    html = env.get_template(TEMPLATE).render(
        summary=summary,
        charts=charts,
        worst=worst_rows,
        metrics=metrics,
        file_rows=file_rows(summary),
        check_rows=check_rows(summary, data["checks"]),
        models=model_rows(summary),
        shipped={"name": shipped.get("name"), "transfer": shipped.get("transfer", {})},
    )
    path = out / "report.html"
    # A lone surrogate (from a JSON escape or an undecodable byte) cannot be written as UTF-8;
    # the page shows U+FFFD in its place (segments.jsonl keeps the exact text).
    atomic.write_text(path, re.sub("[\ud800-\udfff]", "\ufffd", html))
    return path


def file_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-file table: format, records, segments, flags and decisions of each input."""
    out = []
    for name, f in (summary.get("files") or {}).items():
        dec = f.get("decisions") or {}
        out.append(
            {
                "file": name,
                "format": f.get("format", ""),
                "records": f.get("records_in", 0),
                "rejected": f.get("rejected", 0),
                "segments": f.get("segments", 0),
                "flags": sum((f.get("checks") or {}).values()),
                **{k: dec.get(k, 0) for k in DECISIONS},
            }
        )
    return out


DECISIONS = ("kept", "fixed", "retranslated", "needs_review", "dropped")


def check_rows(
    summary: dict[str, Any], flagged: Counter[str] | dict[str, int]
) -> list[dict[str, Any]]:
    """The per-check table: segments each check flagged in this run and flags editors had
    rejected before (suppressed by ``suppress``), so a noisy check stands out."""
    stats = (summary.get("stage_stats") or {}).get("suppress") or {}
    rejected = {k.split(".", 1)[1]: int(v) for k, v in stats.items() if k.startswith("suppressed.")}
    rows = []
    for check in sorted(set(flagged) | set(rejected), key=lambda c: (-flagged.get(c, 0), c)):
        n, r = int(flagged.get(check, 0)), rejected.get(check, 0)
        rows.append(
            {
                "check": check,
                "flagged": n,
                "rejected": r,
                "share": f"{100 * r / (n + r):.0f} %" if n + r else "-",
            }
        )
    return rows

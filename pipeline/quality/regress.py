"""The regression gate: a run's figures, compared with a committed baseline.

``snapshot`` reduces a finished run (``segments.jsonl`` + ``summary.json``) and the samples' gold
labels to the figures a reviewer cares about, with no timings, so the baseline file diffs cleanly.
``compare`` lists what changed and which changes are regressions beyond the tolerance.

Gold labels: a record's ``gold_garbled`` (bool) and optional ``gold_checks`` (list of check names),
read from the record itself (JSONL/TSV/CSV fields) or from a sidecar ``<name>.gold.jsonl`` (one
``{"id", "gold_garbled", "gold_checks"}`` per line, keyed by record id; for ``.txt`` samples, whose
record ids are ``L<line>``) next to the sample or in ``extra_gold_dirs``.

Editors' labels (``review export-terms --gold``, marked ``"labelled_by": "review"``) are the
expected result: flags and glossary findings on a record an editor judged garbled count under
``expected``, not in ``checks``, ``files.*.flags`` or ``glossary``, where more means worse.

The gate has a direction per figure (``compare``): more flags, lower quality or metrics, more
false positives or negatives, fewer ``kept`` segments fail beyond the tolerance; the opposite
moves are improvements, listed and passed.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.writers.atomic import gold_name

FORMAT_VERSION = 1


def read_segments(out_dir: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the rows of ``DIR/segments.jsonl``."""
    with (Path(out_dir) / "segments.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def gold_sidecar(sample: str | Path, extra_dirs: Iterable[Path] = ()) -> Path | None:
    """The gold sidecar of a sample: ``<name>.gold.jsonl`` beside it or in ``extra_dirs``."""
    p = Path(sample)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    for folder in (p.parent, *extra_dirs):
        cand = folder / gold_name(stem)
        if cand.is_file():
            return cand
    return None


def gold_labels(sample: str | Path, extra_dirs: Iterable[Path] = ()) -> dict[str, dict[str, Any]]:
    """``{record id: {"garbled": bool, "checks": [...]}}`` for the labelled records of a sample."""
    out: dict[str, dict[str, Any]] = {}
    p = Path(sample)
    rows: list[dict[str, Any]] = []
    sidecar = gold_sidecar(p, extra_dirs)
    if sidecar is not None:
        rows = _jsonl(sidecar)
    elif p.suffix == ".jsonl":
        rows = _jsonl(p)
    elif p.suffix in (".tsv", ".csv"):
        with p.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t" if p.suffix == ".tsv" else ","))
    for r in rows:
        g = r.get("gold_garbled")
        if g is None or g == "" or r.get("id") in (None, ""):
            continue
        if isinstance(g, str):
            g = g.strip().lower() in ("1", "true", "yes")
        checks = r.get("gold_checks") or []
        if isinstance(checks, str):
            checks = [c.strip() for c in checks.split(",") if c.strip()]
        out[str(r["id"])] = {"garbled": bool(g), "checks": list(checks)}
        if r.get("labelled_by") == "review":  # written by ``review export-terms --gold``
            out[str(r["id"])]["editor"] = True
    return out


def _jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(str(path), f"malformed JSON: {err.msg}", n) from None
        if isinstance(obj, dict):
            rows.append(obj)
    return rows


def snapshot(
    out_dir: str | Path, samples: list[str], extra_gold_dirs: Iterable[Path] = ()
) -> dict[str, Any]:
    """The baseline figures of a finished run over ``samples``."""
    summary = json.loads((Path(out_dir) / "summary.json").read_text(encoding="utf-8"))
    gold = {Path(s).name: gold_labels(s, list(extra_gold_dirs)) for s in samples}
    predicted: dict[tuple[str, str], dict[str, Any]] = {}
    actions: Counter[str] = Counter()
    per_file: dict[str, dict[str, Any]] = {}
    # Records an editor judged garbled: their flags and glossary findings are the expected
    # result, so they count in ``expected`` and not in the figures where more means worse.
    expected = {
        (name, rid)
        for name, labels in gold.items()
        for rid, g in labels.items()
        if g.get("editor") and g["garbled"]
    }
    checks = Counter(summary.get("checks", {}))
    confirmed: Counter[str] = Counter()
    q_before = q_after = 0.0
    n = n_after = 0
    for row in read_segments(out_dir):
        key = (Path(row["file"]).name, str(row["record"]))
        rec = predicted.setdefault(key, {"garbled": False, "checks": set()})
        rec["garbled"] |= bool(row["garbled"])
        rec["checks"] |= {f["check"] for f in row["flags"]}
        if row.get("quality") is not None:
            mt = next((c for c in row.get("candidates") or [] if c["origin"] == "mt"), None)
            q_before += mt["score"] if mt else row["quality"]
            n += 1
            if row["decision"] != "dropped":
                q_after += row["quality"]
                n_after += 1
        if key in expected:
            confirmed.update({f["check"] for f in row["flags"]})
            _add_file(per_file, key[0], {**row, "flags": []})
            continue
        actions.update(h["action"] for h in row.get("glossary") or [])
        _add_file(per_file, key[0], row)
    hits = sum(actions.values())
    snap: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "samples": [Path(s).name for s in samples],
        "segments": summary.get("segments"),
        "checks": {k: v for k, v in sorted((checks - confirmed).items()) if v}
        if expected
        else summary.get("checks", {}),
        "decisions": summary.get("decisions", {}),
        "detection": _detection(gold, predicted),
        "glossary": {
            "hits": dict(sorted(actions.items())),
            "compliance": round((hits - actions["flagged"]) / hits, 4) if hits else None,
        },
        "metrics": summary.get("metrics"),
        "quality": {
            "before": round(q_before / n, 4) if n else None,
            "after": round(q_after / n_after, 4) if n_after else None,
        },
        "files": {name: _file_figures(f) for name, f in sorted(per_file.items())},
        "expected": dict(sorted(confirmed.items())),
        "suppressed": int(
            (summary.get("stage_stats") or {}).get("suppress", {}).get("suppressed", 0)
        ),
    }
    return snap


def _add_file(per_file: dict[str, dict[str, Any]], name: str, row: dict[str, Any]) -> None:
    f = per_file.setdefault(name, {"segments": 0, "flags": 0, "kept": 0, "q": 0.0, "n": 0})
    f["segments"] += 1
    f["flags"] += len({fl["check"] for fl in row["flags"]})
    f["kept"] += row["decision"] == "kept"
    if row.get("quality") is not None and row["decision"] != "dropped":
        f["q"] += row["quality"]
        f["n"] += 1


def _file_figures(f: dict[str, Any]) -> dict[str, Any]:
    """A file's row of the per-file table: segments, flags (one per check and segment), kept
    segments, mean quality of what is kept."""
    return {
        "segments": f["segments"],
        "flags": f["flags"],
        "kept": f["kept"],
        "quality": round(f["q"] / f["n"], 4) if f["n"] else None,
    }


def _detection(
    gold: dict[str, dict[str, dict[str, Any]]], predicted: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, Any] | None:
    tp = fp = fn = 0
    labelled = 0
    for name, labels in gold.items():
        for rid, g in labels.items():
            p = predicted.get((name, rid))
            if p is None:
                continue
            labelled += 1
            tp += p["garbled"] and g["garbled"]
            fp += p["garbled"] and not g["garbled"]
            fn += g["garbled"] and not p["garbled"]
    if not labelled:
        return None
    return {
        "labelled": labelled,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
    }


@dataclass(frozen=True)
class Change:
    """One figure that differs between baseline and run; ``regression`` when it got worse
    beyond the tolerance, ``improvement`` when it got better (by any amount)."""

    key: str
    old: Any
    new: Any
    regression: bool
    improvement: bool = False


# Figures where higher is better, lower is better, or neither (a plain change is reported).
# Scores (0..1, metrics 0..100) move by an absolute tolerance; counts (flags, kept segments,
# false positives) by a tolerance relative to the baseline count.
_HIGHER = ("detection.precision", "detection.recall", "glossary.compliance", "quality.after")
_HIGHER_PREFIX = ("metrics.after.chrf", "metrics.after.bleu")
_LOWER_PREFIX = ("metrics.after.ter",)
_COUNT_HIGHER = ("decisions.kept", "detection.tp")
_COUNT_LOWER = ("detection.fp", "detection.fn")


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out |= _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return {prefix: obj}


def _direction(key: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 when neither."""
    if key in _HIGHER or key.startswith(_HIGHER_PREFIX):
        return 1
    if key.startswith(_LOWER_PREFIX):
        return -1
    if key in _COUNT_HIGHER or (key.startswith("files.") and key.endswith((".kept", ".quality"))):
        return 1
    if (
        key in _COUNT_LOWER
        or key.startswith("checks.")
        or (key.startswith("files.") and key.endswith(".flags"))
    ):
        return -1
    return 0


def check_baseline(path: str, baseline: Any, current: dict[str, Any]) -> dict[str, Any]:
    """``baseline`` when it is a snapshot like ``current`` (an object with every figure group
    the snapshot has); anything else (``{}``, a list) is a one-line error, never "no regression"."""
    from pipeline.errors import UsageError

    if not isinstance(baseline, dict):
        raise UsageError(f"{path}: not a regress baseline (expected a JSON object)")
    missing = sorted(set(current) - set(baseline))
    if missing:
        raise UsageError(
            f"{path}: not a regress baseline (no {', '.join(missing[:3])}); write one with --update"
        )
    for key, value in current.items():
        # A group may be absent from a run (``detection`` before any gold label, ``metrics``
        # without references): null in the baseline is a figure group, not junk.
        if isinstance(value, dict) and not isinstance(baseline[key], dict | None):
            raise UsageError(f"{path}: not a regress baseline ({key!r} is not an object)")
    return baseline


def _is_count(key: str) -> bool:
    return (
        key.startswith(("checks.", "decisions."))
        or key in _COUNT_LOWER
        or key in ("detection.tp",)
        or (key.startswith("files.") and key.endswith((".flags", ".kept")))
    )


def compare(baseline: dict[str, Any], current: dict[str, Any], tolerance: float) -> list[Change]:
    """Every figure that changed, with its direction. A score (P/R, compliance, quality,
    metrics) regresses when it moves the wrong way by more than ``tolerance`` (absolute;
    metrics are 0..100 so they get ``100 * tolerance``). A count regresses when it moves the
    wrong way by more than ``tolerance`` of itself: more flags (per check, per file), more
    false positives or negatives, fewer ``kept`` segments. Counts of the whole run compare
    only when the set of samples is the same. A move the right way is an improvement; a
    figure without a direction (segments, other decisions) is reported, never a failure."""
    old, new = _flatten(baseline), _flatten(current)
    same_samples = baseline.get("samples") == current.get("samples")
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        bad = good = False
        d = _direction(key)
        numbers = isinstance(a, int | float) and isinstance(b, int | float)
        if d and _is_count(key) and not key.startswith("files.") and not same_samples:
            d = 0  # other samples: run-wide counts are not comparable
        if d and (numbers or (_is_count(key) and isinstance(a, int | float) and b is None)):
            b_num = b if isinstance(b, int | float) else 0
            delta = (b_num - a) * d
            if _is_count(key):
                bad = delta < -tolerance * max(1, a)
            else:
                scale = 100.0 if key.startswith("metrics.") else 1.0
                bad = delta < -tolerance * scale
            good = delta > 0
        elif d and a is not None and b is None and key != "glossary.compliance":
            bad = True  # a figure that disappeared (e.g. metrics lost); no glossary hits
            # left to comply with is not one
        elif d < 0 and a is None and isinstance(b, int | float) and key.startswith("checks."):
            bad = b > tolerance  # a check that did not flag before flags now
            good = False
        changes.append(Change(key, a, b, bad, good and not bad))
    return changes


def file_table(baseline: dict[str, Any], current: dict[str, Any]) -> str:
    """Per file: segments, flags, kept and quality, baseline -> now, for the files that
    changed (where a regression comes from)."""
    old, new = baseline.get("files") or {}, current.get("files") or {}
    names = sorted(n for n in old.keys() | new.keys() if old.get(n) != new.get(n))
    if not names:
        return ""
    cols = ("segments", "flags", "kept", "quality")
    width = max(len("file"), *(len(n) for n in names))
    lines = [f"{'file':<{width}}  " + "  ".join(f"{c:>17}" for c in cols)]
    for n in names:
        a, b = old.get(n) or {}, new.get(n) or {}
        cells = []
        for c in cols:
            x, y = a.get(c), b.get(c)
            cells.append(f"{_fmt(x) + ' -> ' + _fmt(y) if x != y else _fmt(y):>17}")
        lines.append(f"{n:<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


def format_table(changes: list[Change]) -> str:
    """A plain-text table of the changes, regressions marked."""
    if not changes:
        return "no changes against the baseline"
    width = max(len(c.key) for c in changes)
    lines = [f"{'figure':<{width}}  {'baseline':>12}  {'now':>12}  "]
    for c in changes:
        mark = "REGRESSION" if c.regression else "improved" if c.improvement else ""
        lines.append(f"{c.key:<{width}}  {_fmt(c.old):>12}  {_fmt(c.new):>12}  {mark}")
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4f}"
    return str(v)

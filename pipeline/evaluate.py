"""Scoring the detector against labels: precision/recall/F1 and Kendall's tau-b."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<18} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


def prf(pairs: Iterable[tuple[bool, bool]]) -> PRF:
    """From (predicted, gold) pairs."""
    tp = fp = fn = 0
    for pred, gold in pairs:
        tp += pred and gold
        fp += pred and not gold
        fn += gold and not pred
    return PRF(tp, fp, fn)


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b (ties handled), O(n^2): fine for annotation-sized sets."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y differ in length")
    conc = disc = tx = ty = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                conc += 1
            else:
                disc += 1
    denom = ((conc + disc + tx) * (conc + disc + ty)) ** 0.5
    return (conc - disc) / denom if denom else 0.0


def by_record(segments: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per record: garbled if any segment is; its checks; its highest garble score."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for s in segments:
        key = (s.get("file", ""), s["record"])
        r = out.setdefault(key, {"garbled": False, "checks": set(), "score": 0.0})
        r["garbled"] |= s["garbled"]
        r["checks"] |= {f["check"] for f in s["flags"]}
        r["score"] = max(r["score"], s["garble_score"])
    return out

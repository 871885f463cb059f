"""Rank agreement for evaluating the quality score: Kendall's tau-b, fast enough for 10k items."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def kendall_tau_b(x: Sequence[float], y: Sequence[float], chunk: int = 512) -> float:
    """Kendall's tau-b with ties, O(n^2) in vectorised chunks (the same value as
    ``pipeline.evaluate.kendall_tau_b``, hundreds of times faster)."""
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if a.shape != b.shape:
        raise ValueError("x and y differ in length")
    conc_minus_disc = 0.0
    n_x = n_y = 0.0  # pairs not tied in x (resp. y)
    for s in range(0, len(a), chunk):
        dx = np.sign(a[s : s + chunk, None] - a[None, :])
        dy = np.sign(b[s : s + chunk, None] - b[None, :])
        # only pairs (i, j) with j > i
        mask = np.arange(s, s + len(dx))[:, None] < np.arange(len(a))[None, :]
        conc_minus_disc += float((dx * dy)[mask].sum())
        n_x += float((dx != 0)[mask].sum())
        n_y += float((dy != 0)[mask].sum())
    denom = (n_x * n_y) ** 0.5
    return conc_minus_disc / denom if denom else 0.0


def grouped_tau(x: Sequence[float], y: Sequence[float], groups: Sequence[str]) -> float:
    """Mean Kendall tau-b over the groups (e.g. the translations of one source). Groups whose
    ``y`` is constant (every translation rated the same) are left out: tau is undefined there."""
    by: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by.setdefault(g, []).append(i)
    taus = [
        kendall_tau_b([x[i] for i in idx], [y[i] for i in idx])
        for idx in by.values()
        if len(idx) > 1 and len({y[i] for i in idx}) > 1
    ]
    return sum(taus) / len(taus) if taus else 0.0


def pairwise_accuracy(
    x: Sequence[float],
    y: Sequence[float],
    groups: Sequence[str],
    texts: Sequence[str] | None = None,
) -> float:
    """How often, of two translations of one source that raters scored differently, the better
    one (higher ``y``) gets the higher ``x``; a tie in ``x`` counts half. Pairs are pooled over
    all groups. With ``texts`` (the translations), a pair of identical texts is left out: they
    are one translation rated twice, so no score can order them (a rater difference there is
    rater noise, not a better translation)."""
    by: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by.setdefault(g, []).append(i)
    right = total = 0.0
    for idx in by.values():
        if len(idx) < 2:
            continue
        a = np.asarray([x[i] for i in idx], dtype=float)
        b = np.asarray([y[i] for i in idx], dtype=float)
        dy = np.sign(b[:, None] - b[None, :])
        dx = np.sign(a[:, None] - a[None, :])
        upper = np.triu(np.ones_like(dy, dtype=bool), 1) & (dy != 0)
        if texts is not None:
            t = [texts[i] for i in idx]
            upper &= np.array([[u != v for v in t] for u in t], dtype=bool)
        agree = dx[upper] * dy[upper]
        right += float((agree > 0).sum()) + 0.5 * float((agree == 0).sum())
        total += float(upper.sum())
    return right / total if total else 0.0

"""Synthetic English news sentences for benchmarks: varied, distinct, realistic length."""

from __future__ import annotations

import random

SUBJECTS = [
    "The county government",
    "Officials in Kashgar",
    "The provincial bureau",
    "Local farmers",
    "The new hospital",
    "Teachers from Shanghai",
    "The city council",
    "A group of engineers",
    "The tourism office",
    "Residents of the old town",
]
VERBS = ["announced", "reported", "confirmed", "said", "estimated", "revealed"]
CLAUSES = [
    "that {n} new jobs had been created in the past year",
    "that the bridge over the river would open in {month}",
    "that investment reached {n} million yuan in {year}",
    "that visitor numbers rose by {p} percent compared with last year",
    "that {n} students had enrolled in the vocational programme",
    "that water quality in the lake has improved for {k} years in a row",
    "that the rail line will cut the journey to about {k} hours",
    "that {n} households joined the online sales platform",
]
TAILS = [
    "",
    ", according to a statement on Friday",
    ", the report said",
    " after a meeting with experts",
    ", despite heavy rain in the region",
]
MONTHS = ["January", "March", "May", "July", "September", "October", "December"]


def sentences(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct sentences (numbers vary, so no cache can make them all hits)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        clause = rng.choice(CLAUSES).format(
            n=rng.randint(10, 99999),
            month=rng.choice(MONTHS),
            year=rng.randint(2000, 2030),
            p=rng.randint(2, 90),
            k=rng.randint(2, 9),
        )
        out.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {clause}{rng.choice(TAILS)}.")
    return out

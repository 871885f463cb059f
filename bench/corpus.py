"""Bench corpora: real zh-en rows from the shared qe-dev files (documents of 4-12 records,
several translations per source), and synthetic English news sentences (monolingual)."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

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


# -- real bilingual rows (zh -> en) ---------------------------------------------------------------


# The quality-estimation dev files of the shared folder (see its README): one row per system
# translation, ``src_zh`` / ``mt_en`` columns, 10-13 systems per source segment.
# ``../shared/qe-dev`` next to the checkout (or a parent folder of it, for git worktrees);
# MTCLEAN_QE_DEV names another folder.
def _find_qe_dev() -> Path:
    env = os.environ.get("MTCLEAN_QE_DEV")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[1]
    for parent in root.parents:
        if (parent / "shared" / "qe-dev").is_dir():
            return parent / "shared" / "qe-dev"
    return root.parent / "shared" / "qe-dev"


QE_DEV = _find_qe_dev()
QE_FILES = ("wmt21-ted-zhen-mqm.tsv", "wmt22-general-zhen-mqm.tsv")


def real_rows(root: Path = QE_DEV) -> list[tuple[str, str, str]] | None:
    """``(id, source, target)`` rows of the qe-dev TSVs, or None when the shared folder is
    absent (the benches then fall back to the synthetic archive and say so)."""
    files = [root / f for f in QE_FILES if (root / f).is_file()]
    if not files:
        return None
    out: list[tuple[str, str, str]] = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n").split("\t")
            i_id, i_src, i_mt = header.index("id"), header.index("src_zh"), header.index("mt_en")
            for line in fh:
                cells = line.rstrip("\n").split("\t")
                if len(cells) == len(header) and cells[i_src].strip() and cells[i_mt].strip():
                    out.append((cells[i_id], cells[i_src], cells[i_mt]))
    return out


def documents(rows: list[tuple[str, str, str]], seed: int) -> Iterator[list[tuple[str, str]]]:
    """Endless documents of 4-12 ``(source, target)`` records: consecutive source segments
    translated by one system, as a translated article is. The data is walked in windows of 48
    source segments, each translated by every system of its file (10-13), so any slice of the
    archive holds several translations per source. Each full cycle is a replica of the data."""
    rng = random.Random(seed)
    table: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}
    for rid, src, mt in rows:
        corpus, seg, system = rid.split("-", 2)  # ted21zhen-0084-Borderline
        table.setdefault(corpus, {}).setdefault(system, {})[seg] = (src, mt)
    windows = []
    for corpus in sorted(table):
        segs = sorted({s for sys_rows in table[corpus].values() for s in sys_rows})
        for i in range(0, len(segs), 48):
            windows.append((corpus, segs[i : i + 48]))
    while True:
        for corpus, segs in windows:
            systems = sorted(table[corpus])
            rng.shuffle(systems)
            for system in systems:
                recs = [table[corpus][system][s] for s in segs if s in table[corpus][system]]
                i = 0
                while i < len(recs):
                    k = rng.randint(4, 12)
                    yield recs[i : i + k]
                    i += k


def write_bilingual(
    path: Path,
    rows: list[tuple[str, str, str]],
    limit_mb: float = 0,
    limit_records: int = 0,
    seed: int = 5,
) -> int:
    """A JSONL archive (``id``, ``doc``, ``source``, ``target``, zh -> en) of real rows with
    fresh ids and documents, up to ``limit_mb`` MB or ``limit_records`` records; returns the
    record count."""
    size = n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc, recs in enumerate(documents(rows, seed), 1):
            for k, (src, mt) in enumerate(recs):
                line = json.dumps(
                    {
                        "id": f"d{doc}-{k}",
                        "doc": f"d{doc}",
                        "source": src,
                        "target": mt,
                        "src_lang": "zh",
                        "tgt_lang": "en",
                    },
                    ensure_ascii=False,
                )
                fh.write(line + "\n")
                size += len(line) + 1
                n += 1
                if (limit_records and n >= limit_records) or (
                    limit_mb and size >= limit_mb * 1_000_000
                ):
                    return n
    return n

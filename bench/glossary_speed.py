"""Glossary speed: MB/s of matching plus replacing, at 10k and 100k terms, for mtclean's
Aho-Corasick TermMatcher (through the glossary stage's own segment code), a compiled regex
alternation, and flashtext, measured side by side in one run on the same text.

    python bench/glossary_speed.py [--mb 2] [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import sentences  # noqa: E402
from pipeline.glossary.stage import Glossary  # noqa: E402
from pipeline.glossary.termbase import Term  # noqa: E402

SYLLABLES = [
    "ka",
    "shi",
    "zan",
    "lo",
    "mer",
    "tu",
    "bai",
    "qin",
    "sho",
    "ven",
    "dra",
    "pol",
    "yun",
    "gar",
    "feng",
    "lu",
    "hai",
    "tor",
    "min",
    "ze",
]


def make_terms(n: int, rng: random.Random) -> list[Term]:
    seen: set[str] = set()
    terms = []
    while len(terms) < n:
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            for _ in range(rng.randint(1, 3))
        ]
        wrong = " ".join(words)
        if wrong.lower() in seen:
            continue
        seen.add(wrong.lower())
        terms.append(Term(target=wrong + " Approved", variants=[wrong]))
    return terms


def make_text(terms: list[Term], mb: float, rng: random.Random) -> list[str]:
    lines, size = [], 0
    base = sentences(5000, seed=3)
    while size < mb * 1_000_000:
        s = rng.choice(base)
        words = s.split()
        for _ in range(2):  # two glossary hits per sentence
            words.insert(rng.randrange(len(words)), rng.choice(terms).variants[0])
        line = " ".join(words)
        lines.append(line)
        size += len(line.encode()) + 1
    return lines


def rate(lines: list[str], fn, budget: float = 20.0) -> tuple[float, int]:
    """MB/s over as many lines as fit in ``budget`` seconds (at least 200)."""
    done = size = 0
    t0 = time.perf_counter()
    for line in lines:
        fn(line)
        done += 1
        size += len(line.encode()) + 1
        if done >= 200 and time.perf_counter() - t0 > budget:
            break
    return size / 1e6 / (time.perf_counter() - t0), done


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per method at most")
    args = ap.parse_args()
    from flashtext import KeywordProcessor

    for n in args.sizes:
        rng = random.Random(n)
        terms = make_terms(n, rng)
        lines = make_text(terms, args.mb, rng)
        mapping = {t.variants[0].lower(): t.target for t in terms}

        t0 = time.perf_counter()
        stage = Glossary(terms=terms)
        stage.ensure_setup()  # setup() builds the matcher: counted as build time
        build_ours = time.perf_counter() - t0
        ours, _ = rate(lines, lambda s, st=stage: st.segment(s, None, "en"), args.budget)

        t0 = time.perf_counter()
        alternation = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
        rx = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
        build_rx = time.perf_counter() - t0
        regex, regex_lines = rate(
            lines,
            lambda s, rx=rx, mp=mapping: rx.sub(lambda m: mp[m.group().lower()], s),
            args.budget,
        )

        t0 = time.perf_counter()
        kp = KeywordProcessor(case_sensitive=False)
        for t in terms:
            kp.add_keyword(t.variants[0], t.target)
        build_ft = time.perf_counter() - t0
        flash, _ = rate(lines, kp.replace_keywords, args.budget)

        mb = sum(len(x.encode()) + 1 for x in lines) / 1e6
        print(
            f"{n:>7,} terms, {mb:.1f} MB text: mtclean {ours:6.2f} MB/s (build {build_ours:.1f}s)"
            f" | regex {regex:7.3f} MB/s (build {build_rx:.1f}s, {regex_lines} lines timed)"
            f" | flashtext {flash:6.2f} MB/s (build {build_ft:.1f}s)"
        )
        print(
            f"{'':>7}  ratio mtclean/regex {ours / regex:7.1f}x   "
            f"mtclean/flashtext {ours / flash:5.2f}x"
        )
    print("target: mtclean >= 20x regex at 100k terms")


if __name__ == "__main__":
    main()

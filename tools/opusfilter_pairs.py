"""OpusFilter over the (source, target) pairs of a JSONL archive: the comparison line of
``bench/scale.py``. Runs with OpusFilter's own interpreter (its own venv), never mtclean's:

    python -m venv /tmp/opusfilter-venv && /tmp/opusfilter-venv/bin/pip install opusfilter pycld2
    /tmp/opusfilter-venv/bin/python tools/opusfilter_pairs.py ARCHIVE.jsonl

Filters (the usual zh-en cleaning set): length ratio (Han characters / English words, 3), cld2
language ID on both sides, repetition, character script score (Han / Latin). Prints one JSON
line: pairs, accepted.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from opusfilter.filters import (
        CharacterScoreFilter,
        Cld2Filter,
        LengthRatioFilter,
        RepetitionFilter,
    )

    pairs = []
    with open(sys.argv[1], encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            pairs.append([rec.get("source") or "", rec["target"]])
    src_lang = sys.argv[2] if len(sys.argv) > 2 else "zh"
    filters = [
        # Chinese is measured in characters, English in words (a word ~ 1.5-2 Han characters).
        LengthRatioFilter(threshold=3, unit=["char" if src_lang == "zh" else "word", "word"]),
        Cld2Filter(languages=[src_lang, "en"], thresholds=[0, 0]),
        RepetitionFilter(),
        CharacterScoreFilter(scripts=["Han" if src_lang == "zh" else "Latin", "Latin"]),
    ]
    keep = [True] * len(pairs)
    for f in filters:
        for i, score in enumerate(f.score(pairs)):
            keep[i] = keep[i] and bool(f.accept(score))
    print(json.dumps({"pairs": len(pairs), "accepted": sum(keep)}))


if __name__ == "__main__":
    main()

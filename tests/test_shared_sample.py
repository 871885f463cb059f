"""The user's real archive (../shared/samples/), when present: every paragraph accounted for."""

import json

import pytest

from tests.conftest import KASHGAR, mtclean, read_jsonl

pytestmark = pytest.mark.skipif(not KASHGAR.exists(), reason="../shared/samples not present")


def test_every_paragraph_is_accounted_for(tmp_path):
    out = tmp_path / "sample"
    proc = mtclean("run", str(KASHGAR), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    text = KASHGAR.read_text(encoding="utf-8")
    lines = text.split("\n")
    starts = [
        f"L{i + 1}"
        for i, ln in enumerate(lines)
        if ln.strip() and (i == 0 or not lines[i - 1].strip())
    ]
    assert len(starts) == 42
    segs = read_jsonl(out / "segments.jsonl")
    assert list(dict.fromkeys(s["record"] for s in segs)) == starts
    summary = json.loads((out / "summary.json").read_text())
    assert summary["records"]["in"] == 42 and summary["records"]["rejected"] == 0
    assert summary["records"]["in"] == summary["records"]["out"] + summary["records"]["dropped"]
    cleaned = (out / "cleaned" / KASHGAR.name).read_text(encoding="utf-8")
    kept = {s["record"] for s in segs if s["decision"] != "dropped"}
    for s in segs:
        if s["decision"] != "dropped":
            assert s["output"] in cleaned
    assert len(kept) == summary["records"]["out"]

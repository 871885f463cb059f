"""The user's real archive (../shared/samples/), when present: every paragraph accounted for."""

import json

import pytest

from tests.conftest import KASHGAR, mtclean, read_jsonl

# The user's whole archive: slow. Each behaviour is also guarded on our own text by default
# (test_samples_by_hand.py, test_accounting.py; precision/recall: test_evaluate.py's bench).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not KASHGAR.exists(), reason="../shared/samples not present"),
]


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


def test_paragraph_precision_and_recall_with_shipped_glossary(tmp_path):
    """Issue target: paragraph-level precision and recall >= 0.9 on the user's archive, against
    our own labels (tests/data/kashgar-labels.json: a reader's judgement, not user gold)."""
    from tests.conftest import ROOT

    out = tmp_path / "detect"
    proc = mtclean(
        "detect",
        str(KASHGAR),
        "--out",
        str(out),
        "-q",
        "--glossary",
        str(ROOT / "glossary" / "xinjiang-aid.tsv"),
    )
    assert proc.returncode == 0, proc.stderr
    labels = json.loads((ROOT / "tests/data/kashgar-labels.json").read_text())["paragraphs"]
    garbled: dict[str, bool] = {}
    for s in read_jsonl(out / "segments.jsonl"):
        garbled[s["record"]] = garbled.get(s["record"], False) or s["garbled"]
    tp = sum(garbled[k] and v["garbled"] for k, v in labels.items())
    fp = sum(garbled[k] and not v["garbled"] for k, v in labels.items())
    fn = sum(v["garbled"] and not garbled[k] for k, v in labels.items())
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9, (tp, fp, fn)


def test_runs_with_glossary_are_byte_identical(tmp_path):
    from tests.conftest import ROOT

    glossary = str(ROOT / "glossary" / "xinjiang-aid.tsv")
    for n in (1, 2):
        proc = mtclean(
            "run", str(KASHGAR), "--out", str(tmp_path / f"o{n}"), "-q", "--glossary", glossary
        )
        assert proc.returncode == 0, proc.stderr
    for rel in ("segments.jsonl", f"cleaned/{KASHGAR.name}"):
        assert (tmp_path / "o1" / rel).read_bytes() == (tmp_path / "o2" / rel).read_bytes()

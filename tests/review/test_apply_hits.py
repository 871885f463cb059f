"""``review apply`` with glossary hits, against cleaned files worked out by hand (issue 21).

The termbase has two terms, each with a known-wrong variant (replaced by the run) and a
doubtful one (``?``: flagged only). Paragraph 1 holds two replaced hits whose replacements
change the length in opposite directions (``bee`` -> ``beta`` +1, ``olpha one`` -> ``alpha``
-4), paragraph 3 two flagged ones (``alfa`` -> ``alpha`` +1, ``betta`` -> ``beta`` -1). Applying
hits left to right with the original offsets would cut the wrong characters.

The wrong variant ``olpha one`` does not contain ``alpha``: a variant that holds the preferred
term (the old ``bad alpha``) now counts as a right rendering present, so it is only flagged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.review.page import key_of, load_summary, run_fingerprint
from tests.conftest import mtclean, read_jsonl
from tests.review.helpers import review

TERMS = "source\ttarget\tvariants\n甲\talpha\tolpha one|?alfa\n乙\tbeta\tbee|?betta\n"
P1 = "We saw bee and then olpha one in the hall."
P3 = "The alfa team met the betta team today."
P5 = "A plain sentence that needs nothing."
TEXT = f"{P1}\n\n{P3}\n\n{P5}\n"


def make_run(base: Path) -> Path:
    (base / "terms.tsv").write_text(TERMS, encoding="utf-8")
    (base / "news.txt").write_text(TEXT, encoding="utf-8")
    out = base / "run"
    proc = mtclean(
        "run",
        str(base / "news.txt"),
        "--out",
        str(out),
        "-q",
        "--glossary",
        str(base / "terms.tsv"),
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("hits"))


@pytest.fixture
def run_dir(finished, tmp_path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(finished, copy)
    return copy


def seg_key(run_dir: Path, record: str, hit: int | None = None) -> str:
    (s,) = [s for s in read_jsonl(run_dir / "segments.jsonl") if s["record"] == record]
    return key_of(s["file"], s["record"], s["index"], hit)


def apply(run_dir: Path, tmp_path: Path, **parts) -> str:
    body = {"version": 2, "fingerprint": run_fingerprint(load_summary(str(run_dir)))} | parts
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 0, err
    return (run_dir / "cleaned" / "news.txt").read_text(encoding="utf-8")


def test_the_run_found_the_hits_this_file_is_about(run_dir):
    hits = {s["record"]: s["glossary"] for s in read_jsonl(run_dir / "segments.jsonl")}
    assert [(h["match"], h["action"], h["start"]) for h in hits["L1"]] == [
        ("bee", "replaced", 7),
        ("olpha one", "replaced", 20),
    ]
    assert [(h["match"], h["action"], h["start"]) for h in hits["L3"]] == [
        ("alfa", "flagged", 4),
        ("betta", "flagged", 22),
    ]


def test_accepting_a_segment_applies_all_its_replacements_right_to_left(run_dir, tmp_path):
    got = apply(run_dir, tmp_path, segments={seg_key(run_dir, "L1"): "accept"})
    assert got == f"We saw beta and then alpha in the hall.\n\n{P3}\n\n{P5}\n"


def test_accepting_both_flagged_hits_applies_them_right_to_left(run_dir, tmp_path):
    hits = {seg_key(run_dir, "L3", 0): "accept", seg_key(run_dir, "L3", 1): "accept"}
    got = apply(run_dir, tmp_path, hits=hits)
    assert got == f"{P1}\n\nThe alpha team met the beta team today.\n\n{P5}\n"


@pytest.mark.parametrize(
    ("rejected", "p1"),
    [
        (0, "We saw bee and then alpha in the hall."),
        (1, "We saw beta and then olpha one in the hall."),
    ],
)
def test_a_rejected_hit_stays_out_of_an_accepted_segment(run_dir, tmp_path, rejected, p1):
    got = apply(
        run_dir,
        tmp_path,
        segments={seg_key(run_dir, "L1"): "accept"},
        hits={seg_key(run_dir, "L1", rejected): "reject"},
    )
    assert got == f"{p1}\n\n{P3}\n\n{P5}\n"


@pytest.mark.parametrize(
    ("accepted", "p3"),
    [
        (0, "The alpha team met the betta team today."),
        (1, "The alfa team met the beta team today."),
    ],
)
def test_a_hit_decision_applies_to_the_hit_of_that_index(run_dir, tmp_path, accepted, p3):
    got = apply(run_dir, tmp_path, hits={seg_key(run_dir, "L3", accepted): "accept"})
    assert got == f"{P1}\n\n{p3}\n\n{P5}\n"


def test_an_input_changed_since_the_run_is_refused(tmp_path):
    run_dir = make_run(tmp_path)
    before = (run_dir / "cleaned" / "news.txt").read_bytes()
    (tmp_path / "news.txt").write_text(TEXT.replace("bee", "bea"), encoding="utf-8")
    body = {
        "version": 2,
        "fingerprint": run_fingerprint(load_summary(str(run_dir))),
        "segments": {seg_key(run_dir, "L1"): "accept"},
    }
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 2
    assert "changed since the run" in err and err.count("\n") == 1
    assert (run_dir / "cleaned" / "news.txt").read_bytes() == before

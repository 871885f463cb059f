import json
import subprocess
import sys

import pytest

from pipeline.evaluate import by_record, kendall_tau_b, prf
from tests.conftest import ROOT


def test_prf():
    r = prf([(True, True), (True, False), (False, True), (False, False), (True, True)])
    assert (r.tp, r.fp, r.fn) == (2, 1, 1)
    assert r.precision == pytest.approx(2 / 3) and r.recall == pytest.approx(2 / 3)


def test_kendall_tau_b_pinned():
    assert kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # With ties: scipy.stats.kendalltau([1, 2, 2, 3], [1, 3, 2, 2]) gives 0.4 (tau-b).
    assert kendall_tau_b([1, 2, 2, 3], [1, 3, 2, 2]) == pytest.approx(0.4)


def test_by_record_aggregates_segments():
    # The highest score sits in the middle and the garbled segment first, so neither "the last
    # one wins" nor "the first one wins" can pass.
    segs = [
        {"record": "a", "garbled": True, "garble_score": 0.4, "flags": [{"check": "truncation"}]},
        {"record": "a", "garbled": False, "garble_score": 0.7, "flags": [{"check": "repetition"}]},
        {"record": "a", "garbled": False, "garble_score": 0.1, "flags": []},
        {"file": "f", "record": "a", "garbled": False, "garble_score": 0.2, "flags": []},
    ]
    assert by_record(segs) == {
        ("", "a"): {"garbled": True, "checks": {"truncation", "repetition"}, "score": 0.7},
        ("f", "a"): {"garbled": False, "checks": set(), "score": 0.2},
    }


@pytest.mark.slow
def test_detection_quality_bench_on_labelled_data():
    proc = subprocess.run(
        [sys.executable, "bench/detect_quality.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    overall = next(x for x in proc.stdout.splitlines() if x.startswith("OVERALL"))
    p = float(overall.split("P=")[1].split()[0])
    r = float(overall.split("R=")[1].split()[0])
    assert p >= 0.9 and r >= 0.9, proc.stdout
    tau = next(x for x in proc.stdout.splitlines() if x.startswith("kendall_tau"))
    assert float(tau.split("= ")[1].split()[0]) > 0.5


def test_labelled_data_is_well_formed():
    rows = [json.loads(x) for x in (ROOT / "tests/data/detect_labelled.jsonl").open()]
    assert len({r["id"] for r in rows}) == len(rows) >= 90
    assert all(isinstance(r["gold_garbled"], bool) for r in rows)
    assert all(r["gold_checks"] for r in rows if r["gold_garbled"])

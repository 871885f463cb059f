"""Runs cut into several shards and batches, checked against hand-derived outputs (issue 21).

The corpus: two documents of six two-sentence records each. With ``shard_records = 3`` the
shards are [a0 a1 a2] [a3 a4 a5] [b0 b1 b2] [b3 b4 b5], and both repeats cross a shard
boundary: a4 repeats a1 (shard 1 repeats shard 0), b3 repeats b0 (shard 3 repeats shard 2).
b5 repeats a1 too, but in the other document, so it is not a duplicate. The ``duplicate`` check
flags the repeat (both its sentences) and ``decide`` drops it (a monolingual record), so the
expected outputs below follow from the check's contract, not from a run.

Resume: a run is stopped after every shard of every pass has finished (its progress sink raises
on the last ``advance``, before the outputs are assembled), chosen shards' completion markers
are deleted, and ``--resume`` must give the same bytes and the same ``stage_stats``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.runner import RunOptions, run

TEXT = {
    "a0": "The river port opened a new ferry line on Monday. Tickets cost two yuan.",
    "a1": "Farmers in the valley picked apricots before the rain. The harvest was large this year.",
    "a2": "A library near the old gate lends books to children. It stays open until nine.",
    "a3": "The museum showed bronze mirrors from a village tomb. Visitors queued for an hour.",
    "a5": "Workers repaired the bridge over the canal in spring. Traffic returned in May.",
    "b0": "Students from the county school won a chess contest. Their coach was proud.",
    "b1": "A bakery on the main street sells round flatbread every morning. The ovens are made "
    "of clay.",
    "b2": "The weather office warned of sandstorms in the desert. Drivers slowed down.",
    "b4": "Nurses at the clinic gave free eye tests to older people. Many needed glasses.",
}
TEXT["a4"] = TEXT["a1"]  # same document, next shard: a duplicate
TEXT["b3"] = TEXT["b0"]  # same document, next shard: a duplicate
TEXT["b5"] = TEXT["a1"]  # other document: not a duplicate
IDS = ["a0", "a1", "a2", "a3", "a4", "a5", "b0", "b1", "b2", "b3", "b4", "b5"]
REPEATS = {"a4", "b3"}


def line(rid: str, target: str) -> str:
    return json.dumps({"id": rid, "doc": rid[0], "target": target}) + "\n"


CORPUS = "".join(line(r, TEXT[r]) for r in IDS)
# The cleaned copy: each repeat loses both its sentences, every other record is untouched.
CLEANED = "".join(line(r, "" if r in REPEATS else TEXT[r]) for r in IDS)


def expected_segments() -> list[tuple[str, int, str, str, list[str]]]:
    """(record, index, target, decision, checks) of every segment, in order."""
    out = []
    for r in IDS:
        first, second = TEXT[r].split(". ", 1)
        for i, t in enumerate((first + ".", second)):
            dup = r in REPEATS
            out.append((r, i, t, "dropped" if dup else "kept", ["duplicate"] if dup else []))
    return out


N_RECORDS, N_SEGMENTS = 12, 24


@pytest.fixture
def src(tmp_path: Path) -> Path:
    p = tmp_path / "news.jsonl"
    p.write_text(CORPUS, encoding="utf-8")
    return p


def cfg(shard_records: int, batch_size: int) -> Config:
    return Config(run={"shard_records": shard_records, "batch_size": batch_size, "workers": 1})


def segments(out: Path) -> list[tuple[str, int, str, str, list[str]]]:
    rows = [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]
    return [
        (s["record"], s["index"], s["target"], s["decision"], [f["check"] for f in s["flags"]])
        for s in rows
    ]


def comparable(out: Path) -> dict[str, Any]:
    """Every output, with summary.json whole except what a rerun may change: wall-clock
    figures (``timings``, each stage's ``seconds`` and ``segments_per_s``) and ``resumed``."""
    got: dict[str, Any] = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_dir() or rel.startswith(".mtclean"):
            continue
        if rel == "summary.json":
            s = json.loads(p.read_bytes())
            s.pop("timings")
            s.pop("resumed")
            for entry in s["stage_stats"].values():
                entry.pop("seconds")
                entry.pop("segments_per_s")
            got[rel] = s
        else:
            got[rel] = p.read_bytes()
    return got


# shard_records, batch_size: batches smaller than shards (and not dividing them), one
# segment per batch, one record per shard, and everything in one shard as the reference.
SHAPES = [(3, 2), (3, 4), (2, 3), (1, 1), (5, 3), (12, 5), (12, 1000)]


@pytest.mark.parametrize(("shard_records", "batch_size"), SHAPES)
def test_every_shape_gives_the_hand_derived_outputs(tmp_path, src, shard_records, batch_size):
    out = tmp_path / "o"
    res = run([str(src)], str(out), cfg(shard_records, batch_size), RunOptions())
    assert segments(out) == expected_segments()
    assert (out / "cleaned" / "news.jsonl").read_text("utf-8") == CLEANED
    s = res.summary
    assert s["records"] == {"in": N_RECORDS, "out": N_RECORDS, "rejected": 0, "dropped": 0}
    assert s["segments"] == N_SEGMENTS and s["checks"] == {"duplicate": 4}
    assert s["decisions"] == {
        "kept": 20,
        "fixed": 0,
        "retranslated": 0,
        "needs_review": 0,
        "dropped": 4,
    }
    assert s["stage_stats"]["score"]["segments"] == N_SEGMENTS


def test_shapes_agree_on_every_output_including_stage_stats(tmp_path, src):
    ref = None
    for k, (shard_records, batch_size) in enumerate([(12, 1000), (3, 2), (1, 1)]):
        out = tmp_path / f"o{k}"
        run([str(src)], str(out), cfg(shard_records, batch_size), RunOptions())
        got = comparable(out)
        for k in ("fingerprint", "effective_config"):  # these name the shape itself
            got["summary.json"].pop(k)
        if ref is None:
            ref = got
        assert got == ref, (shard_records, batch_size)


class Recorder:
    """A progress sink that records every call; ``stop_after`` advances, it raises (as a
    killed run would stop), after the tasks' completion markers are written."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.stop_after = stop_after
        self.advances = 0

    def start(self, total: int, passes: int, files: int) -> None:
        self.calls.append(("start", total, passes, files))

    def advance(self, records: int, label: str) -> None:
        self.calls.append(("advance", records, label))
        self.advances += 1
        if self.stop_after is not None and self.advances >= self.stop_after:
            raise KeyboardInterrupt("stopped by the test")

    def next_pass(self, number: int) -> None:
        self.calls.append(("next_pass", number))


def test_progress_counts_records_per_pass_not_segments(tmp_path, src):
    sink = Recorder()
    run([str(src)], str(tmp_path / "o"), cfg(3, 2), RunOptions(progress=sink))
    kind, total, passes, files = sink.calls[0]
    assert (kind, total, files) == ("start", N_RECORDS, 1) and passes >= 2
    per_pass: list[list[int]] = [[]]
    for c in sink.calls[1:]:
        if c[0] == "next_pass":
            assert c[1] == len(per_pass)  # passes numbered 1, 2, ... in order
            per_pass.append([])
        else:
            assert c[2] == str(src)
            per_pass[-1].append(c[1])
    assert len(per_pass) == passes
    # four shards of three records in every pass: 12 records, not 24 segments
    assert per_pass == [[3, 3, 3, 3]] * passes


def _interrupted(tmp_path: Path, src: Path) -> tuple[Path, int]:
    """An output folder holding a run stopped after its last task, before assembly."""
    probe = Recorder()
    run([str(src)], str(tmp_path / "probe"), cfg(3, 2), RunOptions(progress=probe))
    passes = probe.calls[0][2]
    out = tmp_path / "o"
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], str(out), cfg(3, 2), RunOptions(progress=Recorder(4 * passes)))
    assert not (out / "summary.json").exists()
    return out, passes


def markers(out: Path, shard: int) -> list[Path]:
    return sorted((out / ".mtclean").rglob(f"{shard:07d}.done"))


@pytest.mark.parametrize(
    "deleted", [[0], [1], [3], [0, 3], []], ids=["first", "middle", "last", "first+last", "none"]
)
def test_resume_after_deleting_chosen_markers_gives_the_same_outputs(tmp_path, src, deleted):
    ref = tmp_path / "ref"
    run([str(src)], str(ref), cfg(3, 2), RunOptions())
    out, passes = _interrupted(tmp_path, src)
    for shard in range(4):
        assert len(markers(out, shard)) == passes  # every task of every pass had finished
    for shard in deleted:
        for m in markers(out, shard):
            m.unlink()
    sink = Recorder()
    res = run([str(src)], str(out), cfg(3, 2), RunOptions(resume=True, progress=sink))
    assert res.summary["resumed"] is True
    assert comparable(out) == comparable(ref)
    assert segments(out) == expected_segments()
    assert res.summary["stage_stats"]["score"]["segments"] == N_SEGMENTS
    # the progress bar still sees every shard of every pass, done before or now
    assert sum(c[1] for c in sink.calls if c[0] == "advance") == N_RECORDS * passes

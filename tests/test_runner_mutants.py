"""``pipeline.runner.run`` called in process (so mutation testing's coverage sees it), for the
behaviour its mutants changed unnoticed (issue 21): exit status and rejects, detect-only runs,
refusals before any work, resuming over earlier outputs, the shard count the engine is sized
by, the summary's timings and metrics, and progress labels per input file."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

import pipeline.runner as runner
from pipeline.config import Config
from pipeline.errors import UsageError, quote_path
from pipeline.runner import Input, RunOptions, RunResult, check_inputs, run
from tests.test_multishard import CLEANED, CORPUS, IDS, TEXT, Recorder, line

GOOD = '{"id": "ok", "target": "The river port opened a new ferry line on Monday."}\n'
# a giant integer: the JSON reader refuses the value, so the record is a reject (copied as is)
BAD = '{"id": "bad", "target": "x", "n": ' + "9" * 5000 + "}\n"


def one_worker(**run: Any) -> Config:
    return Config(run={"workers": 1, **run})


def test_a_reject_gives_exit_status_3_and_is_listed(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(GOOD + BAD, encoding="utf-8")
    out = tmp_path / "o"
    res = run([str(src)], str(out), one_worker(), RunOptions())
    assert res.exit_code == 3
    assert res.summary["exit_status"] == 3
    assert res.summary["records"]["rejected"] == 1
    assert [(r["file"], r["line"]) for r in res.rejects] == [(str(src), 2)]
    assert res.rejects[0]["reason"].startswith("unreadable JSON value")
    # summary.json holds what the run returned, as one JSON document ending in a newline
    text = (out / "summary.json").read_text("utf-8")
    assert text.endswith("}\n") and json.loads(text) == res.summary


def test_a_clean_run_gives_exit_status_0_and_no_rejects(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(GOOD, encoding="utf-8")
    res = run([str(src)], str(tmp_path / "o"), one_worker(), RunOptions())
    assert (res.exit_code, res.summary["exit_status"], res.rejects) == (0, 0, [])
    assert not (tmp_path / "o" / "rejects.jsonl").exists()


@pytest.mark.parametrize(("rejected", "code"), [(0, 0), (1, 3), (7, 3)])
def test_run_result_exit_code(rejected, code):
    assert RunResult({"records": {"rejected": rejected}}).exit_code == code


def test_a_detect_only_run_flags_the_repeats_but_keeps_every_byte(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    out = tmp_path / "o"
    res = run([str(src)], str(out), one_worker(shard_records=3), RunOptions(rewrite=False))
    # the rewriting run drops a4 and b3 (tests/test_multishard.py); detect-only keeps them
    assert (out / "cleaned" / "news.jsonl").read_text("utf-8") == CORPUS != CLEANED
    assert res.summary["checks"] == {"duplicate": 4}
    assert res.summary["decisions"]["dropped"] == 0


def test_only_the_stages_asked_for_run(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    stages = ["normalize", "duplicate", "decide"]
    res = run([str(src)], str(tmp_path / "o"), one_worker(), RunOptions(stages=stages))
    assert res.summary["stages"] == stages
    assert set(res.summary["stage_stats"]) == set(stages)


# -- refusals before any work ------------------------------------------------------------------


def test_an_input_inside_out_is_refused(tmp_path):
    out = tmp_path / "o"
    (out / "in").mkdir(parents=True)
    src = out / "in" / "a.txt"
    src.write_text("A plain sentence.\n", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        run([str(src)], str(out), one_worker(), RunOptions())
    assert str(err.value) == (
        f"{quote_path(str(src))}: is inside --out {quote_path(out)}; "
        "a run would overwrite its own input"
    )
    assert not (out / "summary.json").exists()


def test_inputs_beside_out_or_without_out_are_accepted(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("A plain sentence.\n", encoding="utf-8")
    limits = runner.Limits(1 << 20, 1 << 20, 1 << 30)
    check_inputs([Input(str(src), "a.txt")], limits, tmp_path / "o")  # a sibling of the input
    check_inputs([Input(str(src), "a.txt")], limits, tmp_path / "oo" / "o")
    check_inputs([Input(str(src), "a.txt")], limits)  # no --out at all


def test_two_inputs_of_the_same_name_are_refused(tmp_path):
    paths = []
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        p = tmp_path / d / "a.txt"
        p.write_text("A plain sentence.\n", encoding="utf-8")
        paths.append(str(p))
    with pytest.raises(UsageError) as err:
        run(paths, str(tmp_path / "o"), one_worker(), RunOptions())
    assert str(err.value) == (
        f"{quote_path(paths[1])}: same file name as {quote_path(paths[0])}; "
        "cleaned/a.txt would clash"
    )
    assert not (tmp_path / "o" / "summary.json").exists()


def _completed(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    out = tmp_path / "o"
    run([str(src)], str(out), one_worker(shard_records=3), RunOptions())
    return src, out


def test_earlier_outputs_are_kept_without_overwrite(tmp_path):
    src, out = _completed(tmp_path)
    before = (out / "summary.json").read_bytes()
    with pytest.raises(UsageError) as err:
        run([str(src)], str(out), one_worker(shard_records=3), RunOptions())
    assert str(err.value) == (
        f"--out {quote_path(str(out))}: holds the outputs of an earlier run; "
        "pass --overwrite to replace them"
    )
    with pytest.raises(UsageError) as err:
        run([str(src)], str(out), one_worker(shard_records=3), RunOptions(resume=True))
    assert str(err.value) == (
        f"--out {quote_path(str(out))}: nothing to resume (the last run there "
        "completed); pass --overwrite to replace its outputs"
    )
    assert (out / "summary.json").read_bytes() == before
    res = run([str(src)], str(out), one_worker(shard_records=3), RunOptions(overwrite=True))
    assert res.summary["resumed"] is False


def test_an_interrupted_overwrite_resumes_over_the_earlier_outputs(tmp_path):
    src, out = _completed(tmp_path)
    cfg = one_worker(shard_records=3)
    with pytest.raises(KeyboardInterrupt):  # the overwriting run stops after its first shard
        run([str(src)], str(out), cfg, RunOptions(overwrite=True, progress=Recorder(1)))
    assert (out / "summary.json").exists()  # the earlier outputs are still there
    res = run([str(src)], str(out), cfg, RunOptions(resume=True))
    assert res.summary["resumed"] is True
    assert (out / "cleaned" / "news.jsonl").read_text("utf-8") == CLEANED


def test_resume_with_another_config_is_refused_with_the_reason(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    out = tmp_path / "o"
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], str(out), one_worker(shard_records=3), RunOptions(progress=Recorder(1)))
    with pytest.raises(UsageError) as err:
        run([str(src)], str(out), one_worker(shard_records=4), RunOptions(resume=True))
    assert str(err.value) == (
        f"cannot resume the run in {quote_path(out.resolve())}: "
        "the effective config differs (or a file it names)"
    )


# -- the engine is sized by the number of shards -----------------------------------------------


def test_the_engine_is_told_how_many_shards_there_are(tmp_path, monkeypatch):
    seen: list[tuple[str, int, int]] = []
    real = runner.make_engine

    def spy(kind: str, workers: int, n_shards: int, *a: Any, **k: Any) -> Any:
        seen.append((kind, workers, n_shards))
        return real(kind, workers, n_shards, *a, **k)

    monkeypatch.setattr(runner, "make_engine", spy)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(line(r, TEXT[r]) for r in IDS[:7]), encoding="utf-8")
    b.write_text(line("b0", TEXT["b0"]), encoding="utf-8")
    run([str(a), str(b)], str(tmp_path / "o"), one_worker(shard_records=3), RunOptions())
    # 7 records in shards of 3: 3 shards; 1 record: 1 shard (each file starts its own)
    assert seen == [("local", 1, 4)]
    seen.clear()
    run([str(a)], str(tmp_path / "o2"), one_worker(shard_records=7), RunOptions())
    run([str(b)], str(tmp_path / "o3"), one_worker(shard_records=1), RunOptions())
    assert seen == [("local", 1, 1), ("local", 1, 1)]


# -- summary: timings and metrics --------------------------------------------------------------


def test_timings_are_rounded_parts_of_the_total(tmp_path):
    src = tmp_path / "news.jsonl"
    # enough text that segmenting and rendering take well over the 0.1 ms the figures show
    src.write_text(CORPUS * 20, encoding="utf-8")
    t0 = time.perf_counter()
    res = run([str(src)], str(tmp_path / "o"), one_worker(shard_records=50), RunOptions())
    elapsed = time.perf_counter() - t0
    t = res.summary["timings"]
    assert set(t) == {"read", "merge", "write", "segment", "render", "total"}
    for key, value in t.items():
        assert value == round(value, 4), key
        assert 0.0 <= value <= t["total"], key
    assert t["total"] <= elapsed
    assert t["segment"] > 0 and t["render"] > 0 and t["write"] > 0 and t["merge"] > 0


def test_metrics_appear_only_when_a_record_has_a_reference(tmp_path):
    src = tmp_path / "a.jsonl"
    rec = {"id": "1", "target": "The river port opened a new ferry line."}
    src.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    res = run([str(src)], str(tmp_path / "o"), one_worker(), RunOptions())
    assert "metrics" not in res.summary
    rec["reference"] = rec["target"]  # a perfect reference: chrF 100 before and after
    src.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    res = run([str(src)], str(tmp_path / "o2"), one_worker(), RunOptions())
    m = res.summary["metrics"]
    assert m["segments"] == 1
    assert m["before"]["chrf"] == m["after"]["chrf"] == 100.0


# -- progress ----------------------------------------------------------------------------------


def test_progress_names_the_file_of_each_shard(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(line(r, TEXT[r]) for r in IDS[:4]), encoding="utf-8")
    b.write_text("".join(line(r, TEXT[r]) for r in IDS[6:8]), encoding="utf-8")
    sink = Recorder()
    run(
        [str(a), str(b)],
        str(tmp_path / "o"),
        one_worker(shard_records=3),
        RunOptions(progress=sink),
    )
    start, *rest = sink.calls
    passes = start[2]
    assert start == ("start", 6, passes, 2)
    first_pass = [c for c in rest if c[0] == "advance"][:3]
    # shards: a[0:3], a[3:4], b[0:2]
    assert first_pass == [("advance", 3, str(a)), ("advance", 1, str(a)), ("advance", 2, str(b))]
    assert [c[1] for c in rest if c[0] == "next_pass"] == list(range(1, passes))


# -- the configured source language reaches the checks -----------------------------------------


def test_the_configured_source_language_reaches_the_records(tmp_path):
    src = tmp_path / "a.jsonl"
    rec = {
        "id": "1",
        "source": "Il a acheté 3 pommes à Paris.",
        "target": "He bought three apples in Berlin on Monday with Angela Merkel.",
    }
    src.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    # no source language: taken as Chinese, whose names are transliterated, so names in the
    # target that the source lacks are flagged; a Latin-script source (fr) skips the check
    res = run([str(src)], str(tmp_path / "o"), one_worker(), RunOptions())
    assert res.summary["checks"] == {"entity_mismatch": 1}
    cfg = Config(input={"src_lang": "fr"}, run={"workers": 1})
    res = run([str(src)], str(tmp_path / "o2"), cfg, RunOptions())
    assert res.summary["checks"] == {}


def test_a_run_without_resume_starts_over_an_interrupted_one(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    out = tmp_path / "o"
    cfg = one_worker(shard_records=3)
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], str(out), cfg, RunOptions(progress=Recorder(1)))
    sink = Recorder()
    res = run([str(src)], str(out), cfg, RunOptions(progress=sink))
    assert res.summary["resumed"] is False
    assert (out / "cleaned" / "news.jsonl").read_text("utf-8") == CLEANED
    # every shard of every pass ran again, the first one included
    passes = sink.calls[0][2]
    assert sum(c[1] for c in sink.calls if c[0] == "advance") == 12 * passes

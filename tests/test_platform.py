"""The platform: same bytes whatever the engine, workers or shard size; resume after kill -9;
the output folder replaced as a whole under a lock; folders, globs and compressed inputs."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.outdir import OutDir
from tests.conftest import ROOT, mtclean

WORDS = (
    "the city opened a new tea museum near the river and farmers sold their harvest "
    "while visitors from Wuxi and Lishui watched a performance about local history"
).split()


def archive(n_docs: int, seed: int = 7) -> str:
    """A JSONL archive of short news documents with repeats, keyword tails and bylines."""
    rng = random.Random(seed)
    lines = []
    for d in range(n_docs):
        head = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
        for k in range(4):
            body = ". ".join(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
                for _ in range(rng.randint(1, 3))
            )
            target = [head + " | tea | museum", body + ".", head, "Editor: Wang Li"][k]
            lines.append(
                json.dumps(
                    {"id": f"d{d}-{k}", "target": target, "doc": f"doc{d}", "n": 1.50},
                    ensure_ascii=False,
                )
            )
    return "\n".join(lines) + "\n"


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file's bytes, minus summary.json's timings and run-specific fields
    (``stage_stats`` stays, without each stage's wall-clock seconds and rate)."""
    got = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_dir() or rel.startswith(".mtclean"):
            continue
        data = p.read_bytes()
        if rel == "summary.json":
            s = json.loads(data)
            for k in (
                "timings",
                "engine",
                "run_info",
                "resumed",
                "effective_config",
                "fingerprint",
                "config",
            ):
                s.pop(k)
            for entry in s["stage_stats"].values():
                entry.pop("seconds")
                entry.pop("segments_per_s")
            data = json.dumps(s, sort_keys=True).encode()
        got[rel] = data
    return got


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    (d / "news.jsonl").write_text(archive(60), encoding="utf-8")
    (d / "story.txt").write_text(
        "Tea museum opens | culture | tea\n\nThe museum opened on Monday. It shows old tea "
        "sets.\n\nTea museum opens | culture | tea\n\nEditor: Chen\r\n\r\nLast line.\n",
        encoding="utf-8",
    )
    return d


def run_cfg(tmp: Path, corpus: Path, name: str, *extra: str, toml: str = "") -> Path:
    out = tmp / name
    args = ["run", str(corpus / "news.jsonl"), str(corpus / "story.txt"), "--out", str(out), "-q"]
    if toml:
        cfg = tmp / f"{name}.toml"
        cfg.write_text(toml)
        args += ["--config", str(cfg)]
    proc = mtclean(*args, *extra)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.slow  # three corpus runs; test_multishard.py covers the shapes in process
def test_bytes_do_not_depend_on_workers_or_shard_size(tmp_path, corpus):
    ref = outputs(run_cfg(tmp_path, corpus, "a", "--workers", "1"))
    assert b"dropped" in ref["segments.jsonl"] and b"keyword_tail" in ref["segments.jsonl"]
    assert b'"check": "duplicate"' in ref["segments.jsonl"]  # document-level flags
    # 7 records a shard: documents of 4 records cross shard boundaries; 3 segments a batch:
    # every shard is split into several batches, the last one short.
    two = outputs(
        run_cfg(
            tmp_path,
            corpus,
            "b",
            "--workers",
            "2",
            toml="[run]\nshard_records = 7\nbatch_size = 3\n",
        )
    )
    one = outputs(run_cfg(tmp_path, corpus, "c", "-j", "1", toml="[run]\nshard_records = 1\n"))
    assert two == ref and one == ref


@pytest.mark.slow
def test_datasets_engine_gives_the_same_bytes(tmp_path, corpus):
    ref = outputs(run_cfg(tmp_path, corpus, "a", "--workers", "1"))
    got = outputs(
        run_cfg(
            tmp_path,
            corpus,
            "d",
            "--engine",
            "datasets",
            "-j",
            "2",
            toml="[run]\nshard_records = 40\n",
        )
    )
    assert got == ref


@pytest.mark.slow
def test_ray_engine_gives_the_same_bytes(tmp_path, corpus):
    pytest.importorskip("ray")
    ref = outputs(run_cfg(tmp_path, corpus, "a", "--workers", "1"))
    got = outputs(
        run_cfg(
            tmp_path,
            corpus,
            "r",
            "--engine",
            "ray",
            "-j",
            "2",
            toml="[run]\nshard_records = 40\n",
        )
    )
    assert got == ref
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["engine"] == "ray"


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume_gives_identical_outputs(tmp_path):
    src = tmp_path / "big.jsonl"
    src.write_text(archive(400, seed=3), encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nshard_records = 40\nworkers = 2\n")
    ref_out = tmp_path / "ref"
    base = [str(src), "--config", str(cfg), "-q"]
    t0 = time.monotonic()
    assert mtclean("run", *base, "--out", str(ref_out)).returncode == 0
    full = time.monotonic() - t0
    ref = outputs(ref_out)
    rng = random.Random(11)
    out = tmp_path / "o"
    kills = 0
    completed = False
    for attempt in range(6):
        args = ["run", *base, "--out", str(out), "--resume"]
        proc = _start(args)
        if attempt == 0:
            # The first kill waits for progress, not for a time: as soon as one task's
            # completion marker exists (the run is then mid-way however loaded the machine).
            while proc.poll() is None and not list(out.glob(".mtclean/**/*.done")):
                time.sleep(0.005)
        else:
            time.sleep(rng.uniform(0.2, max(0.3, full * 0.9)))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: workers die too
            kills += 1
        proc.wait()
        # A killed run never leaves a mix: either no output set or a complete one.
        present = {p.name for p in out.iterdir() if p.name != ".mtclean"} if out.exists() else set()
        complete = {"segments.jsonl", "summary.json", "cleaned", "report.html"}
        assert present in (set(), complete), present
        if proc.returncode == 0:  # it finished before the kill: a further --resume is refused
            completed = True
            break
    if not completed:
        final = mtclean("run", *base, "--out", str(out), "--resume")
        assert final.returncode == 0, final.stderr
    assert kills >= 1
    assert outputs(out) == ref
    # nothing of the work folder, staging or temp files remains
    assert sorted(p.name for p in (out / ".mtclean").iterdir()) == ["lock"]
    assert not list(out.rglob("*.tmp"))


def test_resume_refuses_other_inputs_or_config(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(archive(5), encoding="utf-8")
    out = tmp_path / "o"
    # leave a work folder behind, as a killed run would
    state = OutDir(str(out))
    state.open()
    state.work.mkdir(parents=True)
    state.close()
    assert mtclean("run", str(src), "--out", str(out), "-q").returncode == 0
    work = out / ".mtclean" / "work"
    work.mkdir()
    from pipeline.config import Config
    from pipeline.resume import fingerprint
    from pipeline.runner import Input

    fp = fingerprint([Input(str(src), "a.jsonl")], Config(), True, Config().run.stages)
    (work / "fingerprint.json").write_text(json.dumps(fp))
    cfg = tmp_path / "c.toml"
    cfg.write_text("[combine]\nthreshold = 0.6\n")
    proc = mtclean("run", str(src), "--out", str(out), "--resume", "--config", str(cfg))
    assert proc.returncode == 2 and "cannot resume" in proc.stderr
    assert "config differs" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    src.write_text(archive(6), encoding="utf-8")
    proc = mtclean("run", str(src), "--out", str(out), "--resume")
    assert proc.returncode == 2 and "changed since" in proc.stderr


def test_a_second_run_into_the_same_out_is_refused(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Hello there.\n")
    holder = OutDir(str(tmp_path / "o"))
    holder.open()  # as a running mtclean holds it
    try:
        proc = mtclean("run", str(src), "--out", str(tmp_path / "o"))
    finally:
        holder.close()
    assert proc.returncode == 2 and "another mtclean run" in proc.stderr


def test_output_folder_rules(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Hello there.\n\nEditor: Wang\n")
    (tmp_path / "file").write_text("x")
    proc = mtclean("run", str(src), "--out", str(tmp_path / "file"))
    assert proc.returncode == 2 and "is not a folder" in proc.stderr
    out = tmp_path / "o"
    assert mtclean("run", str(src), "--out", str(out), "-q").returncode == 0
    proc = mtclean("run", str(src), "--out", str(out), "-q")
    assert proc.returncode == 2 and "--overwrite" in proc.stderr
    # an input inside --out is refused (the run would overwrite its own input)
    proc = mtclean("run", str(out / "cleaned" / "a.txt"), "--out", str(out), "--overwrite")
    assert proc.returncode == 2 and "inside --out" in proc.stderr
    # --overwrite replaces the whole set: no stale file of the earlier run remains
    (out / "review.html").write_text("old page")
    (out / "cleaned" / "old.txt").write_text("stale")
    other = tmp_path / "b.txt"
    other.write_text("Another text.\n")
    assert mtclean("run", str(other), "--out", str(out), "--overwrite", "-q").returncode == 0
    assert sorted(p.name for p in (out / "cleaned").iterdir()) == ["b.txt"]
    assert not (out / "review.html").exists()
    assert sorted(p.name for p in (out / ".mtclean").iterdir()) == ["lock"]


def test_interrupted_swap_is_finished_from_the_journal(tmp_path):
    out = OutDir(str(tmp_path / "o"))
    out.open()
    (out.root / "summary.json").write_text("old")
    (out.root / "cleaned").mkdir()
    (out.root / "cleaned" / "old.txt").write_text("old")
    (out.root / "rejects.jsonl").write_text("old")
    staging = out.fresh_staging()
    (staging / "summary.json").write_text("new")
    (staging / "cleaned").mkdir()
    (staging / "cleaned" / "new.txt").write_text("new")
    # the journal is written, then the process dies after moving only part of the set
    out.journal.write_text(json.dumps({"new": ["cleaned", "summary.json"]}))
    os.replace(out.root / "summary.json", tmp_path / "gone")
    os.replace(staging / "summary.json", out.root / "summary.json")
    out.close()
    again = OutDir(str(tmp_path / "o"))
    again.open()  # finishes the swap
    again.close()
    assert (out.root / "summary.json").read_text() == "new"
    assert [p.name for p in (out.root / "cleaned").iterdir()] == ["new.txt"]
    assert not (out.root / "rejects.jsonl").exists()


def test_folders_recurse_with_globs_and_skip_their_own_out(tmp_path):
    root = tmp_path / "arch"
    (root / "2024" / "01").mkdir(parents=True)
    (root / "2024" / "02").mkdir(parents=True)
    (root / "2024" / "01" / "news.txt").write_text("January news.\n")
    (root / "2024" / "02" / "news.txt").write_text("February news.\n")
    (root / "2024" / "02" / "draft.txt").write_text("A draft.\n")
    (root / "notes.md").write_text("not an input")
    out = root / "out"
    proc = mtclean("run", str(root), "--out", str(out), "--exclude", "draft*", "-q")
    assert proc.returncode == 0, proc.stderr
    names = sorted(
        p.relative_to(out / "cleaned").as_posix() for p in (out / "cleaned").rglob("*.txt")
    )
    assert names == ["2024/01/news.txt", "2024/02/news.txt"]
    # a second run over the same folder never reads its own earlier output
    proc = mtclean("run", str(root), "--out", str(out), "--include", "*.txt", "--overwrite", "-q")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["inputs"]) == 3 and not any("/out/" in i for i in summary["inputs"])


def test_compressed_inputs_are_read_and_written_compressed(tmp_path):
    text = archive(3)
    (tmp_path / "plain.jsonl").write_text(text, encoding="utf-8")
    with gzip.open(tmp_path / "packed.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(text)
    import bz2
    import lzma

    (tmp_path / "b.jsonl.bz2").write_bytes(bz2.compress(text.encode()))
    (tmp_path / "x.jsonl.xz").write_bytes(lzma.compress(text.encode()))
    out = tmp_path / "o"
    proc = mtclean("run", str(tmp_path), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    plain = (out / "cleaned" / "plain.jsonl").read_bytes()
    assert plain != text.encode()  # something was cleaned
    assert gzip.decompress((out / "cleaned" / "packed.jsonl.gz").read_bytes()) == plain
    assert bz2.decompress((out / "cleaned" / "b.jsonl.bz2").read_bytes()) == plain
    assert lzma.decompress((out / "cleaned" / "x.jsonl.xz").read_bytes()) == plain


def test_summary_records_effective_config_paths_and_stage_stats(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Moisturizing Xinjiang is served with bad fish.\n")
    out = tmp_path / "o"
    tb = ROOT / "glossary" / "xinjiang-aid.tsv"
    proc = mtclean("run", "a.txt", "--out", "o", "--glossary", str(tb), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "summary.json").read_text())
    assert s["effective_config"]["glossary"]["termbases"] == [str(tb)]
    assert s["effective_config"]["glossary_known"]["termbases"] == [str(tb)]
    assert s["inputs"] == [str(src)] and s["outputs"] == {"a.txt": "cleaned/a.txt"}
    assert s["stage_stats"]["language_id"]["segments_per_s"] > 0
    assert s["records"] == {"in": 1, "out": 1, "rejected": 0, "dropped": 0}
    # review apply works from any working directory
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps({"fingerprint": s["fingerprint"], "segments": {}, "hits": {}}))
    proc = mtclean("review", "apply", str(out), str(decisions), cwd=Path("/"))
    assert proc.returncode == 0, proc.stderr
    assert (out / "cleaned" / "a.txt").read_text() == src.read_text()


def test_no_module_imports_one_that_imports_it_back():
    import ast

    pkg = ROOT / "pipeline"
    mods = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in pkg.rglob("*.py")
    }
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[m] |= {n for n in names if n in mods and n != m}
    # every module that is imported, including through a package: no cycle of length 2 or more
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if seen.get(n) == 1:
                cycle = [*stack[stack.index(n) :], n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in seen:
                visit(n)
        stack.pop()
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m)


def test_report_from_the_workers_equals_one_read_back_from_segments(tmp_path, corpus):
    from pipeline.quality.report import write_report

    out = run_cfg(tmp_path, corpus, "w", "-j", "2", toml="[run]\nshard_records = 9\n")
    built = (out / "report.html").read_text(encoding="utf-8")
    write_report(str(out))  # the same page, computed by reading segments.jsonl back
    assert (out / "report.html").read_text(encoding="utf-8") == built
    assert "quality" in built

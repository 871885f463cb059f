"""Runner and CLI behaviour that injected bugs got past (issue 21): resume refusing an edited
input of the same size, output file modes, folder globs on relative paths, gold sidecars not
taken as inputs, and ``--src-lang`` validated."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.runner import RunOptions, run
from tests.conftest import mtclean
from tests.test_multishard import CORPUS, Recorder


def test_resume_refuses_an_input_edited_to_the_same_size(tmp_path):
    src = tmp_path / "news.jsonl"
    src.write_text(CORPUS, encoding="utf-8")
    out = tmp_path / "o"
    cfg = Config(run={"shard_records": 3, "workers": 1})
    with pytest.raises(KeyboardInterrupt):  # stopped after its first shard
        run([str(src)], str(out), cfg, RunOptions(progress=Recorder(1)))
    edited = CORPUS.replace("on Monday", "on Sunday")  # same length, other bytes
    assert edited != CORPUS and len(edited) == len(CORPUS)
    st = src.stat()
    src.write_text(edited, encoding="utf-8")
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old mtime
    with pytest.raises(UsageError) as err:
        run([str(src)], str(out), cfg, RunOptions(resume=True))
    assert "cannot resume" in str(err.value) and "\n" not in str(err.value)
    assert not (out / "summary.json").exists()


def test_outputs_follow_the_umask_not_0600(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Tea museum opens | culture | tea\n\nEditor: Chen\n", encoding="utf-8")
    out = tmp_path / "o"
    old = os.umask(0o022)
    try:
        run([str(src)], str(out), Config(run={"workers": 1}), RunOptions())
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file() and ".mtclean" not in p.parts]
    names = sorted(p.relative_to(out).as_posix() for p in files)
    assert names == [
        "cleaned/a.txt",
        "report.html",
        "segments.jsonl",
        "summary.json",
    ]
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p  # 0o666 & ~0o022


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    for rel in ("keep/a.txt", "skip/b.txt", "keep/deep/c.txt"):
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(f"A short line from {rel}.\n", encoding="utf-8")
    return d


def cleaned_names(out: Path) -> list[str]:
    return sorted(p.relative_to(out / "cleaned").as_posix() for p in out.rglob("cleaned/**/*.*"))


def test_include_glob_matches_the_path_relative_to_the_folder(tmp_path, tree):
    out = tmp_path / "o"
    proc = mtclean("run", str(tree), "--out", str(out), "-q", "--include", "keep/*.txt")
    assert proc.returncode == 0, proc.stderr
    # fnmatch's * crosses "/": keep/deep/c.txt matches keep/*.txt too
    assert cleaned_names(out) == ["keep/a.txt", "keep/deep/c.txt"]


def test_exclude_glob_matches_the_path_relative_to_the_folder(tmp_path, tree):
    out = tmp_path / "o"
    proc = mtclean("run", str(tree), "--out", str(out), "-q", "--exclude", "skip/*")
    assert proc.returncode == 0, proc.stderr
    assert cleaned_names(out) == ["keep/a.txt", "keep/deep/c.txt"]


def test_a_bare_name_glob_still_matches_in_any_subfolder(tmp_path, tree):
    out = tmp_path / "o"
    proc = mtclean("run", str(tree), "--out", str(out), "-q", "--include", "c.txt")
    assert proc.returncode == 0, proc.stderr
    assert cleaned_names(out) == ["keep/deep/c.txt"]


def test_gold_sidecars_in_a_folder_are_not_inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text('{"id": "1", "target": "A plain sentence."}\n', encoding="utf-8")
    (d / "a.gold.jsonl").write_text('{"id": "1", "gold_garbled": false}\n', encoding="utf-8")
    out = tmp_path / "o"
    proc = mtclean("run", str(d), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert cleaned_names(out) == ["a.jsonl"]
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["records"]["in"] == 1 and list(summary["files"]) == ["a.jsonl"]


def test_src_lang_is_validated_and_standardised(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("A plain sentence.\n", encoding="utf-8")
    proc = mtclean("run", str(src), "--out", str(tmp_path / "bad"), "--src-lang", "chinese!")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--src-lang" in proc.stderr
    assert not (tmp_path / "bad" / "summary.json").exists()
    out = tmp_path / "ok"
    proc = mtclean("run", str(src), "--out", str(out), "-q", "--src-lang", "zh_CN")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["effective_config"]["input"]["src_lang"] == "zh-CN"

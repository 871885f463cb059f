"""Reliability, second round (issue 19), the items left after the first pass: each through the
real entry point (``python -m pipeline ...`` in a subprocess), each a one-line exit 2 (or a
working run) where the hostile run found a traceback, a hang or silent wrong output."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, mtclean
from tests.test_reliability import STRACE, _stopped, count_calls, one_line

# -- 5. review apply: TSV cells, and the folder lock


def _finished_tsv(tmp: Path) -> tuple[Path, Path, str]:
    """A finished run over a two-row TSV; its input, folder and fingerprint."""
    src = tmp / "a.tsv"
    src.write_text(
        "id\ttarget\n1\tThe museum opened today.\n2\tThe shop closed.\n", encoding="utf-8"
    )
    out = tmp / "o"
    assert mtclean("run", str(src), "--out", str(out), "-q").returncode == 0
    fp = json.loads((out / "summary.json").read_text(encoding="utf-8"))["fingerprint"]
    return src, out, fp


def _decisions(tmp: Path, fp: str, edits: dict[str, str]) -> Path:
    d = tmp / "d.json"
    d.write_text(json.dumps({"fingerprint": fp, "edits": edits}), encoding="utf-8")
    return d


def _tsv_rows(path: Path) -> list[list[str]]:
    """The cleaned TSV read back the way the TSV reader reads it: one row a line, cells split
    on tabs, no quoting."""
    return [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("bad", ["The museum\topened today.", "The museum\nopened today.", "a\rb"])
def test_review_apply_never_writes_a_tab_or_line_break_into_a_tsv_cell(tmp_path, bad):
    src, out, fp = _finished_tsv(tmp_path)
    d = _decisions(tmp_path, fp, {json.dumps([str(src), "1", 0]): bad})
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 3, proc  # the edit is skipped and said so; the rest is applied
    assert "SKIPPED" in proc.stdout and "TSV cell" in proc.stdout, proc.stdout
    # The cleaned copy still reads back as the same three rows of two cells.
    assert (out / "cleaned" / "a.tsv").read_bytes() == src.read_bytes()
    assert _tsv_rows(out / "cleaned" / "a.tsv") == [
        ["id", "target"],
        ["1", "The museum opened today."],
        ["2", "The shop closed."],
    ]


def test_review_apply_tsv_edit_round_trips_through_the_reader(tmp_path):
    src, out, fp = _finished_tsv(tmp_path)
    edit = 'The "museum", opened — today.'  # quotes and commas are plain text in TSV
    d = _decisions(tmp_path, fp, {json.dumps([str(src), "1", 0]): edit})
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 0, proc
    assert _tsv_rows(out / "cleaned" / "a.tsv")[1] == ["1", edit]
    # A second run over the cleaned copy reads the edit back as the record's target.
    again = mtclean("run", str(out / "cleaned" / "a.tsv"), "--out", str(tmp_path / "o2"), "-q")
    assert again.returncode == 0, again.stderr
    segs = [json.loads(ln) for ln in (tmp_path / "o2" / "segments.jsonl").read_text().splitlines()]
    assert [s["target"] for s in segs if s["record"] == "1"] == [edit]


def test_review_apply_is_refused_while_a_run_holds_the_folder(tmp_path):
    """A second run into the folder is stopped (SIGSTOP injected at its first rename, when it
    holds the lock and has not swapped yet); review apply then refuses in one line and leaves
    cleaned/ alone; the run, continued, completes."""
    src, out, fp = _finished_tsv(tmp_path)
    before = (out / "cleaned" / "a.tsv").read_bytes()
    d = _decisions(tmp_path, fp, {json.dumps([str(src), "1", 0]): "The museum opened."})
    log = tmp_path / "strace.log"
    cmd = [STRACE, "-qq", "-o", str(log), "-e", "trace=rename"]
    cmd += ["-e", "inject=rename:signal=SIGSTOP:when=1"]
    cmd += [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out)]
    cmd += ["-q", "-j1", "--overwrite"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        child = 0
        for _ in range(100_000):  # until the traced python stops (no sleeping on a timer)
            kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            child = int(kids[0]) if kids else 0
            if child and log.exists() and "stopped by SIGSTOP" in log.read_text():
                break
            os.sched_yield()
        assert child and _stopped(child), log.read_text()
        applied = mtclean("review", "apply", str(out), str(d))
        one_line(applied, 2, str(out), "another mtclean run is writing there")
        assert (out / "cleaned" / "a.tsv").read_bytes() == before
        os.kill(child, signal.SIGCONT)
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    # Once the run is done the same decisions apply (the lock was the only obstacle).
    assert mtclean("review", "apply", str(out), str(d)).returncode == 0


# -- 9./10. the config: stage order, combine weights, languages; refused alike by `mtclean
# config` and by a run


@pytest.mark.parametrize(
    "toml, needles",
    [
        # combine before the check it weighs: garble_score would ignore that check's flags
        ('[run]\nstages = ["normalize", "combine", "repetition", "decide"]\n', ["'repetition'"]),
        ('[run]\nstages = ["decide", "normalize", "combine"]\n', ["'normalize'", "'decide'"]),
        ('[run]\nstages = ["normalize", "score", "retranslate"]\n', ["'retranslate'"]),
        ("[combine]\nweights = { repetition = -5.0 }\n", ["weights.repetition", "0"]),
        ("[combine]\nseverity = { minor = inf }\n", ["severity.minor", "finite"]),
        ("[combine]\nweights = { nope = 0.5 }\n", ["[combine] weights", "unknown check 'nope'"]),
        ('[decide]\ndrop_checks = ["nope"]\n', ["[decide] drop_checks", "unknown check 'nope'"]),
        ('[input]\ntgt_lang = "zz"\n', ["tgt_lang", "'zz'", "BCP 47"]),
        ('[input]\nsrc_lang = "english"\n', ["src_lang", "'english'", "BCP 47"]),
    ],
)
def test_a_config_a_run_would_misuse_is_refused_by_config_and_run(tmp_path, toml, needles):
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml, encoding="utf-8")
    one_line(mtclean("config", "--config", str(cfg)), 2, "c.toml", *needles)
    src = tmp_path / "a.txt"
    src.write_text("The museum opened opened today.\n", encoding="utf-8")
    out = tmp_path / "o"
    one_line(mtclean("run", str(src), "--out", str(out), "--config", str(cfg)), 2, *needles)
    assert not (out / "summary.json").exists()


def test_a_config_language_is_standardised_like_the_option(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[input]\ntgt_lang = "zh_CN"\nsrc_lang = ""\n', encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("博物馆今天开放。\n", encoding="utf-8")
    proc = mtclean("run", str(src), "--out", str(tmp_path / "o"), "-q", "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["effective_config"]["input"] == {"src_lang": None, "tgt_lang": "zh-CN"}


# -- 9. a corrupted segments.jsonl or summary.json under review / review apply


def _rewrite_jsonl_row(path: Path, n: int, change) -> None:
    rows = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(rows[n])
    change(row)
    rows[n] = json.dumps(row)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _rewrite_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _truncate(path: Path) -> None:
    """Cut the file inside its last line (as a full disk or a kill would)."""
    data = path.read_bytes()
    path.write_bytes(data[:-40])


SEG = "segments.jsonl"
SUM = "summary.json"
CORRUPTIONS = {
    # name: (file, how, what the one line names besides the file)
    "seg-truncated": (SEG, _truncate, ":2: malformed JSON"),
    "seg-not-json": (SEG, lambda p: p.write_text("{nope\n"), ":1: malformed JSON"),
    "seg-not-utf8": (SEG, lambda p: p.write_bytes(p.read_bytes() + b"\xff\n"), ":3: not UTF-8"),
    "seg-array": (SEG, lambda p: p.write_text(p.read_text() + "[1, 2]\n"), ":3: not a segment"),
    "seg-empty-object": (
        SEG,
        lambda p: p.write_text(p.read_text() + "{}\n"),
        ":3: not a segment row: record",
    ),
    "seg-index-string": (
        SEG,
        lambda p: _rewrite_jsonl_row(p, 0, lambda r: r.update(index="0")),
        ":1: not a segment row: index",
    ),
    "seg-flags-number": (
        SEG,
        lambda p: _rewrite_jsonl_row(p, 1, lambda r: r.update(flags=5)),
        ":2: not a segment row: flags",
    ),
    "seg-hit-missing-keys": (
        SEG,
        lambda p: _rewrite_jsonl_row(p, 0, lambda r: r.update(glossary=[{}])),
        ":1: not a segment row: glossary.0",
    ),
    "seg-target-null": (
        SEG,
        lambda p: _rewrite_jsonl_row(p, 0, lambda r: r.update(target=None)),
        ":1: not a segment row: target",
    ),
    "sum-truncated": (SUM, _truncate, "unreadable summary"),
    "sum-deep": (SUM, lambda p: p.write_text("[" * 100_000), "unreadable summary"),
    "sum-outputs-list": (
        SUM,
        lambda p: _rewrite_json(p, lambda d: d.update(outputs=[1])),
        "outputs",
    ),
    "sum-inputs-null": (
        SUM,
        lambda p: _rewrite_json(p, lambda d: d.update(inputs=[None])),
        "inputs.0",
    ),
    "sum-effective-config-number": (
        SUM,
        lambda p: _rewrite_json(p, lambda d: d.update(effective_config={"input": 5})),
        "effective_config.input",
    ),
}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corrupt")
    _, out, fp = _finished_tsv(tmp)
    return out, _decisions(tmp, fp, {})


@pytest.mark.parametrize("command", ["review", "review apply"])
@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_a_corrupted_run_folder_is_one_line_naming_the_file(finished_run, tmp_path, case, command):
    base, decisions = finished_run
    out = tmp_path / "o"
    shutil.copytree(base, out)
    name, corrupt, needle = CORRUPTIONS[case]
    corrupt(out / name)
    args = ["review", str(out)] if command == "review" else ["review", "apply", str(out)]
    args += [] if command == "review" else [str(decisions)]
    one_line(mtclean(*args), 2, str(out / name), needle)


def test_review_apply_refuses_a_summary_without_outputs(finished_run, tmp_path):
    base, decisions = finished_run
    out = tmp_path / "o"
    shutil.copytree(base, out)
    _rewrite_json(out / SUM, lambda d: d.pop("outputs"))
    before = (out / "cleaned" / "a.tsv").read_bytes()
    proc = mtclean("review", "apply", str(out), str(decisions))
    one_line(proc, 2, str(out / SUM), "'inputs' and 'outputs'")
    assert (out / "cleaned" / "a.tsv").read_bytes() == before


# -- 9. a symlink loop in an input folder; a single 10 MiB token


def test_a_symlink_loop_in_an_input_folder_is_one_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The museum opened today.\n", encoding="utf-8")
    (folder / "b.txt").symlink_to("c.txt")
    (folder / "c.txt").symlink_to("b.txt")
    out = tmp_path / "o"
    one_line(mtclean("run", str(folder), "--out", str(out)), 2, "b.txt", "symbolic link loop")
    # Left out with --exclude, the rest of the folder runs.
    proc = mtclean("run", str(folder), "--out", str(out), "-q", "--exclude", "[bc].txt")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "cleaned").iterdir()) == ["a.txt"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "record",
    [
        {"id": 1, "target": "a" * (10 << 20)},
        # 3 Mi Han characters (9 MiB) in an English target, with a source: source_copy compared
        # them with the quadratic difflib ratio (minutes per 30 K characters)
        {"id": 1, "source": "博物馆今天开放。" * 100, "target": "博" * (3 << 20)},
    ],
    ids=["latin", "han"],
)
def test_a_single_10_mib_token_is_cleaned_like_any_record(tmp_path, record):
    """Before: the score stage raised MemoryError (wordfreq tokenizing the 10 MiB "word"), the
    url/e-mail search was quadratic in it, and source_copy in a long Han target."""
    src = tmp_path / "a.jsonl"
    token = json.dumps(record, ensure_ascii=False)
    other = json.dumps({"id": 2, "target": "The museum opened."})
    src.write_text(token + "\n" + other + "\n", encoding="utf-8")
    out = tmp_path / "o"
    proc = mtclean("run", str(src), "--out", str(out), "-q", "-j1")
    assert proc.returncode == 0, proc.stderr
    assert (out / "cleaned" / "a.jsonl").read_bytes() == src.read_bytes()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["records"] == {"in": 2, "out": 2, "rejected": 0, "dropped": 0}


# -- 10. input names that take the whole 255 bytes of a file name


def test_an_input_name_of_250_bytes_runs_reviews_and_applies(tmp_path):
    """Before: the temp file beside ``cleaned/<name>`` (``.<name>.XXXXXXXX.tmp``) went over
    the 255-byte limit, exit 2 'File name too long'. The cleaned copy keeps the input's name
    (it fits, as the input's does); summary.json maps the input to it."""
    name = "n" * 246 + ".tsv"  # 250 bytes
    folder = tmp_path / "in"
    folder.mkdir()
    src = folder / name
    src.write_text("id\ttarget\n1\tThe museum opened today.\n", encoding="utf-8")
    out = tmp_path / "o"
    for args in ([str(src)], [str(folder)]):  # a file given directly, and found in a folder
        proc = mtclean("run", *args, "--out", str(out), "-q", "--overwrite")
        assert proc.returncode == 0, proc.stderr
        assert (out / "cleaned" / name).read_bytes() == src.read_bytes()
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert list(summary["outputs"].values()) == [f"cleaned/{name}"]
    assert mtclean("review", str(out)).returncode == 0
    key = json.loads((out / "segments.jsonl").read_text(encoding="utf-8").splitlines()[0])
    d = _decisions(tmp_path, summary["fingerprint"], {json.dumps([key["file"], "1", 0]): "Hi."})
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert (out / "cleaned" / name).read_text(encoding="utf-8") == "id\ttarget\n1\tHi.\n"
    assert not list(out.rglob("*.tmp"))


# -- 10. a full disk names the file that could not be written


@pytest.mark.slow
def test_a_full_disk_names_the_file_at_every_fsync(tmp_path):
    """ENOSPC injected (strace) at each fsync of a run in turn, as a full disk reports it on
    the first write-back: every time one line naming the output file, exit 2, no summary."""
    src = tmp_path / "a.tsv"
    src.write_text("id\ttarget\n1\tThe museum opened today.\n2\tEditor: Wang\n", encoding="utf-8")
    out = tmp_path / "o"
    n = count_calls("fsync", "run", str(src), "--out", str(tmp_path / "ref"), "-q", "-j1")
    assert n >= 5
    for when in range(1, n + 1):
        shutil.rmtree(out, ignore_errors=True)
        cmd = [STRACE, "-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync"]
        cmd += ["-e", f"inject=fsync:error=ENOSPC:when={when}"]
        cmd += [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out), "-q", "-j1"]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, stdin=subprocess.DEVNULL
        )
        line = one_line(proc, 2, "No space left on device")
        assert line.startswith(f"mtclean: error: {out}/"), (when, line)
        assert not (out / "summary.json").exists()


# -- 9./10. UTF-32 named as UTF-32, a TOML config nested too deeply (through the CLI)


@pytest.mark.parametrize(
    "encoding, needle",
    [("utf-32", "file is UTF-32"), ("utf-32-le", "UTF-32LE"), ("utf-32-be", "UTF-32BE")],
)
def test_utf32_input_is_named_utf32(tmp_path, encoding, needle):
    src = tmp_path / "a.txt"
    src.write_bytes("Hello there, a longer line.\n".encode(encoding))
    line = one_line(mtclean("run", str(src), "--out", str(tmp_path / "o")), 2, "a.txt", needle)
    assert "UTF-16" not in line


def test_a_deeply_nested_toml_config_is_one_line(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    one_line(mtclean("config", "--config", str(cfg)), 2, "c.toml", "nested too deeply")

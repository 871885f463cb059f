"""The CLI through its real entry point (``python -m pipeline``): outputs, exit codes, errors."""

import json
import shutil

import pytest

from tests.conftest import ROOT, mtclean, read_jsonl

SEGMENT_CONTRACT = [
    "record",
    "index",
    "start",
    "end",
    "target",
    "flags",
    "garble_score",
    "garbled",
    "glossary",
    "output",
    "decision",
]


def one_line_error(proc, *needles: str) -> None:
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0]


def test_run_writes_every_output(tmp_path):
    src = tmp_path / "news.txt"
    src.write_text("Headline here\n\nThe cafÃ© opened. It was busy.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = mtclean("run", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    segs = read_jsonl(out / "segments.jsonl")
    assert [list(s)[: len(SEGMENT_CONTRACT)] for s in segs] == [SEGMENT_CONTRACT] * 3
    assert [(s["record"], s["index"], s["decision"]) for s in segs] == [
        ("L1", 0, "kept"),
        ("L3", 0, "fixed"),
        ("L3", 1, "kept"),
    ]
    assert segs[1]["output"] == "The café opened." and segs[1]["flags"][0]["check"] == "mojibake"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["records"] == {"in": 2, "out": 2, "rejected": 0, "dropped": 0}
    assert summary["decisions"]["fixed"] == 1 and summary["checks"] == {"mojibake": 1}
    assert summary["files"]["news.txt"]["segments"] == 3
    assert set(summary["timings"]) >= {"read", "write", "total"}
    assert (
        out / "cleaned" / "news.txt"
    ).read_text() == "Headline here\n\nThe café opened. It was busy.\n"
    assert not (out / "rejects.jsonl").exists()


def test_unchanged_inputs_are_copied_byte_identical(tmp_path):
    files = {
        "a.txt": b"\xef\xbb\xbfOne.\r\n\r\n\r\nTwo\r\nlines.  \r\n",
        "b.jsonl": b'{"id":"x","target":"Fine.","extra":{"k":1}}\n\n{"id":"y","target":"Ok"}',
        "c.tsv": b"id\ttarget\n1\tHello.\n",
        "d.csv": b'id,target\r\n1,"multi\r\nline"\r\n',
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    out = tmp_path / "out"
    proc = mtclean("run", *(str(tmp_path / n) for n in files), "--out", str(out), "--quiet")
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    for name, data in files.items():
        assert (out / "cleaned" / name).read_bytes() == data


def test_folder_input_expands(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A.\n")
    (tmp_path / "in" / "notes.md").write_text("ignored")
    proc = mtclean("run", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "-q")
    assert proc.returncode == 0
    assert sorted(p.name for p in (tmp_path / "o" / "cleaned").iterdir()) == ["a.txt"]


@pytest.mark.slow  # test_samples_by_hand.py runs the samples at -j1 and -j2 by default
def test_two_runs_are_byte_identical(tmp_path):
    samples = sorted(str(p) for p in (ROOT / "samples").iterdir())
    for n in (1, 2):
        assert mtclean("run", *samples, "--out", str(tmp_path / f"o{n}"), "-q").returncode == 0
    a, b = tmp_path / "o1", tmp_path / "o2"
    assert (a / "segments.jsonl").read_bytes() == (b / "segments.jsonl").read_bytes()
    for p in (a / "cleaned").iterdir():
        assert p.read_bytes() == (b / "cleaned" / p.name).read_bytes()


def test_rejects_go_aside_and_run_completes_with_status_3(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [
        '{"id": "a", "target": "Good."}',
        "{broken",
        '{"id": "a", "target": "dup"}',
        '{"target": "no id"}',
        '{"id": "b"}',
        '{"id": "c", "target": "Fine."}',
    ]
    src.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "d", "target": "\xff"}\n')
    out = tmp_path / "out"
    proc = mtclean("run", str(src), "--out", str(out), "-q")
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    err = proc.stderr.strip().splitlines()
    assert err[0].startswith(f"mtclean: {src}:2: malformed JSON")
    assert len(err) == 5
    rejects = read_jsonl(out / "rejects.jsonl")
    assert [(r["line"], r["file"]) for r in rejects] == [(n, str(src)) for n in (2, 3, 4, 5, 7)]
    assert [list(r) for r in rejects] == [["file", "line", "reason", "raw"]] * 5
    assert rejects[1]["raw"] == lines[2] and "duplicate id" in rejects[1]["reason"]
    assert "undecodable" in rejects[4]["reason"]
    assert (out / "cleaned" / "in.jsonl").read_bytes() == src.read_bytes()
    segs = read_jsonl(out / "segments.jsonl")
    assert [s["record"] for s in segs] == ["a", "c"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["records"] == {"in": 7, "out": 7, "rejected": 5, "dropped": 0}
    assert summary["exit_status"] == 3


@pytest.mark.parametrize(
    "setup,args,needles",
    [
        (None, ["missing.txt"], ["missing.txt", "no such file"]),
        ({"e.txt": b""}, ["e.txt"], ["e.txt", "empty file"]),
        ({"x.docx": b"PK"}, ["x.docx"], ["x.docx", "unknown format"]),
        ({"t.tsv": b"id\tsrc\n"}, ["t.tsv"], ["t.tsv:1", "no 'target' column"]),
        ({"u.txt": "hi".encode("utf-16")}, ["u.txt"], ["u.txt:1", "UTF-16"]),
    ],
)
def test_unusable_input_is_one_line_and_status_2(tmp_path, setup, args, needles):
    for name, data in (setup or {}).items():
        (tmp_path / name).write_bytes(data)
    proc = mtclean("run", *args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2
    one_line_error(proc, *needles)
    assert not (tmp_path / "out" / "segments.jsonl").exists()


def test_same_name_twice_is_a_usage_error(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "a.txt").write_text("A.\n")
    proc = mtclean(
        "run", str(tmp_path / "x/a.txt"), str(tmp_path / "y/a.txt"), "--out", str(tmp_path / "o")
    )
    assert proc.returncode == 2
    one_line_error(proc, "same file name")


@pytest.mark.parametrize(
    "toml,needle",
    [
        ("[run\n", "invalid TOML"),
        ("[nonsense]\nx = 1\n", "unknown table [nonsense]"),
        ("[combine]\nthreshold = 7\n", "[combine] threshold"),
        ('[run]\nstages = ["nope"]\n', "unknown stage 'nope'"),
        ("[normalize]\nmojibak = false\n", "mojibak"),
    ],
)
def test_bad_config_is_one_line_and_status_2(tmp_path, toml, needle):
    (tmp_path / "a.txt").write_text("A.\n")
    (tmp_path / "c.toml").write_text(toml)
    proc = mtclean("run", "a.txt", "--out", "o", "--config", "c.toml", cwd=tmp_path)
    assert proc.returncode == 2
    one_line_error(proc, "c.toml", needle)


def test_usage_errors_exit_2():
    proc = mtclean("run", "x.txt")
    assert proc.returncode == 2 and "--out" in proc.stderr and "Traceback" not in proc.stderr


def test_config_option_applies_and_defaults_print(tmp_path):
    (tmp_path / "a.txt").write_text("The cafÃ© opened.\n")
    (tmp_path / "c.toml").write_text("[normalize]\nmojibake = false\n")
    proc = mtclean("run", "a.txt", "--out", "o", "--config", "c.toml", "-q", cwd=tmp_path)
    assert proc.returncode == 0
    assert read_jsonl(tmp_path / "o" / "segments.jsonl")[0]["decision"] == "kept"
    defaults = mtclean("config")
    assert defaults.returncode == 0 and "[combine]" in defaults.stdout
    (tmp_path / "d.toml").write_text(defaults.stdout)
    assert mtclean("config", "--config", str(tmp_path / "d.toml")).returncode == 0


def test_console_script_is_installed():
    exe = shutil.which("mtclean") or str(ROOT / ".venv" / "bin" / "mtclean")
    import subprocess

    proc = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("mtclean ")


def test_readme_documents_every_config_key_and_command():
    from pipeline.config import defaults_toml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    own, table = [], ""
    for line in defaults_toml().splitlines():
        table = line if line.startswith("[") else table
        if not table.startswith("[test_"):  # stages registered by other tests in this process
            own.append(line)
    for line in own:
        if line.startswith("["):
            assert line.split("]")[0] + "]" in readme, line
        elif " = " in line and not line.startswith("#"):
            assert line.split(" = ")[0] + " = " in readme, line
    for command in (
        "mtclean run",
        "mtclean detect",
        "mtclean review",
        "mtclean review apply",
        "mtclean glossary check",
        "mtclean glossary stats",
        "mtclean config",
        "--glossary",
        "--quiet",
        "--src-lang",
        "--tgt-lang",
        "--config",
        "--out",
    ):
        assert command in readme, command

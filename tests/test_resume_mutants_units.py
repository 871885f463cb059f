"""``pipeline/resume.py`` piece by piece (issue 21, ``make mutate``): the manifest of a model
folder, the hashes of the files a config names, what the fingerprint covers and leaves out,
every reason ``mismatch`` gives, an unreadable work folder, ``HashingReader`` under a
decompressor, and ``check_unchanged``. Expected hashes are SHA-256 of the bytes written here."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import InputError, UsageError, quote_path
from pipeline.resume import (
    HashingReader,
    _manifest,
    check_unchanged,
    config_files,
    file_sha256,
    fingerprint,
    load_fingerprint,
    mismatch,
)
from pipeline.runner import Input


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_file_sha256_of_an_empty_and_a_small_file(tmp_path):
    p = tmp_path / "a.bin"
    p.write_bytes(b"")
    assert file_sha256(p) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    p.write_bytes(b"abc")
    assert file_sha256(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_manifest_hashes_small_files_and_dates_large_ones(tmp_path):
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_bytes(b"{}")
    (folder / "sub" / "vocab.txt").write_bytes(b"a\nb\n")
    edge = b"\0" * (4 << 20)  # exactly the size still hashed
    (folder / "edge.bin").write_bytes(edge)
    big = folder / "weights.bin"
    big.write_bytes(b"\0" * ((4 << 20) + 1))
    os.utime(big, ns=(1_000_000_000, 2_000_000_000))
    assert _manifest(folder) == [
        ["config.json", 2, sha(b"{}")],
        ["edge.bin", 4 << 20, sha(edge)],
        ["sub/vocab.txt", 4, sha(b"a\nb\n")],  # folders are walked, not listed themselves
        ["weights.bin", (4 << 20) + 1, 2_000_000_000],
    ]


def test_config_files_hashes_files_lists_folders_and_skips_the_rest(tmp_path):
    terms = tmp_path / "terms.tsv"
    terms.write_bytes(b"a\tb\n")
    model = tmp_path / "m.d"
    model.mkdir()
    (model / "x").write_bytes(b"x")
    effective = {
        "glossary": {"path": str(terms)},
        "model": [str(model), str(tmp_path / "missing.tsv")],
        "note": "plain words",
    }
    assert config_files(effective) == {
        str(terms.resolve()): sha(b"a\tb\n"),
        str(model.resolve()): [["x", 1, sha(b"x")]],
    }


def _fp(tmp_path: Path, cfg: Config, rewrite: bool = True, stages: list[str] | None = None):
    src = tmp_path / "a.txt"
    if not src.exists():
        src.write_bytes(b"A plain sentence.\n")
    return fingerprint([Input(str(src), "a.txt")], cfg, rewrite, stages or ["normalize"])


def test_fingerprint_covers_the_inputs(tmp_path):
    fp = _fp(tmp_path, Config())
    src = tmp_path / "a.txt"
    st = src.stat()
    assert fp["mtclean"] == __version__
    assert fp["inputs"] == [
        {
            "path": str(src.resolve()),
            "name": "a.txt",
            "size": 18,
            "mtime_ns": st.st_mtime_ns,
            "sha256": sha(b"A plain sentence.\n"),
        }
    ]
    body = {k: fp[k] for k in ("mtclean", "inputs", "config_sha256")}
    assert fp["id"] == sha(json.dumps(body, sort_keys=True).encode())[:16]


def test_fingerprint_ignores_how_the_run_is_spread_but_not_the_rest(tmp_path):
    base = _fp(tmp_path, Config(run={"workers": 1}))
    spread = _fp(
        tmp_path,
        Config(run={"workers": 3, "engine": "datasets", "ray_address": "auto"}),
    )
    assert spread["config_sha256"] == base["config_sha256"]
    assert (
        _fp(tmp_path, Config(stage_options={"retranslate": {"workers": 5}}))["config_sha256"]
        == (_fp(tmp_path, Config(stage_options={"retranslate": {"workers": 2}}))["config_sha256"])
    )
    for other in (
        _fp(tmp_path, Config(run={"shard_records": 7})),
        _fp(tmp_path, Config(), rewrite=False),
        _fp(tmp_path, Config(), stages=["normalize", "decide"]),
    ):
        assert other["config_sha256"] != base["config_sha256"]
        assert other["id"] != base["id"]


def test_fingerprint_changes_with_a_file_the_config_names(tmp_path):
    terms = tmp_path / "terms.tsv"
    terms.write_text("新疆\tXinjiang\n", encoding="utf-8")
    cfg = Config(stage_options={"glossary": {"termbases": [str(terms)]}})
    first = _fp(tmp_path, cfg)
    terms.write_text("新疆\tXinjiang Uygur\n", encoding="utf-8")
    assert _fp(tmp_path, cfg)["config_sha256"] != first["config_sha256"]


FP = {
    "mtclean": "1.0",
    "config_sha256": "c",
    "inputs": [
        {"path": "/d/a.txt", "sha256": "1"},
        {"path": "/d/b.txt", "sha256": "2"},
    ],
}


def test_mismatch_gives_each_reason():
    assert mismatch(FP, json.loads(json.dumps(FP))) == ""
    assert mismatch(FP, {**FP, "mtclean": "1.1"}) == "it was started by mtclean 1.0"
    assert mismatch({**FP, "mtclean": None}, FP) == "it was started by mtclean None"
    assert mismatch(FP, {**FP, "config_sha256": "d"}) == (
        "the effective config differs (or a file it names)"
    )
    other = {**FP, "inputs": [*FP["inputs"], {"path": "/d/c.txt", "sha256": "3"}]}
    assert mismatch(FP, other) == f"input {quote_path('/d/c.txt')} was not part of it"
    edited = {**FP, "inputs": [FP["inputs"][0], {"path": "/d/b.txt", "sha256": "9"}]}
    assert mismatch(FP, edited) == f"input {quote_path('/d/b.txt')} changed since"
    fewer = {**FP, "inputs": [FP["inputs"][1]]}
    assert mismatch(FP, fewer) == "it had other inputs"
    # a damaged entry in the old list is no input at all
    damaged = {**FP, "inputs": [*FP["inputs"], "junk"]}
    assert mismatch(damaged, FP) == ""
    assert mismatch({"mtclean": "1.0", "config_sha256": "c"}, fewer) == (
        f"input {quote_path('/d/b.txt')} was not part of it"
    )


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"a"', "[" * 100_000])
def test_an_unreadable_fingerprint_refuses_the_resume(tmp_path, text):
    p = tmp_path / "fingerprint.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_fingerprint(p, tmp_path / "o")
    assert str(err.value) == (
        f"cannot resume the run in {quote_path(tmp_path / 'o')}: its state is unreadable; "
        "pass --overwrite to start again"
    )


def test_a_missing_fingerprint_refuses_and_a_good_one_loads(tmp_path):
    with pytest.raises(UsageError):
        load_fingerprint(tmp_path / "none.json", tmp_path)
    p = tmp_path / "fingerprint.json"
    p.write_text('{"id": "x"}', encoding="utf-8")
    assert load_fingerprint(p, tmp_path) == {"id": "x"}


def test_hashing_reader_hashes_the_whole_file_under_a_decompressor(tmp_path):
    text = b"first line\nsecond line\n" * 200
    p = tmp_path / "a.txt.gz"
    p.write_bytes(gzip.compress(text))
    raw = p.read_bytes()
    r = HashingReader(str(p))
    assert (r.readable(), r.seekable(), r.closed) == (True, False, False)
    with gzip.GzipFile(fileobj=r) as gz:  # type: ignore[call-overload]
        assert gz.readline() == b"first line\n"  # the decompressor stops before the end
    assert r.hexdigest() == sha(raw)
    r.close()
    assert r.closed


def test_hashing_reader_read_and_readinto(tmp_path):
    p = tmp_path / "a.bin"
    p.write_bytes(b"abcdefgh")
    r = HashingReader(str(p))
    assert r.read(3) == b"abc"
    buf = bytearray(4)
    assert r.readinto(buf) == 4 and bytes(buf) == b"defg"
    buf = bytearray(b"XYZ")
    assert r.readinto(buf) == 1 and bytes(buf) == b"hYZ"  # the tail: only what was read
    assert r.read() == b""
    assert r.hexdigest() == sha(b"abcdefgh")
    r.close()


def test_check_unchanged_refuses_only_the_changed_input(tmp_path):
    a = tmp_path / "a.txt"
    a.write_bytes(b"a")
    fp = {"inputs": [{"path": str(a.resolve()), "sha256": sha(b"a")}]}
    check_unchanged(fp, str(a), sha(b"a"))
    check_unchanged(fp, str(tmp_path / "other.txt"), sha(b"b"))  # not an input of the run
    with pytest.raises(InputError) as err:
        check_unchanged(fp, str(a), sha(b"b"))
    assert str(err.value) == (
        f"{quote_path(str(a))}: changed while mtclean was reading it (same size or not); run again"
    )


def test_a_config_string_that_cannot_be_a_path_does_not_hide_the_others(tmp_path):
    terms = tmp_path / "terms.tsv"
    terms.write_bytes(b"a\tb\n")
    too_long = "/" + "a" * 300 + ".tsv"  # a name longer than any file system allows: OSError
    assert too_long < str(terms)  # looked at first
    with pytest.raises(OSError):
        Path(too_long).is_file()
    assert config_files({"x": too_long, "y": str(terms)}) == {str(terms.resolve()): sha(b"a\tb\n")}

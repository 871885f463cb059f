"""``review apply``: keys, fingerprint, edits re-checked, and hostile decisions files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.review.apply import overrides, rebuild_cleaned
from pipeline.review.page import key_of, load_segments, load_summary, run_fingerprint
from tests.conftest import ROOT, mtclean, read_jsonl
from tests.review.helpers import review

ARCHIVE = (
    "At every stall in the old town visitors ask for bad fish.\n\n"
    "The campus covers 268 acres. Officials from Kazakhstan came.\n\n"
    "Release time:Mar 3, 2023 09:15 AM\n\n"
    "A plain sentence that needs nothing.\n"
)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("apply")
    src = base / "news.txt"
    src.write_text(ARCHIVE, encoding="utf-8")
    out = base / "run"
    glossary = str(ROOT / "glossary" / "xinjiang-aid.tsv")
    proc = mtclean("run", str(src), "--out", str(out), "-q", "--glossary", glossary)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def run_dir(finished_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    return copy


def segs_by_text(run_dir: Path) -> dict[str, dict]:
    return {s["target"][:12]: s for s in read_jsonl(run_dir / "segments.jsonl")}


def key(s: dict, hit: int | None = None) -> str:
    return key_of(s["file"], s["record"], s["index"], hit)


def decisions(run_dir: Path, tmp_path: Path, **parts) -> Path:
    body = {"version": 2, "fingerprint": run_fingerprint(load_summary(str(run_dir)))}
    body.update(parts)
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def cleaned(run_dir: Path) -> str:
    return (run_dir / "cleaned" / "news.txt").read_text(encoding="utf-8")


def test_keys_are_json_arrays_that_cannot_collide():
    a = key_of("X.jsonl::n/a.jsonl", "r", 0)
    b = key_of("X.jsonl", "n/a.jsonl::r", 0)
    assert a != b
    assert json.loads(a) == ["X.jsonl::n/a.jsonl", "r", 0]
    assert key_of("f", "r", 0, 1) == '["f","r",0,1]'


def test_colliding_names_each_get_their_own_decision(tmp_path):
    # The file X.jsonl::n/a.jsonl with record r and the file X.jsonl with record n/a.jsonl::r.
    odd = tmp_path / "X.jsonl::n"
    odd.mkdir()
    line = '{"id": "%s", "target": "Release time:Mar 3, 2023 09:15 AM"}\n'
    (odd / "a.jsonl").write_text(line % "r", encoding="utf-8")
    (tmp_path / "X.jsonl").write_text(line % "n/a.jsonl::r", encoding="utf-8")
    out = tmp_path / "run"
    proc = mtclean("run", str(odd / "a.jsonl"), str(tmp_path / "X.jsonl"), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    segs = read_jsonl(out / "segments.jsonl")
    assert len({key(s) for s in segs}) == 2 and all(s["decision"] == "dropped" for s in segs)
    one = next(s for s in segs if s["file"].endswith("X.jsonl"))
    path = decisions(out, tmp_path, segments={key(one): "accept"}, hits={}, edits={})
    code, _, err = review("apply", str(out), str(path))
    assert code == 0, err
    # only the accepted one is dropped; the other keeps its text
    assert (out / "cleaned" / "a.jsonl").read_bytes() == (odd / "a.jsonl").read_bytes()
    assert b"Release time" not in (out / "cleaned" / "X.jsonl").read_bytes()
    d = overrides(load_segments(str(out)), _load(path, out))
    assert d == {(one["file"], one["record"], one["index"]): None}


def _load(path: Path, out: Path):
    from pipeline.review.apply import load_decisions

    return load_decisions(str(path), str(out))


def test_edit_is_applied_and_rechecked(run_dir, tmp_path):
    s = segs_by_text(run_dir)
    fish, plain = s["At every sta"], s["A plain sent"]
    edits = {
        key(fish): "At every stall in the old town visitors ask for zao fish, the pickled dish.",
        key(plain): "A plain sentence sentence sentence sentence that needs needs nothing.",
    }
    path = decisions(run_dir, tmp_path, edits=edits)
    code, out, err = review("apply", str(run_dir), str(path))
    assert code == 0, err
    text = cleaned(run_dir)
    assert "zao fish, the pickled dish." in text
    assert "sentence sentence sentence" in text  # applied as typed...
    lines = out.splitlines()
    assert "(2 edited)" in lines[0]
    assert any(x.endswith('"L1", 0]: checks pass') for x in lines)
    # ...and flagged by the re-check
    assert any('"L7", 0]: repetition' in x for x in lines), lines


def test_accept_reject_and_hits(run_dir, tmp_path):
    s = segs_by_text(run_dir)
    fish, acres, byline = s["At every sta"], s["The campus c"], s["Release time"]
    assert any(h["action"] == "flagged" for h in acres["glossary"])
    # the run dropped the byline: rejecting that drop is what brings it back below
    assert byline["decision"] == "dropped" and "Release time:Mar 3" not in cleaned(run_dir)
    path = decisions(
        run_dir,
        tmp_path,
        segments={key(fish): "accept", key(byline): "reject"},
        hits={key(acres, 0): "accept"},
    )
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 0, err
    text = cleaned(run_dir)
    assert "zao fish" in text and "268 mu" in text and "Release time:Mar 3" in text


def test_nothing_accepted_restores_the_input(run_dir, tmp_path):
    path = decisions(run_dir, tmp_path)
    assert review("apply", str(run_dir), str(path))[0] == 0
    src = Path(load_summary(str(run_dir))["inputs"][0])
    assert (run_dir / "cleaned" / "news.txt").read_bytes() == src.read_bytes()


def test_rebuild_cleaned_contract(run_dir):
    s = segs_by_text(run_dir)
    plain, byline = s["A plain sent"], s["Release time"]
    stats = rebuild_cleaned(
        str(run_dir),
        {
            (plain["file"], plain["record"], plain["index"]): "Rewritten.",
            (byline["file"], byline["record"], byline["index"]): None,
        },
    )
    assert stats["changed"] == 1 and stats["dropped"] == 1 and stats["files"] == 1
    assert cleaned(run_dir) == (
        "At every stall in the old town visitors ask for bad fish.\n\n"
        "The campus covers 268 acres. Officials from Kazakhstan came.\n\n"
        "Rewritten.\n"
    )


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"segments": {'["nope","L1",0]': "accept"}}, 'segment "[\\"nope\\",\\"L1\\",0]"'),
        ({"edits": {"x::y::0": "text"}}, "segment \"x::y::0\" in 'edits' is not in this run"),
        ({"hits": {'["nope","L1",0,0]': "accept"}}, "hit"),
        ({"segments": {}, "colour": 1}, 'unknown key "colour"'),
    ],
)
def test_unknown_keys_are_refused_by_name(run_dir, tmp_path, parts, message):
    path = decisions(run_dir, tmp_path, **parts)
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_unknown_hit_index_in_a_known_segment_is_refused(run_dir, tmp_path):
    fish = segs_by_text(run_dir)["At every sta"]
    path = decisions(run_dir, tmp_path, hits={key(fish, 7): "accept"})
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 2 and "is not in this run" in err and "7]" in err


def test_decisions_from_another_run_are_refused(run_dir, tmp_path):
    path = tmp_path / "d.json"
    path.write_text('{"fingerprint": "sha256:other", "segments": {}}')
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 2 and "decisions are for another run" in err
    path.write_text('{"segments": {}}')
    code, _, err = review("apply", str(run_dir), str(path))
    assert code == 2 and "no run fingerprint" in err


def test_summary_fingerprint_wins_over_the_fallback(run_dir):
    summary = load_summary(str(run_dir))
    assert run_fingerprint(summary) == summary["fingerprint"]  # the runner writes one
    old = {k: v for k, v in summary.items() if k != "fingerprint"}  # a run without one
    assert run_fingerprint(old).startswith("sha256:")
    assert run_fingerprint({**old, "fingerprint": "run-123"}) == "run-123"
    assert run_fingerprint({**old, "inputs": ["other.txt"]}) != run_fingerprint(old)


def _hostile(tmp_path: Path, kind: str) -> str:
    p = tmp_path / f"{kind}.json"
    if kind == "folder":
        p.mkdir()
    elif kind == "fifo":
        os.mkfifo(p)
    elif kind == "zero":
        p.symlink_to("/dev/zero")
    elif kind == "giant-int":
        p.write_text('{"fingerprint": "x", "segments": {"a": ' + "9" * 5000 + "}}")
    elif kind == "deep":
        p.write_text("[" * 100_000 + "]" * 100_000)
    elif kind == "nan":
        p.write_text('{"fingerprint": NaN}')
    elif kind == "binary":
        p.write_bytes(b"\xff\xfe{\x00")
    elif kind == "missing":
        pass
    return str(p)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("folder", "is a directory"),
        ("fifo", "not a regular file"),
        ("zero", "not a regular file"),
        ("giant-int", "not a decisions JSON file"),
        ("deep", "nested too deeply"),
        ("nan", "NaN is not a JSON value"),
        ("binary", "not UTF-8"),
        ("missing", "no such file"),
    ],
)
def test_hostile_decisions_files_are_one_line_status_2(run_dir, tmp_path, kind, message):
    code, _, err = review("apply", str(run_dir), _hostile(tmp_path, kind))
    assert code == 2, err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_page_and_apply_errors_on_a_run_that_is_not_there(tmp_path):
    code, _, err = review(str(tmp_path / "nope"))
    assert code == 2 and "not a finished run" in err


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=_json,
    use_fp=st.booleans(),
    raw=st.one_of(st.none(), st.binary(max_size=40)),
)
def test_fuzz_decisions_never_crash(finished_run, tmp_path, body, use_fp, raw):
    path = tmp_path / "fuzz.json"
    if raw is not None:
        path.write_bytes(raw)
    else:
        if use_fp and isinstance(body, dict):
            body = {**body, "fingerprint": run_fingerprint(load_summary(str(finished_run)))}
        path.write_text(json.dumps(body), encoding="utf-8")
    run = tmp_path / "run"
    if not run.exists():
        shutil.copytree(finished_run, run)
    code, _, err = review("apply", str(run), str(path))
    assert code in (0, 2, 3), err
    assert "Traceback" not in err and "internal error" not in err
    assert len(err.strip().splitlines()) <= 1


def _run_xliff(tmp_path):
    import shutil

    src = tmp_path / "museum.xlf"
    shutil.copy(Path(__file__).resolve().parents[2] / "samples" / "museum-guide.zh-en.xlf", src)
    out = tmp_path / "run"
    proc = mtclean("run", str(src), "--out", str(out), "-q", "-j", "1")
    assert proc.returncode in (0, 3), proc.stderr
    return src, out


def test_an_edit_that_would_break_inline_markup_is_skipped_and_reported(tmp_path):
    _, out = _run_xliff(tmp_path)
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text().splitlines()]
    tagged = next(s for s in segs if any("\ue000" <= c <= "\uf8ff" for c in s["target"]))
    plain = "".join(c for c in tagged["target"] if not "\ue000" <= c <= "\uf8ff")
    before = (out / "cleaned" / "museum.xlf").read_bytes()
    fp = json.loads((out / "summary.json").read_text())["fingerprint"]
    key = json.dumps([tagged["file"], tagged["record"], tagged["index"]], ensure_ascii=False)
    d = tmp_path / "d.json"
    d.write_text(json.dumps({"fingerprint": fp, "edits": {key: plain + " edited"}}))
    proc = mtclean("review", "apply", str(out), str(d))
    # exit 3: applied, but something was skipped; the skipped edit is named with its reason
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert '"hours", 0]: SKIPPED: inline markup lost: <g id="1">' in proc.stdout
    assert (out / "cleaned" / "museum.xlf").read_bytes() == before  # the unit kept its text


def test_an_edit_with_a_lone_surrogate_is_refused(tmp_path):
    _, out = _run_xliff(tmp_path)
    segs = [json.loads(x) for x in (out / "segments.jsonl").read_text().splitlines()]
    s = segs[0]
    fp = json.loads((out / "summary.json").read_text())["fingerprint"]
    key = json.dumps([s["file"], s["record"], s["index"]], ensure_ascii=False)
    d = tmp_path / "d.json"
    d.write_text(json.dumps({"fingerprint": fp, "edits": {key: "A\ud800B"}}))
    proc = mtclean("review", "apply", str(out), str(d))
    assert proc.returncode == 2 and "not valid Unicode" in proc.stderr, proc.stderr


PO_EN_ZH = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_CN\\n"

msgid "The tea garden had a good harvest this year."
msgstr "茶园今年收成很好。"

msgid "Visitors came from many places."
msgstr "游客来自很多地方。"
"""


def test_recheck_of_an_en_zh_po_edit_uses_the_runs_languages_and_termbase(tmp_path):
    src = tmp_path / "app.po"
    src.write_text(PO_EN_ZH, encoding="utf-8")
    tb = tmp_path / "terms.tsv"
    tb.write_text("source\ttarget\tvariants\ntea garden\t茶园\t茶花园\n", encoding="utf-8")
    out = tmp_path / "run"
    proc = mtclean(
        "run", str(src), "--out", str(out), "-q", "--src-lang", "en", "--tgt-lang", "zh",
        "--glossary", str(tb),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    segs = {s["source"][:9]: s for s in read_jsonl(out / "segments.jsonl")}
    tea, visitors = segs["The tea g"], segs["Visitors "]
    edits = {
        key(tea): "今年茶园的收成非常好。",  # a valid Chinese edit
        key(visitors): "茶花园的游客来自很多地方。",  # the termbase's known wrong variant
    }
    path = decisions(out, tmp_path, edits=edits)
    code, text, err = review("apply", str(out), str(path))
    assert code == 0, err
    lines = text.splitlines()
    tea_lines = [x for x in lines if '"The tea garden' in x]  # long keys are shortened
    assert len(tea_lines) == 1 and tea_lines[0].endswith("checks pass"), (
        lines
    )  # no false "untranslated" / language_id
    assert not any("untranslated" in x or "language_id" in x for x in lines), lines
    visitors_lines = [x for x in lines if '"Visitors came' in x]
    assert len(visitors_lines) == 1 and "glossary_known" in visitors_lines[0], (
        lines
    )  # the run's termbase judged the edit

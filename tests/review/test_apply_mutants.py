"""``review/apply.py`` branch by branch (issue 21: the mutants the line engine left alive).

The run is ``tests/review/test_apply_hits.py``'s three paragraphs: L1 with two replaced hits
(its output ``We saw beta and then alpha in the hall.``, two ``glossary_known`` flags, an
``mt`` and a ``glossary`` candidate), L3 with two flagged hits (two ``glossary_known`` flags),
L5 plain. Every expected text, count and line is worked out by hand below; ``resolve``,
``overrides``, ``rejected_flags`` and ``report_lines`` are also driven with rows written here.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.decisions import Stale, anchor, text_hash
from pipeline.errors import InputError, UsageError
from pipeline.review import apply as ap
from pipeline.review.apply import (
    ApplyResult,
    Decisions,
    apply_decisions,
    load_decisions,
    overrides,
    read_decisions_json,
    rebuild_cleaned,
    rejected_flags,
    report_lines,
    resolve,
)
from pipeline.review.page import key_of, load_summary, run_fingerprint
from tests.conftest import read_jsonl
from tests.review.helpers import review
from tests.review.test_apply_hits import P1, P3, P5, TERMS, TEXT

L1_OUT = "We saw beta and then alpha in the hall."


def make_run(base: Path) -> Path:
    """``mtclean run news.txt --glossary terms.tsv`` in this process (no interpreter start per
    test session: mutation testing runs this file once per mutant)."""
    from pipeline import cli

    (base / "terms.tsv").write_text(TERMS, encoding="utf-8")
    (base / "news.txt").write_text(TEXT, encoding="utf-8")
    out = base / "run"
    args = ["run", str(base / "news.txt"), "--out", str(out), "-q", "-j", "1"]
    with pytest.raises(SystemExit) as done:
        cli.main([*args, "--glossary", str(base / "terms.tsv")])
    assert done.value.code in (0, None)
    return out


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("apply-mutants"))


@pytest.fixture
def run_dir(finished, tmp_path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(finished, copy)
    return copy


def segs(run_dir: Path) -> dict[str, dict[str, Any]]:
    return {s["record"]: s for s in read_jsonl(run_dir / "segments.jsonl")}


def k(run_dir: Path, record: str, hit: int | None = None) -> str:
    s = segs(run_dir)[record]
    return key_of(s["file"], s["record"], s["index"], hit)


def t(run_dir: Path, record: str) -> tuple[str, str, int]:
    s = segs(run_dir)[record]
    return (s["file"], s["record"], s["index"])


def write(tmp_path: Path, body: Any, name: str = "d.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def body(run_dir: Path, **parts: Any) -> dict[str, Any]:
    return {"version": 2, "fingerprint": run_fingerprint(load_summary(str(run_dir)))} | parts


def cleaned(run_dir: Path) -> str:
    return (run_dir / "cleaned" / "news.txt").read_text(encoding="utf-8")


# -- read_decisions_json ------------------------------------------------------------------------


def test_the_size_cap_is_exact(tmp_path, monkeypatch):
    monkeypatch.setattr(ap, "MAX_DECISIONS_BYTES", 8)
    p = tmp_path / "d.json"
    p.write_bytes(b'{"a": 1}')  # 8 bytes: read whole
    assert read_decisions_json(str(p)) == {"a": 1}
    p.write_bytes(b'{"a": 12}')  # 9 bytes
    with pytest.raises(InputError) as err:
        read_decisions_json(str(p))
    assert err.value.reason == "decisions file larger than 8 bytes"


def test_a_byte_order_mark_is_read_and_a_json_error_names_its_line(tmp_path):
    p = tmp_path / "d.json"
    p.write_bytes(b'\xef\xbb\xbf{"segments": {}}')
    assert read_decisions_json(str(p)) == {"segments": {}}
    p.write_bytes(b'{\n"a": 1,\n"b": }\n')
    with pytest.raises(InputError) as err:
        read_decisions_json(str(p))
    assert err.value.line == 3 and err.value.reason == "not a decisions JSON file: Expecting value"
    p.write_bytes(b'{"a": -Infinity}')
    with pytest.raises(InputError) as err:
        read_decisions_json(str(p))
    assert err.value.reason == "not a decisions JSON file: -Infinity is not a JSON value"


# -- load_decisions: what is refused, with the words it is refused with ------------------------


def _refused(run_dir: Path, tmp_path: Path, data: Any) -> str:
    path = write(tmp_path, data)
    with pytest.raises(UsageError) as err:
        load_decisions(path, str(run_dir))
    msg = str(err.value)
    assert msg.startswith(f"{path}: ") and "\n" not in msg
    return msg[len(path) + 2 :]


def test_the_shape_of_the_file_is_refused_by_name(run_dir, tmp_path):
    fp = run_fingerprint(load_summary(str(run_dir)))
    assert _refused(run_dir, tmp_path, []) == (
        'expected {"fingerprint": ..., "segments": {...}, ...}'
    )
    assert _refused(run_dir, tmp_path, {"zeta": 1, "alpha": 2}) == 'unknown key "alpha"'
    for version in (0, 4, "2", None):
        assert _refused(run_dir, tmp_path, {"version": version, "fingerprint": fp}) == (
            f"unknown decisions version {json.dumps(version)}"
        )
    assert _refused(run_dir, tmp_path, {"fingerprint": 7}).startswith("no run fingerprint")
    for kind in ("segments", "hits", "edits", "flags", "choices", "anchors"):
        assert _refused(run_dir, tmp_path, {"fingerprint": fp, kind: []}) == (
            f"{kind!r} must be an object"
        )


@pytest.mark.parametrize("version", [1, 2, 3, None])
def test_versions_one_to_three_and_none_are_read(run_dir, tmp_path, version):
    data = body(run_dir, segments={k(run_dir, "L5"): "reject"})
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    d = load_decisions(write(tmp_path, data), str(run_dir))
    assert d.segments == {t(run_dir, "L5"): "reject"}


def test_every_kind_is_read_into_its_table(run_dir, tmp_path):
    f, _, _ = t(run_dir, "L1")
    data = body(
        run_dir,
        segments={k(run_dir, "L1"): "accept", k(run_dir, "L5"): "reject"},
        edits={k(run_dir, "L5"): "Typed."},
        choices={k(run_dir, "L1"): {"text": L1_OUT}},
        flags={json.dumps([f, "L3", 0, "glossary_known"]): "reject"},
        hits={k(run_dir, "L3", 1): "accept", k(run_dir, "L1", 0): "reject"},
        run={"exported": "2026-12-01"},  # what the review page writes about itself: allowed
    )
    d = load_decisions(write(tmp_path, data), str(run_dir))
    assert d == Decisions(
        segments={(f, "L1", 0): "accept", (f, "L5", 0): "reject"},
        hits={(f, "L3", 0, 1): "accept", (f, "L1", 0, 0): "reject"},
        edits={(f, "L5", 0): "Typed."},
        flags={(f, "L3", 0, "glossary_known"): "reject"},
        choices={(f, "L1", 0): L1_OUT},
        stale=[],
    )


def test_verdicts_edits_and_choices_are_checked(run_dir, tmp_path, monkeypatch):
    f, _, _ = t(run_dir, "L1")
    k1, k3 = k(run_dir, "L1"), k(run_dir, "L3")
    shown1 = json.dumps(k1)
    assert _refused(run_dir, tmp_path, body(run_dir, segments={k1: "maybe"})) == (
        f"segments[{shown1}] must be 'accept' or 'reject'"
    )
    assert _refused(run_dir, tmp_path, body(run_dir, edits={k1: 5})) == (
        f"edits[{shown1}] must be a string"
    )
    for bad in ("A\ud800B", "\udfff"):
        assert _refused(run_dir, tmp_path, body(run_dir, edits={k1: bad})) == (
            f"edits[{shown1}] is not valid Unicode (lone surrogate)"
        )
    # U+D7FF and U+E000 sit just outside the surrogates: accepted.
    d = load_decisions(write(tmp_path, body(run_dir, edits={k1: "\ud7ff\ue000"})), str(run_dir))
    assert d.edits == {(f, "L1", 0): "\ud7ff\ue000"}
    monkeypatch.setattr(ap, "MAX_EDIT_CHARS", 5)
    assert load_decisions(write(tmp_path, body(run_dir, edits={k1: "abcde"})), str(run_dir))
    assert _refused(run_dir, tmp_path, body(run_dir, edits={k1: "abcdef"})) == (
        f"edits[{shown1}] is longer than 5"
    )
    assert _refused(run_dir, tmp_path, body(run_dir, choices={k1: {"text": "abcdef"}})) == (
        f"choices[{shown1}] must name a candidate's text"
    )
    monkeypatch.setattr(ap, "MAX_EDIT_CHARS", 1 << 20)
    for bad in ({"text": 5}, "We saw", {}):
        assert _refused(run_dir, tmp_path, body(run_dir, choices={k1: bad})) == (
            f"choices[{shown1}] must name a candidate's text"
        )
    # L3 has no candidates; L1's output is one of its own.
    assert _refused(run_dir, tmp_path, body(run_dir, choices={k3: {"text": L1_OUT}})) == (
        f"choices[{json.dumps(k3)}] is not a candidate of that segment"
    )


def test_decisions_of_another_run_need_content_keys(run_dir, tmp_path):
    fp = run_fingerprint(load_summary(str(run_dir)))
    assert _refused(run_dir, tmp_path, {"fingerprint": "other", "segments": {}}) == (
        f'decisions are for another run (fingerprint "other", this run is {json.dumps(fp)}) '
        "and carry no content keys; export them again from a current review page"
    )
    old1, old9 = '["old/news.txt","L1",0]', '["old/news.txt","L9",0]'
    data = {
        "fingerprint": "other",
        "segments": {old1: "accept", old9: "reject"},
        "anchors": {old1: anchor(segs(run_dir)["L1"])},  # L1 found by its content
    }
    d = load_decisions(write(tmp_path, data), str(run_dir))
    assert d.segments == {t(run_dir, "L1"): "accept"}
    assert d.stale == [Stale("segments", old9, "no content key")]


def test_a_choice_is_checked_by_kind_length_and_candidates(run_dir, tmp_path, monkeypatch):
    f, _, _ = t(run_dir, "L1")
    bad = json.dumps([f, "L9", 0])
    assert _refused(run_dir, tmp_path, body(run_dir, choices={bad: {"text": "x"}})) == (
        f"segment {json.dumps(bad)} in 'choices' is not in this run"
    )
    monkeypatch.setattr(ap, "MAX_EDIT_CHARS", 5)
    k1 = k(run_dir, "L1")
    # 5 characters: within the cap, so it is judged as a candidate (and is none)
    assert _refused(run_dir, tmp_path, body(run_dir, choices={k1: {"text": "abcde"}})) == (
        f"choices[{json.dumps(k1)}] is not a candidate of that segment"
    )


def test_flag_keys_are_checked(run_dir, tmp_path):
    f, _, _ = t(run_dir, "L3")
    good = json.dumps([f, "L3", 0, "glossary_known"])
    assert _refused(run_dir, tmp_path, body(run_dir, flags={good: "yes"})) == (
        f"flags[{json.dumps(good)}] must be 'accept' or 'reject'"
    )
    for parts in (
        [f, "L3", 1, "glossary_known"],  # no segment 1
        [f, "L3", True, "glossary_known"],  # a bool is no index
        [f, "L3", False, "glossary_known"],  # not even False, equal to 0 as it is
        [[f], "L3", 0, "glossary_known"],  # a list is no file name
        [f, "L3", 0],  # three parts
        [f, "L3", 0, "glossary_known", 1],  # five
        [f, "L3", 0, 5],  # the check must be a name
        [f, 3, 0, "x"],
        [5, "L3", 0, "x"],
        {"file": f},
    ):
        key = json.dumps(parts)
        assert _refused(run_dir, tmp_path, body(run_dir, flags={key: "accept"})) == (
            f"flag {json.dumps(key)} is not in this run"
        )
    assert _refused(run_dir, tmp_path, body(run_dir, flags={"[": "accept"})) == (
        'flag "[" is not in this run'
    )


def test_hit_indexes_are_checked_at_both_ends(run_dir, tmp_path):
    f, _, _ = t(run_dir, "L3")
    # L3 has two hits: 0 and 1 are in the run, -1 and 2 are not.
    d = load_decisions(
        write(tmp_path, body(run_dir, hits={k(run_dir, "L3", 0): "reject"})), str(run_dir)
    )
    assert d.hits == {(f, "L3", 0, 0): "reject"}
    for key in (
        k(run_dir, "L3", 2),
        k(run_dir, "L3", -1),
        k(run_dir, "L5", 0),  # L5 has no hits
        json.dumps([f, "L3", 0, True]),
        json.dumps([f, "L3", 0]),
        json.dumps([f, "L9", 0, 0]),
        "not json",
    ):
        assert _refused(run_dir, tmp_path, body(run_dir, hits={key: "accept"})) == (
            f"hit {json.dumps(key)} is not in this run"
        )
    assert _refused(run_dir, tmp_path, body(run_dir, hits={k(run_dir, "L3", 1): "ok"})) == (
        f"hits[{json.dumps(k(run_dir, 'L3', 1))}] must be 'accept' or 'reject'"
    )


def test_segment_keys_are_checked(run_dir, tmp_path):
    f, _, _ = t(run_dir, "L3")
    for parts in (
        [f, "L3", True],
        [f, "L3", False],
        [f, "L3", [0]],
        [[f], "L3", 0],
        [f, "L3", 0, 0],
        [f, "L3", 1],
        [f, "L3", "0"],
        [f, 3, 0],
    ):
        key = json.dumps(parts)
        assert _refused(run_dir, tmp_path, body(run_dir, segments={key: "accept"})) == (
            f"segment {json.dumps(key)} in 'segments' is not in this run"
        )


def test_a_long_key_is_shown_cut_to_120_characters(run_dir, tmp_path):
    key = json.dumps(["x" * 200, "L1", 0])
    msg = _refused(run_dir, tmp_path, body(run_dir, edits={key: "a"}))
    shown = json.dumps(key)[:117] + "..."
    assert msg == f"segment {shown} in 'edits' is not in this run" and len(shown) == 120
    key = json.dumps(["x" * 102, "L", 0])  # shown in exactly 120 characters: not cut
    assert len(json.dumps(key)) == 120
    msg = _refused(run_dir, tmp_path, body(run_dir, edits={key: "a"}))
    assert msg == f"segment {json.dumps(key)} in 'edits' is not in this run"
    key = json.dumps(["x" * 103, "L", 0])  # 121: cut to 117 and "..."
    msg = _refused(run_dir, tmp_path, body(run_dir, edits={key: "a"}))
    assert msg == f"segment {json.dumps(key)[:117]}... in 'edits' is not in this run"


def test_a_key_is_shown_in_ascii(run_dir, tmp_path):
    key = json.dumps(["f", "é", 0], ensure_ascii=False)
    msg = _refused(run_dir, tmp_path, body(run_dir, segments={key: "accept"}))
    assert msg == 'segment "[\\"f\\", \\"\\u00e9\\", 0]" in \'segments\' is not in this run'


def test_an_unreadable_decisions_file_is_one_error(tmp_path, monkeypatch):
    p = tmp_path / "d.json"
    p.write_text("{}", encoding="utf-8")

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(ap, "open", refuse, raising=False)  # root reads any file: simulate
    with pytest.raises(InputError) as err:
        read_decisions_json(str(p))
    assert err.value.reason == "cannot read: Permission denied"


# -- resolve and overrides on rows written here -------------------------------------------------

KEY = ("f.txt", "r1", 0)


def _row(**kw: Any) -> dict[str, Any]:
    return {
        "file": "f.txt",
        "record": "r1",
        "index": 0,
        "target": "aa bb cc",
        "output": "OUT",
        "decision": "fixed",
        "glossary": [],
        "glossary_base": None,
    } | kw


def _hit(start: int | None, end: int | None, match: str, repl: str | None, action: str) -> dict:
    return {"start": start, "end": end, "match": match, "replacement": repl, "action": action}


def test_an_edit_wins_then_a_choice_then_the_segment_verdict():
    d = Decisions(segments={KEY: "reject"}, edits={KEY: "E"}, choices={KEY: "C"})
    assert resolve(_row(), KEY, d) == "E"
    d.edits.clear()
    assert resolve(_row(), KEY, d) == "C"
    d.choices.clear()
    assert resolve(_row(), KEY, d) == "aa bb cc"  # rejected: the original text
    # ...even where a hit of it was accepted one by one
    d.hits[(*KEY, 0)] = "accept"
    row = _row(glossary=[_hit(0, 2, "aa", "A", "flagged")])
    assert resolve(row, KEY, d) == "aa bb cc"
    assert resolve(row, KEY, Decisions(hits=d.hits)) == "A bb cc"


def test_accepting_a_drop_drops_and_accepting_without_hits_takes_the_output():
    acc = Decisions(segments={KEY: "accept"})
    assert resolve(_row(decision="dropped"), KEY, acc) is None
    assert resolve(_row(), KEY, acc) == "OUT"
    # hits that cannot be applied (no offsets, no replacement, or only kept) are no hits
    unusable = [
        _hit(None, None, "aa", "A", "replaced"),
        _hit(0, 2, "aa", None, "replaced"),
        _hit(3, 5, "bb", "B", "kept"),
    ]
    assert resolve(_row(glossary=unusable), KEY, acc) == "OUT"
    # with no decision at all, an accepted unusable hit changes nothing
    hits = {(*KEY, i): "accept" for i in range(3)}
    assert resolve(_row(glossary=unusable), KEY, Decisions(hits=hits)) == "aa bb cc"


def test_accepting_a_segment_rebuilds_from_the_glossary_base():
    hits = [_hit(0, 2, "xx", "X", "replaced"), _hit(6, 8, "zz", "Z", "flagged")]
    row = _row(glossary=hits, glossary_base="xx yy zz")
    acc = Decisions(segments={KEY: "accept"})
    assert resolve(row, KEY, acc) == "X yy zz"  # the replaced hit; the flagged one is not taken
    acc.hits[(*KEY, 1)] = "accept"
    assert resolve(row, KEY, acc) == "X yy Z"
    acc.hits[(*KEY, 0)] = "reject"
    assert resolve(row, KEY, acc) == "xx yy Z"
    # no base: the target is the text the offsets index
    row = _row(glossary=[_hit(3, 5, "bb", "BBB", "replaced")])
    assert resolve(row, KEY, Decisions(segments={KEY: "accept"})) == "aa BBB cc"


def test_without_a_verdict_only_accepted_hits_that_still_match_the_target_apply():
    hits = [
        _hit(0, 2, "aa", "A", "flagged"),
        _hit(3, 5, "bb", "B", "replaced"),
        _hit(6, 8, "zz", "Z", "flagged"),  # the target has "cc" there: offsets of another text
    ]
    row = _row(glossary=hits)
    all_accepted = Decisions(hits={(*KEY, i): "accept" for i in range(3)})
    assert resolve(row, KEY, all_accepted) == "A B cc"
    assert resolve(row, KEY, Decisions(hits={(*KEY, 1): "reject"})) == "aa bb cc"
    assert resolve(row, KEY, Decisions()) == "aa bb cc"


def test_overrides_name_only_segments_whose_text_changes():
    rows = [
        _row(),
        _row(record="r2", decision="dropped"),
        {k: v for k, v in _row(record="r3").items() if k != "file"},
    ]
    d = Decisions(
        segments={("f.txt", "r2", 0): "accept", ("", "r3", 0): "accept"},
        edits={KEY: "aa bb cc"},  # typed as it was: no change
    )
    assert overrides(rows, d) == {("f.txt", "r2", 0): None, ("", "r3", 0): "OUT"}


# -- rejected flags and the report ----------------------------------------------------------


def _flag(check: str, reason: str | None = None) -> dict[str, Any]:
    return {"check": check, "severity": "minor", "evidence": {"reason": reason} if reason else {}}


def test_rejected_flags_become_one_suppression_per_check():
    a = _row(source="src", flags=[_flag("rep", "twice"), _flag("rep"), _flag("num"), _flag("ok")])
    b = _row(record="r2", flags=[_flag("rep"), _flag("num", "n" * 300)])
    c = _row(record="r3", flags=[_flag("rep")])
    d = Decisions(
        segments={KEY: "reject", ("f.txt", "r3", 0): "accept"},
        flags={(*KEY, "ok"): "accept", ("f.txt", "r2", 0, "num"): "reject"},
    )
    anchor_a = {"file": "f.txt", "record": "r1", "source": text_hash("src")}
    anchor_b = {"file": "f.txt", "record": "r2", "source": None}
    tgt = text_hash("aa bb cc")
    assert rejected_flags([a, b, c], d) == [
        anchor_a | {"target": tgt, "check": "rep", "evidence": "twice"},
        anchor_a | {"target": tgt, "check": "num"},
        anchor_b | {"target": tgt, "check": "num", "evidence": "n" * 200},
    ]


def test_report_lines_by_hand():
    result = ApplyResult(
        stats={"changed": 2, "edited": 1, "kept": 5, "files": 1},
        edits={("f", "r", 0): [], ("f", "r", 1): [_flag("rep", "said twice") | {"severity": "x"}]},
        skipped=[(("f", "r", 2), "tab in a cell")],
        stale=[Stale("edits", '["g","r",0]', "no segment with that content")],
        suppressions=(Path("/s.jsonl"), 3, 2),
    )
    assert result.exit_code == 3
    assert report_lines(result, "RUN", "d.json") == [
        "mtclean: applied d.json: 2 segments changed (1 edited), 0 dropped, 5 kept; "
        "rewrote 1 file(s) in RUN/cleaned/",
        'mtclean: edit ["f", "r", 2]: SKIPPED: tab in a cell',
        'mtclean: edit ["f", "r", 0]: checks pass',
        'mtclean: edit ["f", "r", 1]: rep (x): said twice',
        'mtclean: stale decision edits "[\\"g\\",\\"r\\",0]": no segment with that content; '
        "not applied",
        "mtclean: 3 rejected flag(s), 2 new -> /s.jsonl "
        "(pass it to later runs with --suppressions)",
    ]
    quiet = ApplyResult(stats={}, edits={})
    assert quiet.exit_code == 0
    assert report_lines(quiet, "RUN", "d.json") == [
        "mtclean: applied d.json: 0 segments changed (0 edited), 0 dropped, 0 kept; "
        "rewrote 0 file(s) in RUN/cleaned/"
    ]


# -- the whole command on the run -----------------------------------------------------------


def test_accept_counts_and_rejecting_flags_writes_suppressions(run_dir, tmp_path):
    path = write(tmp_path, body(run_dir, segments={k(run_dir, "L1"): "accept"}))
    code, out, err = review("apply", str(run_dir), path)
    assert code == 0, err
    # L1 changes to its output; L3 and L5 keep their text; nothing rejected: no suppressions.
    assert out.splitlines() == [
        f"mtclean: applied {path}: 1 segments changed (0 edited), 0 dropped, 2 kept; "
        f"rewrote 1 file(s) in {run_dir / 'cleaned'}/"
    ]
    assert not (run_dir / "suppressions.jsonl").exists()

    # Rejecting L3 rejects its two glossary_known flags: one suppression (one check).
    path = write(tmp_path, body(run_dir, segments={k(run_dir, "L3"): "reject"}))
    code, out, err = review("apply", str(run_dir), path)
    assert code == 0, err
    sup = run_dir / "suppressions.jsonl"
    assert out.splitlines()[1:] == [
        f"mtclean: 1 rejected flag(s), 1 new -> {sup} (pass it to later runs with --suppressions)"
    ]
    (line,) = read_jsonl(sup)
    assert (line["record"], line["check"], line["target"]) == (
        "L3",
        "glossary_known",
        text_hash(P3),
    )
    assert line["evidence"] == "'alfa' may be wrong here; approved: 'alpha'"
    # the same decisions again: nothing new
    code, out, _ = review("apply", str(run_dir), path)
    assert out.splitlines()[-1].startswith("mtclean: 1 rejected flag(s), 0 new -> ")
    assert cleaned(run_dir) == TEXT  # L1 back to its input text


def test_a_named_suppressions_file_is_reported_even_when_empty(run_dir, tmp_path):
    path = write(tmp_path, body(run_dir))
    other = tmp_path / "sup.jsonl"
    result = apply_decisions(str(run_dir), path, str(other))
    assert result.suppressions == (other, 0, 0) and result.edits == {}
    assert result.stats == {"kept": 3, "files": 1, "edited": 0}
    assert apply_decisions(str(run_dir), path).suppressions is None


def test_a_chosen_candidate_is_applied_counted_as_edited_and_rechecked(run_dir, tmp_path):
    path = write(tmp_path, body(run_dir, choices={k(run_dir, "L1"): {"text": L1_OUT}}))
    result = apply_decisions(str(run_dir), path)
    assert result.stats == {"changed": 1, "kept": 2, "files": 1, "edited": 1}
    assert result.edits == {t(run_dir, "L1"): []}  # the glossary's text passes the checks
    assert cleaned(run_dir) == f"{L1_OUT}\n\n{P3}\n\n{P5}\n"


def test_an_edit_is_rechecked_with_the_runs_termbase(run_dir, tmp_path):
    typed = "We saw bee here."  # the known wrong variant again
    path = write(tmp_path, body(run_dir, edits={k(run_dir, "L5"): typed}))
    result = apply_decisions(str(run_dir), path)
    assert result.stats == {"changed": 1, "kept": 2, "files": 1, "edited": 1}
    (flag,) = result.edits[t(run_dir, "L5")]
    assert flag["check"] == "glossary_known"
    assert flag["evidence"]["reason"] == "'bee' is a known wrong rendering; approved: 'beta'"
    assert cleaned(run_dir) == f"{P1}\n\n{P3}\n\n{typed}\n"


# -- rebuild_cleaned's refusals ---------------------------------------------------------------


def _set_outputs(run_dir: Path, outputs: dict[str, str], inputs: list[str] | None = None) -> None:
    p = run_dir / "summary.json"
    s = json.loads(p.read_text("utf-8"))
    s["outputs"] = outputs
    if inputs is not None:
        s["inputs"] = inputs
    p.write_text(json.dumps(s), "utf-8")


def test_outputs_must_pair_with_inputs(run_dir):
    src = load_summary(str(run_dir))["inputs"][0]
    _set_outputs(run_dir, {src: "cleaned/news.txt"}, [src, src])
    with pytest.raises(UsageError) as err:
        rebuild_cleaned(str(run_dir), {})
    assert str(err.value) == (
        f"{run_dir / 'summary.json'}: unreadable summary: "
        "'inputs' and 'outputs' must name the same files"
    )


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("out/news.txt", 'output "out/news.txt" is not under cleaned/'),
        ("cleaned/../news.txt", 'output "cleaned/../news.txt" leaves RUN'),
        ("cleaned/a/../../x", 'output "cleaned/a/../../x" leaves RUN'),
    ],
)
def test_an_output_outside_cleaned_is_refused_and_nothing_written(run_dir, name, why):
    src = load_summary(str(run_dir))["inputs"][0]
    before = cleaned(run_dir)
    _set_outputs(run_dir, {src: name})
    with pytest.raises(UsageError) as err:
        rebuild_cleaned(str(run_dir), {})
    assert str(err.value) == f"{run_dir / 'summary.json'}: {why.replace('RUN', str(run_dir))}"
    assert cleaned(run_dir) == before and not (run_dir.parent / "news.txt").exists()


def test_a_symlinked_cleaned_folder_is_refused(run_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (run_dir / "cleaned").rename(elsewhere)
    (run_dir / "cleaned").symlink_to(elsewhere)
    with pytest.raises(UsageError) as err:
        rebuild_cleaned(str(run_dir), {})
    assert str(err.value) == (
        f"{run_dir / 'cleaned'}: is a symlink; review apply writes only inside {run_dir}"
    )
    # a symlink further down (the file itself) is refused the same way
    (run_dir / "cleaned").unlink()
    elsewhere.rename(run_dir / "cleaned")
    target = run_dir / "cleaned" / "news.txt"
    target.rename(tmp_path / "real.txt")
    target.symlink_to(tmp_path / "real.txt")
    with pytest.raises(UsageError) as err:
        rebuild_cleaned(str(run_dir), {})
    assert str(err.value).startswith(f"{target}: is a symlink")


# -- a gzipped TSV: edits the format cannot hold, compressed output ----------------------------

TSV = "id\tsource\ttarget\nr1\t你好\tHello there, friend.\nr2\t再见\tGoodbye for now.\n"


@pytest.fixture
def tsv_run(tmp_path) -> Path:
    from pipeline import cli

    src = tmp_path / "t.tsv.gz"
    src.write_bytes(gzip.compress(TSV.encode("utf-8"), mtime=0))
    out = tmp_path / "trun"
    with pytest.raises(SystemExit) as done:
        cli.main(["run", str(src), "--out", str(out), "-q", "-j", "1"])
    assert done.value.code in (0, None)
    return out


def test_an_edit_a_tsv_cell_cannot_hold_is_skipped_and_the_rest_written_compressed(
    tsv_run, tmp_path
):
    f = str(tmp_path / "t.tsv.gz")
    data = body(
        tsv_run,
        edits={key_of(f, "r1", 0): "Hello\tthere.", key_of(f, "r2", 0): "Bye for now."},
    )
    result = apply_decisions(str(tsv_run), write(tmp_path, data))
    assert result.skipped == [
        ((f, "r1", 0), "a TSV cell cannot hold a tab (the format has no quoting)")
    ]
    assert result.exit_code == 3
    # r1 keeps its text (kept), r2 is changed and counts as edited; only r2 is re-checked.
    assert result.stats == {"kept": 1, "changed": 1, "files": 1, "edited": 1}
    assert list(result.edits) == [(f, "r2", 0)]
    written = gzip.decompress((tsv_run / "cleaned" / "t.tsv.gz").read_bytes()).decode("utf-8")
    assert written == TSV.replace("Goodbye for now.", "Bye for now.")


def test_recheck_without_the_input_uses_the_runs_languages(tsv_run, tmp_path):
    from pipeline.review.apply import recheck
    from pipeline.review.page import load_segments

    (tmp_path / "t.tsv.gz").unlink()
    f = str(tmp_path / "t.tsv.gz")
    segs_ = load_segments(str(tsv_run))
    assert recheck(str(tsv_run), segs_, {}) == {}
    got = recheck(str(tsv_run), segs_, {(f, "r2", 0): "Bye bye bye bye bye bye bye bye."})
    assert "repetition" in [fl["check"] for fl in got[(f, "r2", 0)]]  # judged, input or not


def test_unreadable_json_reasons_in_full(tmp_path):
    p = tmp_path / "d.json"
    cases = [
        (b"\xff\xfe{\x00", None, "not UTF-8 (byte 0)"),
        (b"[" * 100_000 + b"]" * 100_000, None, "not a decisions JSON file: nested too deeply"),
        # Python's message runs on after a ';' (how to raise the limit): cut there
        (
            b'{"a": ' + b"9" * 5000 + b"}",
            None,
            "not a decisions JSON file: Exceeds the limit (4300 digits) for integer string "
            "conversion: value has 5000 digits",
        ),
    ]
    for raw, line, reason in cases:
        p.write_bytes(raw)
        with pytest.raises(InputError) as err:
            read_decisions_json(str(p))
        assert (err.value.line, err.value.reason) == (line, reason)


def test_recheck_uses_the_stages_the_run_ran(run_dir, tmp_path):
    typed = "We saw bee here."  # glossary_known fires on it when that stage runs
    key = t(run_dir, "L5")
    p = run_dir / "summary.json"
    summary = json.loads(p.read_text("utf-8"))
    summary["stages"] = ["normalize", "repetition"]  # a run without the glossary checks
    p.write_text(json.dumps(summary), "utf-8")
    from pipeline.review.apply import recheck
    from pipeline.review.page import load_segments

    assert recheck(str(run_dir), load_segments(str(run_dir)), {key: typed}) == {key: []}
    summary["effective_config"]["run"]["batch_size"] = "many"
    p.write_text(json.dumps(summary), "utf-8")
    with pytest.raises(UsageError) as err:
        recheck(str(run_dir), load_segments(str(run_dir)), {key: typed})
    # the summary reads; its config does not, and the message names where the config came from
    assert str(err.value).startswith(f"{run_dir}/summary.json: built-in defaults: run.batch_size: ")


# -- recheck: each edited record judged in its own language pair, with its own source --------

PAIRS_A = (
    '{"id": "a1", "source": "我们后天见。", "target": "We will meet the day after tomorrow.",'
    ' "src_lang": "zh", "tgt_lang": "en"}\n'
)
PAIRS_B = (
    '{"id": "b1", "source": "Please restart the computer after the update has finished.",'
    ' "target": "Bitte starten Sie den Computer nach dem Update neu.",'
    ' "src_lang": "en", "tgt_lang": "de"}\n'
    '{"id": "b2", "source": "Save your changes before you close the window.",'
    ' "target": "Speichern Sie Ihre Änderungen, bevor Sie das Fenster schließen.",'
    ' "src_lang": "en", "tgt_lang": "de"}\n'
)


@pytest.fixture
def two_pair_run(tmp_path, monkeypatch) -> Path:
    """A zh->en file, then an en->de file (the edited record is in the second input)."""
    from pipeline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.jsonl").write_text(PAIRS_A, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(PAIRS_B, encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        cli.main(["run", "a.jsonl", "b.jsonl", "--out", "out", "-q", "-j", "1"])
    assert done.value.code in (0, None)
    return tmp_path / "out"


def test_record_languages_are_read_for_the_wanted_records_only(two_pair_run):
    from pipeline.config import Config
    from pipeline.review.apply import _record_languages

    summary = load_summary(str(two_pair_run))
    got = _record_languages(summary, {("b.jsonl", "b1")}, Config())
    assert got == {("b.jsonl", "b1"): ("en", "de")}  # not b2, not a1; the second input is read
    assert _record_languages(summary, {("a.jsonl", "a1")}, Config()) == {
        ("a.jsonl", "a1"): ("zh", "en")
    }


def test_an_edit_is_judged_in_its_records_pair_and_against_its_source(two_pair_run):
    from pipeline.review.apply import recheck
    from pipeline.review.page import load_segments

    segs_ = load_segments(str(two_pair_run))
    key = ("b.jsonl", "b1", 0)
    # English typed into a German target: only the record's pair (en->de) makes it wrong.
    english = "Restart your computer once the whole update is complete, then sign in again."
    assert [f["check"] for f in recheck(str(two_pair_run), segs_, {key: english})[key]] == [
        "language_id"
    ]
    # The source typed back as the translation: found only with the record's source.
    copied = "Please restart the computer after the update has finished."
    assert [f["check"] for f in recheck(str(two_pair_run), segs_, {key: copied})[key]] == [
        "source_copy"
    ]
    # A German edit passes.
    german = "Starten Sie den Computer nach dem Update bitte neu."
    assert recheck(str(two_pair_run), segs_, {key: german}) == {key: []}

"""Nothing lost: random Unicode through the whole pipeline, every record accounted for."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import Config
from pipeline.runner import RunOptions, run
from tests.support import read_input

_chars = st.one_of(
    st.characters(codec="utf-8", exclude_characters="\r\n"),
    st.sampled_from([*list("。！？.!? \t\u3000“”"), "Ã©", "é", "\x00", "\x1c"]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
)
_line = st.lists(_chars, max_size=40).map("".join)
_break = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r", "\n \n", "\r\n\n"])


def _run(tmp: Path, name: str, data: bytes) -> tuple[Path, dict]:
    src = tmp / name
    src.write_bytes(data)
    out = tmp / "out"
    result = run([str(src)], str(out), Config(), RunOptions(overwrite=True))
    return out, result.summary


def assert_only_changed_records_differ(data: bytes, cleaned: bytes, records, segs) -> None:
    """Byte-level: everything before the first changed record and after the last one is
    identical, and every unchanged record in between appears, byte for byte and in order."""
    changed = {
        s["record"] for s in segs if s["output"] != s["target"] or s["decision"] == "dropped"
    }
    if not changed:
        assert cleaned == data
        return
    order = [r for r in records]
    idx = [k for k, r in enumerate(order) if r.id in changed]
    first, last = idx[0], idx[-1]
    lo = order[first - 1].span[1] if first > 0 else 0  # end of the unchanged record before
    hi = order[last + 1].span[0] if last + 1 < len(order) else len(data)  # start of the next
    assert cleaned[:lo] == data[:lo]
    tail = len(data) - hi
    assert cleaned[len(cleaned) - tail :] == data[hi:] if tail else True
    pos = lo
    for r in order[first : last + 1]:
        if r.id in changed:
            continue
        piece = data[r.span[0] : r.span[1]]
        found = cleaned.find(piece, pos)
        assert found >= 0, (r.id, piece)
        pos = found + len(piece)


def _segments(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "segments.jsonl").read_text("utf-8").splitlines()]


def _check_segments_cover_targets(segs: list[dict], targets: dict[str, str]) -> None:
    by_rec: dict[str, list[dict]] = {}
    for s in segs:
        by_rec.setdefault(s["record"], []).append(s)
    assert list(by_rec) == list(targets)  # every record, in input order
    for rid, rows in by_rec.items():
        t = targets[rid]
        assert [r["index"] for r in rows] == list(range(len(rows)))
        pos, rebuilt = 0, []
        for r in rows:
            assert t[r["start"] : r["end"]] == r["target"]
            rebuilt += [t[pos : r["start"]], r["target"]]
            pos = r["end"]
        assert "".join(rebuilt) + t[pos:] == t


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_line, _break), min_size=1, max_size=8))
def test_txt_round_trip(tmp_path_factory, parts):
    tmp = tmp_path_factory.mktemp("txt")
    text = "".join(a + b for a, b in parts)
    if not text.strip():
        text += "x"
    data = text.encode("utf-8")
    out, summary = _run(tmp, "in.txt", data)
    segs = _segments(out)
    records = read_input(str(tmp / "in.txt")).records
    _check_segments_cover_targets(segs, {r.id: r.target for r in records})
    r = summary["records"]
    assert r["in"] == len(records) == r["out"] + r["dropped"]
    cleaned = (out / "cleaned" / "in.txt").read_bytes()
    if all(s["output"] == s["target"] for s in segs):
        assert cleaned == data
    assert_only_changed_records_differ(data, cleaned, records, segs)
    if r["out"] == 0:  # nothing visible was left; the cleaned file holds only line breaks
        assert not cleaned.strip()
        return
    back = read_input(str(out / "cleaned" / "in.txt")).records
    assert len(back) == summary["records"]["out"]
    kept = [s["output"] for s in segs if s["decision"] != "dropped" and s["output"].strip()]

    def visible(xs):
        return "".join("".join(xs).split())

    assert visible(r.target for r in back) == visible(kept)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_line, st.booleans(), st.booleans()), min_size=1, max_size=6))
def test_jsonl_round_trip_with_surrogates_and_crlf(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("jsonl")
    lines = []
    targets = {}
    for i, (t, lone, crlf) in enumerate(rows):
        target = t + ("\ud83d" if lone else "") + ("\r\nmore" if crlf else "")
        targets[str(i)] = target
        # json.dumps writes the lone surrogate as an escape, as real exports do.
        lines.append(json.dumps({"id": str(i), "target": target, "keep": [i]}))
    data = ("\r\n".join(lines) + "\r\n").encode()
    out, summary = _run(tmp, "in.jsonl", data)
    _check_segments_cover_targets(_segments(out), targets)
    assert_only_changed_records_differ(
        data,
        (out / "cleaned" / "in.jsonl").read_bytes(),
        read_input(str(tmp / "in.jsonl")).records,
        _segments(out),
    )
    cleaned = (out / "cleaned" / "in.jsonl").read_bytes().decode("utf-8")
    back = [json.loads(x) for x in cleaned.split("\r\n") if x]
    assert [b["id"] for b in back] == list(targets) and all(b["keep"] for b in back)
    segs = _segments(out)
    if all(s["output"] == s["target"] for s in segs):
        assert cleaned.encode() == data
    assert summary["records"] == {"in": len(rows), "out": len(rows), "rejected": 0, "dropped": 0}


_cell = st.lists(
    st.one_of(_chars, st.sampled_from([",", '"', "\n", "\r\n", "，"])), max_size=30
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_cell, _cell), min_size=1, max_size=6))
def test_csv_round_trip_with_quotes_and_embedded_newlines(tmp_path_factory, rows):
    import csv
    import io

    tmp = tmp_path_factory.mktemp("csv")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["id", "target", "note"])
    targets = {}
    for i, (target, note) in enumerate(rows):
        writer.writerow([str(i), target, note])
        targets[str(i)] = target
    data = buf.getvalue().encode("utf-8", "surrogatepass")
    if any("\ud800" <= c <= "\udfff" for c in buf.getvalue()):
        return  # CSV has no escape for lone surrogates; JSONL covers them
    out, summary = _run(tmp, "in.csv", data)
    _check_segments_cover_targets(_segments(out), targets)
    assert_only_changed_records_differ(
        data,
        (out / "cleaned" / "in.csv").read_bytes(),
        read_input(str(tmp / "in.csv")).records,
        _segments(out),
    )
    cleaned = (out / "cleaned" / "in.csv").read_bytes()
    back = list(csv.reader(io.StringIO(cleaned.decode("utf-8"), newline="")))
    assert [r[0] for r in back[1:]] == list(targets)
    assert [r[2] for r in back[1:]] == [n for _, n in rows]  # other cells untouched
    if all(s["output"] == s["target"] for s in _segments(out)):
        assert cleaned == data
    assert summary["records"]["in"] == len(rows) and summary["records"]["rejected"] == 0


def test_a_changed_paragraph_keeps_each_line_break_exactly(tmp_path):
    # CRLF, CR and LF in one file; the first paragraph changes (mojibake), the rest do not.
    data = "The cafÃ© opened today.\r\nIt was busy.\rVery busy.\r\n\r\nUnchanged.\nTail.\n"
    out, summary = _run(tmp_path, "in.txt", data.encode("utf-8"))
    cleaned = (out / "cleaned" / "in.txt").read_bytes()
    assert cleaned == data.replace("cafÃ©", "café").encode("utf-8")
    assert summary["records"] == {"in": 2, "out": 2, "rejected": 0, "dropped": 0}

"""Shards: how inputs are cut, how records become segment rows and how segment decisions become
the cleaned file's edits (issue 21, session 4). Expected values are worked out by hand."""

from __future__ import annotations

from pathlib import Path

from pipeline.readers.registry import format_for
from pipeline.readers.source import Limits
from pipeline.records import Record, Reject
from pipeline.segments import new_row
from pipeline.shards import (
    SEQ_STRIDE,
    ShardInput,
    cleaned_items,
    edit_item,
    new_target,
    read_shards,
    shard_rows,
)
from pipeline.writers.cleaned import DROP, KEEP, REPLACE, Item


def shape(tmp_path: Path, files: dict[str, bytes], size: int) -> list[tuple]:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out = []
    for sh in read_shards(paths, size, Limits(), None, "en"):
        kinds = ["R" if isinstance(i, Record) else "X" for i in sh.items]
        out.append((sh.id, sh.file_index, Path(sh.path).name, sh.first_record, "".join(kinds)))
    return out


def test_shards_count_items_but_first_record_counts_records(tmp_path):
    # a.txt: L1 record, L3 reject (undecodable), L5 and L7 records; b.txt empty; c.txt one record
    files = {"a.txt": b"A\n\n\xff\n\nC\n\nD\n", "b.txt": b"", "c.txt": b"E\n"}
    assert shape(tmp_path, files, 2) == [
        (0, 0, "a.txt", 0, "RX"),  # 2 items, 1 record
        (1, 0, "a.txt", 1, "RR"),  # exactly full: no empty shard after it
        (2, 1, "b.txt", 0, ""),  # a file with no items still gets a shard
        (3, 2, "c.txt", 0, "R"),
    ]
    assert shape(tmp_path, files, 3) == [
        (0, 0, "a.txt", 0, "RXR"),
        (1, 0, "a.txt", 2, "R"),
        (2, 1, "b.txt", 0, ""),
        (3, 2, "c.txt", 0, "R"),
    ]


def rows_of(path: str, first: int, records: list[Record]) -> list[tuple]:
    sh = ShardInput(0, 0, path, first, list(records))
    return [
        tuple(r[k] for k in ("target", "seq", "record", "index", "start", "end"))
        + tuple(r[k] for k in ("line_first", "line_end", "doc"))
        for r in shard_rows(sh)
    ]


def test_shard_rows_seq_spans_and_line_ends():
    text = "One. Two.\nThree."
    recs = [
        Record("L1", text, 1, (0, 16), doc="a.txt"),
        Record("L3", "Four.", 3, (18, 23), doc="a.txt"),
    ]
    s = 5 * SEQ_STRIDE  # the shard's first record is the file's sixth
    assert rows_of("a.txt", 5, recs) == [
        ("One.", s, "L1", 0, 0, 4, True, False, "a.txt"),
        ("Two.", s + 1, "L1", 1, 5, 9, False, True, "a.txt"),  # "\n" after it
        ("Three.", s + 2, "L1", 2, 10, 16, True, True, "a.txt"),
        ("Four.", s + SEQ_STRIDE, "L3", 0, 0, 5, True, True, "a.txt"),
    ]


def test_a_carriage_return_also_ends_a_line():
    recs = [Record("L1", "One.\rTwo.", 1, (0, 9), doc="a.txt")]
    assert [r[6:8] for r in rows_of("a.txt", 0, recs)] == [(True, True), (True, True)]


def test_bilingual_records_and_unsegmented_formats_stay_whole_and_docs_are_named():
    recs = [
        Record("a", "One. Two.", 1, (0, 9), source="一。二。", doc="d1"),
        Record("b", "One. Two.", 2, (10, 19), doc="x.jsonl"),
    ]
    assert rows_of("x.jsonl", 0, recs) == [
        ("One. Two.", 0, "a", 0, 0, 9, True, True, "x.jsonl#d1"),
        ("One.", SEQ_STRIDE, "b", 0, 0, 4, True, False, "x.jsonl"),
        ("Two.", SEQ_STRIDE + 1, "b", 1, 5, 9, False, True, "x.jsonl"),
    ]
    (row,) = shard_rows(ShardInput(0, 0, "x.tmx", 0, [Record("1", "One. Two.", 1, (0, 9))]))
    assert (row["target"], row["start"], row["end"]) == ("One. Two.", 0, 9)


def seg_rows(target: str, spans: list[tuple[int, int]], edits: dict[int, str | None]) -> list:
    """Rows for ``target`` cut at ``spans``; ``edits``: index -> new output, None = dropped."""
    rows = []
    for i, (s, e) in enumerate(spans):
        r = new_row(target[s:e], start=s, end=e, index=i)
        if i in edits:
            if edits[i] is None:
                r["decision"] = "dropped"
            else:
                r["output"] = edits[i]
        rows.append(r)
    return rows


T = "  A. B. C.\n"  # spans (2,4) (5,7) (8,10); lead "  ", tail "\n"
SP = [(2, 4), (5, 7), (8, 10)]


def test_new_target_by_hand():
    assert new_target(T, seg_rows(T, SP, {})) is None
    assert new_target(T, seg_rows(T, SP, {0: None, 1: None, 2: None})) == ""
    # a dropped segment takes the gap before it; a leading one the gap after it
    assert new_target(T, seg_rows(T, SP, {1: None})) == "  A. C.\n"
    assert new_target(T, seg_rows(T, SP, {0: None})) == "  B. C.\n"
    assert new_target(T, seg_rows(T, SP, {2: None})) == "  A. B.\n"
    assert new_target(T, seg_rows(T, SP, {1: "Bee."})) == "  A. Bee. C.\n"
    assert new_target(T, seg_rows(T, SP, {0: "a.", 2: None})) == "  a. B.\n"
    # gaps of different widths: "A.|  |B.|   |C." - dropping B keeps the gap after it
    t = "A.  B.   C."
    assert new_target(t, seg_rows(t, [(0, 2), (4, 6), (9, 11)], {1: None})) == "A.   C."


def test_edit_item_keep_replace_drop():
    txt, jsonl = format_for("a.txt"), format_for("a.jsonl")
    rec = Record("L1", "x", 1, (5, 9))
    assert edit_item(txt, rec, None) == Item(5, 9, KEEP)
    assert edit_item(txt, Reject("f", 1, "r", "raw", (2, 3)), "y") == Item(2, 3, KEEP)
    assert edit_item(txt, rec, " \n ") == Item(5, 9, DROP)  # txt removes a blank record
    assert edit_item(txt, rec, "a\udcffb") == Item(5, 9, REPLACE, b"a\xffb")
    j = Record("a", "x", 1, (0, 25), extra='{"id": "a", "target": "x"}')
    # JSONL's drop rule is "empty": the record stays with an empty target
    assert edit_item(jsonl, j, "") == Item(0, 25, REPLACE, b'{"id": "a", "target": ""}')


def test_cleaned_items_name_records_by_id_and_keep_rejects():
    recs = [
        Record("L1", "x", 1, (0, 1)),
        Reject("a.txt", 3, "r", "L1", (3, 5)),
        Record("L5", "y", 5, (7, 8)),
    ]
    got = list(cleaned_items("a.txt", recs, {"L5": "z", "L1": "w"}))
    assert got == [Item(0, 1, REPLACE, b"w"), Item(3, 5, KEEP), Item(7, 8, REPLACE, b"z")]
    assert list(cleaned_items("a.txt", recs, {})) == [
        Item(0, 1, KEEP),
        Item(3, 5, KEEP),
        Item(7, 8, KEEP),
    ]


def test_a_fix_the_format_cannot_write_is_kept_for_review(tmp_path):
    import io
    import json

    from pipeline.core.stage import rows_to_batch
    from pipeline.shards import render_shard

    p = tmp_path / "a.tsv"
    # header 10 bytes; "1\tOne. Two. Six.\n" 17 bytes (10..27); "2" at 27..28 (one field: reject)
    p.write_bytes(b"id\ttarget\n1\tOne. Two. Six.\n2\n")
    (shard,) = read_shards([str(p)], 10, Limits(), None, "en")
    rows = shard_rows(shard)
    assert [r["target"] for r in rows] == ["One.", "Two.", "Six."]
    rows[0]["decision"], rows[0]["output"] = "fixed", "O\tne."  # a tab: TSV cannot hold it
    rows[1]["decision"] = "dropped"
    seg_out = io.BytesIO()
    out = render_shard(shard, rows_to_batch(rows), True, seg_out)
    why = "a TSV cell cannot hold a tab (the format has no quoting)"
    lines = [json.loads(x) for x in seg_out.getvalue().decode().splitlines()]
    got = [(x["decision"], x["output"], [f["check"] for f in x["flags"]]) for x in lines]
    assert got == [
        ("needs_review", "One.", ["markup"]),
        ("needs_review", "Two.", ["markup"]),
        ("kept", "Six.", []),
    ]
    flag = lines[0]["flags"][0]
    assert (flag["severity"], flag["score"], flag["evidence"]["reason"]) == ("critical", 1.0, why)
    # spans are the rows without their break: 10 + 16 = 26; the reject 27..28
    assert out.items == [Item(10, 26, KEEP), Item(27, 28, KEEP)]
    assert (out.records_in, out.records_out, out.dropped, out.rejected, out.segments) == (
        2,
        2,
        0,
        1,
        3,
    )
    assert dict(out.decisions) == {"needs_review": 2, "kept": 1}
    assert dict(out.checks) == {"markup": 2}
    (rej,) = out.rejects
    assert rej.endswith("}\n") and rej.count("\n") == 1
    assert json.loads(rej) == {
        "file": str(p),
        "line": 3,
        "reason": "expected 2 fields, found 1",
        "raw": "2",
    }

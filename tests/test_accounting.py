"""Pinned, in-process tests of what the last pass writes: each record's new target, the edits to
the cleaned copy, the drop rule's separators, and the record accounting. Fast enough for
mutation testing (``make mutate``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline.readers import Limits
from pipeline.readers.jsonl import target_value_span
from pipeline.segments import new_row
from pipeline.shards import new_target, read_shards, render_shard, shard_rows
from pipeline.stages.base import rows_to_batch
from pipeline.writers.cleaned import DROP, KEEP, REPLACE, Item, write_cleaned


def rows(target: str, spans: list[tuple[int, int]], outputs: list[str], decisions: list[str]):
    return [
        new_row(target[s:e], start=s, end=e, output=o, decision=d)
        for (s, e), o, d in zip(spans, outputs, decisions, strict=True)
    ]


T = "One two. Three four. Five six."
SPANS = [(0, 8), (9, 20), (21, 30)]


@pytest.mark.parametrize(
    "outputs,decisions,expected",
    [
        (["One two.", "Three four.", "Five six."], ["kept"] * 3, None),
        (
            ["One 2.", "Three four.", "Five six."],
            ["fixed", "kept", "kept"],
            "One 2. Three four. Five six.",
        ),
        (["", "Three four.", "Five six."], ["dropped", "kept", "kept"], "Three four. Five six."),
        (["One two.", "", "Five six."], ["kept", "dropped", "kept"], "One two. Five six."),
        (["One two.", "Three four.", ""], ["kept", "kept", "dropped"], "One two. Three four."),
        (["", "", ""], ["dropped"] * 3, ""),
        (["One two.", "3 4.", ""], ["kept", "fixed", "dropped"], "One two. 3 4."),
    ],
)
def test_new_target(outputs, decisions, expected):
    assert new_target(T, rows(T, SPANS, outputs, decisions)) == expected


def test_new_target_keeps_text_around_the_segments():
    t = "  Lead. Tail.\n"
    r = rows(t, [(2, 7), (8, 13)], ["Lead!", ""], ["fixed", "dropped"])
    assert new_target(t, r) == "  Lead!\n"


def _copy(data: bytes, items: list[Item], tmp_path: Path) -> bytes:
    src = tmp_path / "in.txt"
    src.write_bytes(data)
    buf = io.BytesIO()
    write_cleaned(str(src), items, buf)
    return buf.getvalue()


# Paragraphs A, B, C with different separators, a prefix and a suffix.
DATA = b"\nA\n\nB\n\n\nC\r\n"
SP = {"A": (1, 2), "B": (4, 5), "C": (8, 9)}


@pytest.mark.parametrize(
    "actions,expected",
    [
        ({"A": KEEP, "B": KEEP, "C": KEEP}, DATA),
        ({"A": KEEP, "B": DROP, "C": KEEP}, b"\nA\n\nC\r\n"),
        ({"A": DROP, "B": KEEP, "C": KEEP}, b"\nB\n\n\nC\r\n"),
        ({"A": KEEP, "B": KEEP, "C": DROP}, b"\nA\n\nB\r\n"),
        ({"A": KEEP, "B": DROP, "C": DROP}, b"\nA\r\n"),
        ({"A": DROP, "B": DROP, "C": DROP}, b"\n\r\n"),
        ({"A": DROP, "B": KEEP, "C": DROP}, b"\nB\r\n"),
    ],
)
def test_drop_rule_takes_the_separator_after_the_dropped_paragraph(tmp_path, actions, expected):
    items = [Item(*SP[k], actions[k]) for k in "ABC"]
    assert _copy(DATA, items, tmp_path) == expected


def test_replacements_of_other_lengths_and_untouched_bytes(tmp_path):
    data = b"id,target\n1,a\n2,bb\n3,ccc\n"
    items = [
        Item(10, 13, REPLACE, b"1,AAAA"),
        Item(14, 18, KEEP),
        Item(19, 24, REPLACE, b"3,"),
    ]
    assert _copy(data, items, tmp_path) == b"id,target\n1,AAAA\n2,bb\n3,\n"


def test_render_shard_accounts_for_every_record(tmp_path):
    src = tmp_path / "news.txt"
    src.write_bytes(
        b"Headline here\n\nThe cafe opened. It was busy.\n\nBad \xff line.\n\nEditor: Li\n"
    )
    (shard,) = read_shards([str(src)], 100, Limits(), None, "en")
    batch_rows = shard_rows(shard)
    assert [r["target"] for r in batch_rows] == [
        "Headline here",
        "The cafe opened.",
        "It was busy.",
        "Editor: Li",
    ]
    decisions = ["kept", "fixed", "kept", "dropped"]
    outputs = ["Headline here", "The café opened.", "It was busy.", ""]
    for r, d, o in zip(batch_rows, decisions, outputs, strict=True):
        r["decision"], r["output"] = d, o
    batch_rows[1]["flags"] = [{"check": "mojibake"}]
    seg_out = io.BytesIO()
    out = render_shard(shard, rows_to_batch(batch_rows), True, seg_out)
    assert (out.records_in, out.records_out, out.dropped, out.rejected, out.segments) == (
        4,
        3,
        1,
        1,
        4,
    )
    assert dict(out.checks) == {"mojibake": 1}
    assert dict(out.decisions) == {"kept": 2, "fixed": 1, "dropped": 1}
    assert [i.action for i in out.items] == [KEEP, REPLACE, KEEP, DROP]
    assert out.items[1].data == "The café opened. It was busy.".encode()
    assert len(seg_out.getvalue().splitlines()) == 4 and len(out.rejects) == 1
    # detect mode: nothing is rewritten, nothing dropped
    again = render_shard(shard, rows_to_batch(batch_rows), False, io.BytesIO())
    assert [i.action for i in again.items] == [KEEP] * 4
    assert (again.records_out, again.dropped) == (4, 0)


def test_shards_cut_files_in_order_and_count_from_zero(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.txt"
    a.write_text("".join(f'{{"id": {i}, "target": "T{i}."}}\n' for i in range(5)))
    b.write_text("P1.\n\nP2.\n")
    shards = list(read_shards([str(a), str(b)], 2, Limits(), "zh", "en"))
    assert [(s.id, s.file_index, s.first_record, len(s.items)) for s in shards] == [
        (0, 0, 0, 2),
        (1, 0, 2, 2),
        (2, 0, 4, 1),
        (3, 1, 0, 2),
    ]
    assert shards[0].items[0].src_lang == "zh" and shards[3].items[0].doc == str(b)
    seqs = [r["seq"] for r in shard_rows(shards[1])]
    assert seqs == [2 << 24, 3 << 24]


@pytest.mark.parametrize(
    "line,value",
    [
        ('{"id": 1, "target": "x"}', '"x"'),
        ('{ "target" : "a\\"b" , "id": 2 }', '"a\\"b"'),
        ('{"id": 1, "meta": {"target": "no"}, "target": "yes"}', '"yes"'),
        ('{"target": "first", "target": "last"}', '"last"'),
        ('{"id": [1, {"t": 2}], "target":"z","n":1e999}', '"z"'),
    ],
)
def test_target_value_span_finds_the_top_level_target(line, value):
    s, e = target_value_span(line)
    assert line[s:e] == value


@pytest.mark.parametrize(
    "name,data",
    [
        ("a.jsonl", b'{"id": 1, "target": "x"}\n\n  \n{"id": 2}\r\nnot json\n'),
        ("a.tsv", b"id\ttarget\n1\tx\n\n2\ty\r\n3\n"),
        ("a.txt", b"P one.\nstill one.\n\n\nP two.\r\n\r\nP \xff three.\n"),
        ("a.csv", b'id,target\n1,"two\nlines"\n2,x\n'),
    ],
)
def test_progress_counts_equal_the_items_read(tmp_path, name, data):
    from pipeline.readers import Source, format_for, iter_records

    p = tmp_path / name
    p.write_bytes(data)
    fmt = format_for(str(p))
    assert fmt.count(Source(str(p))) == len(list(iter_records(str(p))))

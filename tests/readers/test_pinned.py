"""Exact, in-process expectations for the readers, the shard rows and the cleaned-copy writer:
every field of every record and reject, byte spans and reasons (found by mutation testing)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.readers import Limits, Source, format_for, iter_records
from pipeline.records import Record, Reject
from pipeline.segments import new_row
from pipeline.shards import (
    SEQ_STRIDE,
    ShardInput,
    _keep_for_markup,
    edit_item,
    shard_rows,
)
from pipeline.writers.cleaned import DROP, KEEP, REPLACE, compressed_writer, open_input


def items(tmp_path: Path, name: str, data: bytes, limits: Limits | None = None, **kw):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p), list(iter_records(str(p), limits, **kw))


def fields(r: Record | Reject) -> tuple:
    if isinstance(r, Reject):
        return ("reject", r.line, r.reason, r.raw, r.span)
    return (r.id, r.target, r.line, r.span, r.source, r.src_lang, r.tgt_lang, r.doc, r.reference)


# -- plain text


def test_txt_records_and_rejects_exactly(tmp_path):
    data = b"\xef\xbb\xbfFirst line\r\nsecond\r\n\r\n  \nBad \xff here\nnext\n\nLast"
    path, got = items(tmp_path, "a.txt", data, src_lang="zh")
    bad, last = data.index(b"Bad"), data.index(b"Last")
    assert [fields(r) for r in got] == [
        (
            "L1",
            "First line\r\nsecond",
            1,
            (3, data.index(b"\r\n\r\n")),
            None,
            "zh",
            "en",
            path,
            None,
        ),
        (
            "reject",
            5,
            "undecodable UTF-8 bytes at line 5, column 5",
            "Bad \udcff here\nnext",
            (bad, data.index(b"next") + 4),
        ),
        ("L8", "Last", 8, (last, last + 4), None, "zh", "en", path, None),
    ]


def test_txt_caps_reject_with_the_exact_reason(tmp_path):
    limits = Limits(max_line_bytes=1024, max_record_bytes=1500)
    long_line = b"x" * 1100
    data = b"ok\n\n" + long_line + b"\n\n" + b"y" * 800 + b"\n" + b"z" * 800 + b"\n\nend\n"
    _, got = items(tmp_path, "a.txt", data, limits)
    assert [fields(r)[:3] for r in got] == [
        ("L1", "ok", 1),
        ("reject", 3, "line longer than the cap of 1024 bytes"),
        ("reject", 5, "paragraph longer than the cap of 1500 bytes"),
        ("L8", "end", 8),
    ]
    y = data.index(b"y")
    assert got[1].span == (4, 4 + 1100) and got[2].span == (y, y + 800 + 1 + 800)
    assert got[2].raw == "y" * 800 + "\n"  # what fitted under the cap, for rejects.jsonl


@pytest.mark.parametrize(
    "target,expected",
    [
        ("a\nb", "a\nb"),
        ("a\r\n \r\nb", "a\r\nb"),
        ("  \n\t", None),
        ("x\r\x00\ny", "x\r\x00\ny"),
    ],
)
def test_txt_render(target, expected):
    assert format_for("a.txt").render(None, target) == expected  # type: ignore[arg-type]


# -- JSON Lines


def test_jsonl_records_and_rejects_exactly(tmp_path):
    lines = [
        b'{"id": 7, "target": "T", "source": "S", "src_lang": "zh", "doc": "d", "reference": "R"}',
        b"",
        b"[1]",
        b'{"id": true, "target": "x"}',
        b'{"id": "", "target": "x"}',
        b'{"id": "a"}',
        b'{"id": "b", "target": 3}',
        b'{"id": "c", "target": "x", "doc": [1]}',
        b'{"id": 7, "target": "again"}',
        b'{"id": "e", "target": "bad \xff"}',
        b'{"id": "f" "target": "x"}',
    ]
    _, got = items(tmp_path, "a.jsonl", b"\n".join(lines) + b"\n", tgt_lang="de")
    assert fields(got[0]) == ("7", "T", 1, (0, len(lines[0])), "S", "zh", "de", "d", "R")
    assert [(r.line, r.reason) for r in got[1:]] == [
        (3, "not a JSON object"),
        (4, "'id' must be a string or an integer"),
        (5, "missing 'id'"),
        (6, "missing 'target'"),
        (7, "'target' must be a string"),
        (8, "'doc' must be a string"),
        (9, "duplicate id '7' (first on line 1)"),
        (10, "undecodable UTF-8 bytes at column 28"),
        (11, "malformed JSON: Expecting ',' delimiter at column 12"),
    ]
    start = sum(len(x) + 1 for x in lines[:4])
    assert got[3].raw == '{"id": "", "target": "x"}' and got[3].span == (start, start + 25)


def test_jsonl_oversize_line_is_a_reject(tmp_path):
    data = b'{"id": 1, "target": "' + b"x" * 1200 + b'"}\n{"id": 2, "target": "ok"}\n'
    _, got = items(tmp_path, "a.jsonl", data, Limits(max_line_bytes=1024))
    first = data.index(b"\n")
    head = data[:first].decode()  # under 4,000 bytes: the whole line is kept for rejects.jsonl
    assert fields(got[0]) == (
        "reject",
        1,
        "line longer than the cap of 1024 bytes",
        head,
        (0, first),
    )
    assert got[1].id == "2" and got[1].span == (first + 1, len(data) - 1)


# -- TSV / CSV


def test_tsv_records_exactly(tmp_path):
    data = b"\xef\xbb\xbfid\ttarget\tsource\tnote\n1\tHi\t\xe4\xbd\xa0\tn\n\n2\tx\n1\ty\tz\tw\n"
    path, got = items(tmp_path, "a.tsv", data)
    row = data.index(b"1\tHi")
    assert fields(got[0]) == (
        "1",
        "Hi",
        2,
        (row, row + len("1\tHi\t你\tn".encode())),
        "你",
        None,
        "en",
        path,
        None,
    )
    assert [(r.line, r.reason) for r in got[1:]] == [
        (4, "expected 4 fields, found 2"),
        (5, "duplicate id '1' (first on line 2)"),
    ]
    assert format_for(path).render(got[0], "Yo") == "1\tYo\t你\tn"
    assert format_for(path).count(Source(path)) == 3


def test_csv_multiline_cells_and_rejects_exactly(tmp_path):
    data = b'id,target\n1,"two\r\nlines"\n2,"bad"x\n\n3,"quote ""in"" it"\n 4 ,\n'
    path, got = items(tmp_path, "a.csv", data)
    assert fields(got[0]) == (
        "1",
        "two\r\nlines",
        2,
        (10, data.index(b'"\n2') + 1),
        None,
        None,
        "en",
        path,
        None,
    )
    assert fields(got[1])[:3] == ("reject", 4, "malformed CSV: ',' expected after '\"'")
    assert fields(got[2])[:3] == ("3", 'quote "in" it', 6)
    assert fields(got[3])[:3] == (" 4 ", "", 7)
    assert format_for(path).render(got[2], 'a,"b"') == '3,"a,""b"""'


@pytest.mark.parametrize(
    "header,reason",
    [
        (
            b"id\ttext\n",
            "a.tsv:1: header has no 'target' column (or one mt_<lang> column, e.g. mt_en)",
        ),
        (b"target\tnote\n", "a.tsv:1: header has no 'id' column"),
        (b"id\ttarget\tid\n", "a.tsv:1: header repeats column(s) id"),
        (b"id\ttarg\xffet\n", "a.tsv:1: header row has undecodable UTF-8 bytes"),
    ],
)
def test_table_header_errors(tmp_path, header, reason):
    p = tmp_path / "a.tsv"
    p.write_bytes(header + b"1\tx\n")
    with pytest.raises(InputError) as err:
        list(iter_records(str(p)))
    assert str(err.value) == f"{tmp_path}/{reason}"


# -- shard rows


def test_shard_rows_exactly(tmp_path):
    rec = Record("r1", "One. Two!\nThree", 1, (0, 15), doc="d", src_lang="zh", tgt_lang="en")
    bi = Record("r2", "A. B.", 3, (16, 21), source="源", doc="f.txt", reference="ref")
    rows = shard_rows(
        ShardInput(4, 0, "f.txt", first_record=10, items=[rec, Reject("f", 2, "x", "y"), bi])
    )
    got = [
        (
            r["target"],
            r["record"],
            r["index"],
            r["start"],
            r["end"],
            r["seq"],
            r["line_first"],
            r["line_end"],
            r["doc"],
            r["source"],
            r["src_lang"],
            r["tgt_lang"],
            r["reference"],
            r["file"],
        )
        for r in rows
    ]
    assert got == [
        (
            "One.",
            "r1",
            0,
            0,
            4,
            10 * SEQ_STRIDE,
            True,
            False,
            "f.txt#d",
            None,
            "zh",
            "en",
            None,
            "f.txt",
        ),
        (
            "Two!",
            "r1",
            1,
            5,
            9,
            10 * SEQ_STRIDE + 1,
            False,
            True,
            "f.txt#d",
            None,
            "zh",
            "en",
            None,
            "f.txt",
        ),
        (
            "Three",
            "r1",
            2,
            10,
            15,
            10 * SEQ_STRIDE + 2,
            True,
            True,
            "f.txt#d",
            None,
            "zh",
            "en",
            None,
            "f.txt",
        ),
        (
            "A. B.",
            "r2",
            0,
            0,
            5,
            11 * SEQ_STRIDE,
            True,
            True,
            "f.txt",
            "源",
            None,
            None,
            "ref",
            "f.txt",
        ),
    ]
    assert all(r["output"] == r["target"] and r["decision"] == "kept" for r in rows)


def test_markup_keeps_changed_segments_and_flags_them():
    rows = [
        new_row("Same.", output="Same."),
        new_row("Old.", output="New.", decision="fixed"),
        new_row("Gone.", output="", decision="dropped"),
    ]
    _keep_for_markup(rows, "inline tag 1 lost")
    assert [(r["output"], r["decision"]) for r in rows] == [
        ("Same.", "kept"),
        ("Old.", "needs_review"),
        ("Gone.", "needs_review"),
    ]
    assert rows[0]["flags"] == []
    assert [
        (f["check"], f["severity"], f["score"], f["evidence"]["reason"]) for f in rows[1]["flags"]
    ] == [("markup", "critical", 1.0, "inline tag 1 lost")]


def test_edit_item_rules():
    txt, jsonl = format_for("a.txt"), format_for("a.jsonl")
    rec = Record("L1", "x", 1, (5, 9))
    assert edit_item(txt, rec, None) == (5, 9, KEEP, b"")
    assert edit_item(txt, rec, "  ") == (5, 9, DROP, b"")
    assert edit_item(txt, rec, "Né") == (5, 9, REPLACE, "Né".encode())
    j = Record("a", "x", 1, (0, 24), extra='{"id": "a", "target": "x"}')
    assert edit_item(jsonl, j, "") == (0, 24, REPLACE, b'{"id": "a", "target": ""}')
    assert edit_item(txt, Reject("f", 1, "r", "raw", (2, 3)), "y") == (2, 3, KEEP, b"")


# -- compression


@pytest.mark.parametrize(
    "suffix,decompress",
    [
        (".gz", gzip.decompress),
        (".bz2", bz2.decompress),
        (".xz", lzma.decompress),
        ("", lambda b: b),
    ],
)
def test_compressed_writer_and_open_input_round_trip(tmp_path, suffix, decompress):
    name = f"a.txt{suffix}"
    raw = io.BytesIO()
    w = compressed_writer(name, raw)
    w.write(b"payload\n")
    if w is not raw:
        w.close()
        assert raw.getvalue() != b"payload\n"
    assert decompress(raw.getvalue()) == b"payload\n"
    p = tmp_path / name.upper()  # suffixes are matched case-insensitively
    p.write_bytes(raw.getvalue())
    with open_input(str(p)) as fh:
        assert fh.read() == b"payload\n"


def test_gzip_output_is_deterministic():
    outs = []
    for _ in range(2):
        raw = io.BytesIO()
        w = compressed_writer("x.gz", raw)
        w.write(b"same")
        w.close()
        outs.append(raw.getvalue())
    assert outs[0] == outs[1] and outs[0][4:8] == b"\x00\x00\x00\x00"  # no timestamp

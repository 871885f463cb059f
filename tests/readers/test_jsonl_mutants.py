"""JSON Lines reader: values Python's json cannot hold, optional fields' types, and write-back
of the target alone (issue 21, session 4). Expected values are worked out by hand."""

from __future__ import annotations

from pathlib import Path

from pipeline.readers import iter_records
from pipeline.readers.jsonl import JsonLines, target_value_span
from pipeline.records import Record, Reject


def read(tmp_path: Path, lines: list[bytes]) -> list[tuple]:
    p = tmp_path / "a.jsonl"
    p.write_bytes(b"\n".join(lines) + b"\n")
    out: list[tuple] = []
    for it in iter_records(str(p), None, None, "en"):
        if isinstance(it, Record):
            out.append((it.line, it.id, it.target, it.doc))
        else:
            assert isinstance(it, Reject)
            out.append((it.line, it.reason))
    return out


def test_what_json_cannot_hold_is_a_reject_with_its_reason(tmp_path):
    deep = b'{"id": 1, "target": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    big = b'{"id": 2, "target": "x", "n": ' + b"9" * 5000 + b"}"
    got = read(tmp_path, [deep, big, b'{"id": 3, "target": "ok"}'])
    assert got[0] == (1, "JSON nested too deeply")
    assert got[1][0] == 2 and got[1][1].startswith("unreadable JSON value: ")
    assert ";" not in got[1][1]  # only the first clause of Python's message
    assert got[2][:3] == (3, "3", "ok")


def test_optional_fields_take_strings_and_integers_not_booleans(tmp_path):
    got = read(
        tmp_path,
        [
            b'{"id": 0, "target": "a", "doc": 5}',
            b'{"id": "b", "target": "b", "doc": true}',
            b'{"id": "c", "target": "c", "source": false}',
            b'{"id": "d", "target": "d", "doc": null}',
            b"   ",
            b'{"id": "e", "target": ""}',
        ],
    )
    path = str(tmp_path / "a.jsonl")
    assert got == [
        (1, "0", "a", "5"),  # id 0 is an id; an integer doc is its string
        (2, "'doc' must be a string"),
        (3, "'source' must be a string"),
        (4, "d", "d", path),  # null: not given (the file is the document)
        (6, "e", "", path),  # an empty target is a record (line 5 is blank)
    ]


def test_render_replaces_only_the_target_value():
    line = '  { "id" : 1 ,"target" :\t"old" , "x": "target" }'
    s, e = target_value_span(line)
    assert line[s:e] == '"old"'
    rec = Record("1", "old", 1, (0, len(line)), extra=line)
    assert JsonLines().render(rec, 'n"é') == '  { "id" : 1 ,"target" :\t"n\\"é" , "x": "target" }'


def test_render_of_a_line_with_blanks_after_the_object():
    line = '{"id": 1, "target": "x"} \t'
    rec = Record("1", "x", 1, (0, len(line)), extra=line)
    assert JsonLines().render(rec, "y") == '{"id": 1, "target": "y"} \t'

"""Plain-text reader: the paragraph cap's bounds and what a rejected paragraph keeps (issue 21,
session 4). Byte counts are worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

from pipeline.readers import iter_records
from pipeline.readers.source import Limits
from pipeline.readers.text import PlainText
from pipeline.records import Record, Reject


def read(tmp_path: Path, data: bytes, cap: int, line_cap: int = 64 << 20) -> list[tuple]:
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    out: list[tuple] = []
    for item in iter_records(str(p), Limits(max_line_bytes=line_cap, max_record_bytes=cap)):
        if isinstance(item, Record):
            out.append((item.id, item.target))
        else:
            assert isinstance(item, Reject)
            out.append(("reject", item.line, item.reason, item.raw, item.span))
    return out


def test_a_paragraph_of_exactly_the_cap_is_a_record_mid_file_and_at_the_end(tmp_path):
    # "abc\nde\n" = 4 + 3 = 7 bytes counted (breaks included); the blank line ends it.
    # The second paragraph "fgh\nij\n" starts at byte 8 and is also 7 bytes.
    data = b"abc\nde\n\nfgh\nij\n"
    assert read(tmp_path, data, 7) == [("L1", "abc\nde"), ("L4", "fgh\nij")]
    # cap 6: "de\n" brings 4 to 7 > 6, so only the line that fitted is kept for rejects.jsonl
    assert read(tmp_path, data, 6) == [
        ("reject", 1, "paragraph longer than the cap of 6 bytes", "abc\n", (0, 6)),
        ("reject", 4, "paragraph longer than the cap of 6 bytes", "fgh\n", (8, 14)),
    ]


def test_a_paragraph_of_exactly_the_cap_at_the_end_without_a_break(tmp_path):
    # "abc\nde" = 4 + 2 = 6 bytes
    assert read(tmp_path, b"abc\nde", 6) == [("L1", "abc\nde")]
    assert read(tmp_path, b"abc\nde", 5)[0][:3] == (
        "reject",
        1,
        "paragraph longer than the cap of 5 bytes",
    )


def test_a_rejected_paragraph_keeps_its_first_two_lines_for_rejects_jsonl(tmp_path):
    # four lines of 2 bytes (8, under the cap of 10), then 9 bytes: 17 > 10
    data = b"a\nb\nc\nd\nxxxxxxxx\n"
    assert read(tmp_path, data, 10) == [
        ("reject", 1, "paragraph longer than the cap of 10 bytes", "a\nb\n", (0, 16)),
    ]


def test_a_paragraph_with_a_long_line_keeps_two_lines_for_rejects_jsonl(tmp_path):
    # line cap 4: "xxxxxx" (6 bytes) is over it; the paragraph (2 + 2 + 7 + 2 = 13 bytes) is
    # under the record cap, so every line is held; rejects.jsonl gets the first two
    data = b"a\nb\nxxxxxx\nc\n"
    assert read(tmp_path, data, 100, line_cap=4) == [
        ("reject", 1, "line longer than the cap of 4 bytes", "a\nb\n", (0, 12)),
    ]


def test_render_takes_the_break_just_before_each_kept_line():
    # pieces "a", " ", "b"; breaks "\n", "\r\n": "b" keeps the break before it, "\r\n"
    assert PlainText().render(None, "a\n \r\nb") == "a\r\nb"  # type: ignore[arg-type]
    # pieces "a", " ", "b", "c": "c" keeps "\r"
    assert PlainText().render(None, "a\n \r\nb\rc") == "a\r\nb\rc"  # type: ignore[arg-type]

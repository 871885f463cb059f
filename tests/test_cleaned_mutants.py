"""The cleaned-copy writer: a file with no items, an input that shrank under the reader, and the
gzip header (issue 21, session 4). Expected bytes are worked out by hand."""

from __future__ import annotations

import io

import pytest

from pipeline.errors import InputError
from pipeline.writers.cleaned import DROP, KEEP, REPLACE, Item, compressed_writer, write_cleaned


def cleaned(tmp_path, data: bytes, items: list[Item]) -> bytes:
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    out = io.BytesIO()
    write_cleaned(str(p), items, out)
    return out.getvalue()


def test_a_file_with_no_items_is_copied_whole(tmp_path):
    assert cleaned(tmp_path, b"  \n\n", []) == b"  \n\n"


def test_keep_replace_drop_copy_the_bytes_between_items(tmp_path):
    data = b"HEAD|aa|bb|cc|TAIL"
    # items at 5..7 (aa), 8..10 (bb), 11..13 (cc)
    items = [Item(5, 7, KEEP), Item(8, 10, REPLACE, b"B"), Item(11, 13, KEEP)]
    assert cleaned(tmp_path, data, items) == b"HEAD|aa|B|cc|TAIL"
    # bb dropped: the separator after the last kept item (aa) joins it to cc
    items = [Item(5, 7, KEEP), Item(8, 10, DROP), Item(11, 13, KEEP)]
    assert cleaned(tmp_path, data, items) == b"HEAD|aa|cc|TAIL"


@pytest.mark.parametrize(
    "items",
    [
        [Item(1, 10, KEEP)],  # copying bytes 1..10 runs out
        [Item(0, 1, KEEP), Item(2, 10, DROP)],  # skipping the dropped item to 10 runs out
    ],
    ids=["copy", "skip"],
)
def test_an_input_shorter_than_its_items_is_refused(tmp_path, items):
    with pytest.raises(InputError) as err:
        cleaned(tmp_path, b"abc", items)
    assert err.value.reason == "changed while mtclean was reading it (now shorter)"


def test_gzip_output_names_no_file_and_no_time():
    raw = io.BytesIO()
    w = compressed_writer("a.txt.gz", raw)
    w.write(b"x")
    w.close()
    head = raw.getvalue()[:10]
    # RFC 1952: ID1 ID2 = 1f 8b, CM = 8 (deflate), FLG = 0 (no FNAME), MTIME = 0
    assert head[:8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00"


def test_an_input_already_open_is_read_through_and_left_open(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"HEAD|aa|TAIL")
    out = io.BytesIO()
    with open(p, "rb") as raw:
        write_cleaned(str(p), [Item(5, 7, REPLACE, b"B")], out, raw=raw)
        assert not raw.closed  # its owner closes it
    assert out.getvalue() == b"HEAD|B|TAIL"

"""Plain text: a changed paragraph keeps each line's own break (written against mutants of
``readers/text.py``) and a rejected paragraph is out, not dropped."""

import json

from pipeline.readers.text import PlainText
from tests.conftest import mtclean


def test_render_keeps_each_lines_own_break_when_a_line_is_removed():
    render = PlainText().render
    assert render(None, "Head line\r\n \r\nBody line\r\nLast line") == (  # type: ignore[arg-type]
        "Head line\r\nBody line\r\nLast line"
    )
    assert render(None, "a\r\n\t\nb\rc") == "a\nb\rc"  # type: ignore[arg-type]


def test_changed_crlf_paragraph_stays_crlf_byte_for_byte(tmp_path):
    src = tmp_path / "a.txt"
    data = (
        "A plain first paragraph.\r\n\r\n"
        "The cafÃ© by the canal reopened.\r\n\x07\x07\r\nIt serves tea.\r\n\r\n"
        "Last paragraph.\r\n"
    ).encode()
    src.write_bytes(data)
    proc = mtclean("run", str(src), "--out", str(tmp_path / "o"), "-q")
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "o" / "cleaned" / "a.txt").read_bytes()
    assert (
        out
        == (
            "A plain first paragraph.\r\n\r\n"
            "The café by the canal reopened.\r\nIt serves tea.\r\n\r\n"
            "Last paragraph.\r\n"
        ).encode()
    )


def test_a_rejected_paragraph_counts_as_out_not_dropped(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes(b"First paragraph is fine.\n\nBad \xff\xfe bytes here.\n\nThird one.\n")
    proc = mtclean("run", str(src), "--out", str(tmp_path / "o"), "-q")
    assert proc.returncode == 3
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["records"] == {"in": 3, "out": 3, "rejected": 1, "dropped": 0}

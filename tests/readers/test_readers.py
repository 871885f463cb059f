import pytest

from pipeline.errors import InputError
from pipeline.readers import Source
from tests.support import cleaned_bytes, cleaned_text, read_input, render


def write(tmp_path, name, data: bytes | str):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(p)


def test_txt_paragraph_ids_are_start_lines(tmp_path):
    p = write(tmp_path, "a.txt", "\n\nFirst para\nline two\n\n\n  \nSecond\r\n\r\nThird")
    f = read_input(p)
    assert [(r.id, r.target) for r in f.records] == [
        ("L3", "First para\nline two"),
        ("L8", "Second"),
        ("L10", "Third"),
    ]
    assert all(r.tgt_lang == "en" and r.doc == p for r in f.records)


def test_txt_undecodable_paragraph_is_rejected_and_kept(tmp_path):
    data = b"Good one.\n\nBad \xff\xfe bytes\nsecond line\n\nAlso good.\n"
    f = read_input(write(tmp_path, "a.txt", data))
    assert [r.id for r in f.records] == ["L1", "L6"]
    assert len(f.rejects) == 1 and f.rejects[0].line == 3
    assert "undecodable" in f.rejects[0].reason
    assert cleaned_bytes(f, {}) == data


def test_bom_is_kept(tmp_path):
    data = "\ufeffHello.\n".encode()
    f = read_input(write(tmp_path, "a.txt", data))
    assert f.records[0].target == "Hello."
    assert cleaned_bytes(f, {}) == data


def test_txt_dropping_a_paragraph_takes_its_separator(tmp_path):
    f = read_input(write(tmp_path, "a.txt", "A\n\nB\n\n\nC\n"))
    assert cleaned_text(f, {1: ""}) == "A\n\nC\n"
    assert cleaned_text(f, {2: ""}) == "A\n\nB\n"
    assert cleaned_text(f, {0: "", 1: "", 2: ""}) == "\n"


def test_jsonl_fields_and_unknown_fields_preserved(tmp_path):
    line = '{"id": 7, "target": "T", "source": "源", "doc": "d1", "x": [1, {"y": null}]}'
    f = read_input(write(tmp_path, "a.jsonl", line + "\n"), src_lang="zh")
    r = f.records[0]
    assert (r.id, r.source, r.src_lang, r.doc) == ("7", "源", "zh", "d1")
    assert (
        render(f, r, "New") == '{"id": 7, "target": "New", "source": "源", "doc": "d1", '
        '"x": [1, {"y": null}]}'
    )


@pytest.mark.parametrize(
    "line,reason",
    [
        ("{not json", "malformed JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"target": "x"}', "missing 'id'"),
        ('{"id": "a"}', "missing 'target'"),
        ('{"id": "a", "target": 5}', "'target' must be a string"),
        ('{"id": true, "target": "x"}', "'id' must be"),
    ],
)
def test_jsonl_malformed_lines_are_rejected(tmp_path, line, reason):
    f = read_input(write(tmp_path, "a.jsonl", '{"id": "ok", "target": "x"}\n' + line + "\n"))
    assert [r.id for r in f.records] == ["ok"]
    assert f.rejects[0].line == 2 and reason in f.rejects[0].reason
    assert f.rejects[0].raw == line


def test_jsonl_duplicate_id(tmp_path):
    f = read_input(
        write(tmp_path, "a.jsonl", '{"id": "a", "target": "x"}\n\n{"id": "a", "target": "y"}\n')
    )
    assert f.rejects[0].line == 3 and "duplicate id 'a' (first on line 1)" in f.rejects[0].reason


def test_tsv_and_csv(tmp_path):
    tsv = write(
        tmp_path, "a.tsv", "id\ttarget\tsource\tnote\n1\tHello\t你好\tkeep me\n2\tBye\t\t\n"
    )
    f = read_input(tsv)
    assert [(r.id, r.target, r.source) for r in f.records] == [
        ("1", "Hello", "你好"),
        ("2", "Bye", None),
    ]
    assert render(f, f.records[0], "Hi") == "1\tHi\t你好\tkeep me"
    csv_text = 'id,target,note\n1,"Line one\nline two",n\n2,"He said ""hi""",m\n'
    c = read_input(write(tmp_path, "a.csv", csv_text))
    assert [r.target for r in c.records] == ["Line one\nline two", 'He said "hi"']
    assert [r.line for r in c.records] == [2, 4]
    assert render(c, c.records[1], 'Say "yes", now') == '2,"Say ""yes"", now",m'
    assert cleaned_bytes(c, {}) == csv_text.encode()


def test_table_bad_rows(tmp_path):
    f = read_input(write(tmp_path, "a.tsv", "id\ttarget\n1\tok\n2\n1\tdup\n\tnoid\n"))
    assert [r.id for r in f.records] == ["1"]
    assert [(j.line, j.reason) for j in f.rejects] == [
        (3, "expected 2 fields, found 1"),
        (4, "duplicate id '1' (first on line 2)"),
        (5, "missing 'id'"),
    ]
    c = read_input(write(tmp_path, "b.csv", 'id,target\n1,"bad"x\n2,fine\n'))
    assert [r.id for r in c.records] == ["2"] and "malformed CSV" in c.rejects[0].reason


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("a.txt", b"", "empty file"),
        ("a.jsonl", b"  \n\n", "empty file"),
        ("a.xml", b"<x/>", "unknown format '.xml'"),
        ("a.tsv", b"id\ttext\n1\thi\n", "header has no 'target' column"),
        ("a.csv", b"id,target,id\n", "header repeats column(s) id"),
        ("a.txt", "hi".encode("utf-16"), "UTF-16"),
    ],
)
def test_file_level_errors(tmp_path, name, data, reason):
    with pytest.raises(InputError, match=r".*") as err:
        read_input(write(tmp_path, name, data))
    assert reason in str(err.value) and name in str(err.value)


def test_missing_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_input(str(tmp_path / "nope.txt"))
    (tmp_path / "d.txt").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_input(str(tmp_path / "d.txt"))


def test_unreadable_file(tmp_path, monkeypatch):
    p = write(tmp_path, "a.txt", "x")

    def deny(path):
        def opener(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        return opener

    monkeypatch.setattr("pipeline.readers.source._opener", deny)
    with pytest.raises(InputError, match=r"a\.txt: cannot read: Permission denied"):
        read_input(p)


def test_probe_reads_only_what_it_needs(tmp_path):
    cases = {
        "ws.txt": (b" \n\t\n" * 40000, "empty file"),
        "ok.txt": (b" \n" * 40000 + b"x", None),
        "u16.txt": ("hi".encode("utf-16"), "UTF-16"),
        "u16le.txt": ("Hello there.\n\nSecond paragraph.\n".encode("utf-16-le"), "UTF-16LE"),
        "bom.txt": (b"\xef\xbb\xbfHello", None),
    }
    for name, (data, expected) in cases.items():
        p = write(tmp_path, name, data)
        if expected is None:
            Source(p).probe()
        else:
            with pytest.raises(InputError, match=expected):
                Source(p).probe()


@pytest.mark.parametrize(
    "data,expected",
    [
        ("Hello there, a longer line.\n".encode("utf-32"), "file is UTF-32"),  # with a BOM
        ("Hello there, a longer line.\n".encode("utf-32-le"), "UTF-32LE without a BOM"),
        ("Hello there, a longer line.\n".encode("utf-32-be"), "UTF-32BE without a BOM"),
        ("Hello there.\n".encode("utf-16"), "file is UTF-16;"),
    ],
)
def test_utf32_is_named_utf32_not_utf16(tmp_path, data, expected):
    p = write(tmp_path, "a.txt", data)
    with pytest.raises(InputError) as err:
        Source(p).probe()
    assert expected in str(err.value)


def test_csv_cell_over_131072_characters_is_read(tmp_path):
    # the csv module's default field limit is 131,072; the documented cap is max_record_bytes
    big = "长" * 200_000
    c = read_input(write(tmp_path, "big.csv", f"id,target\n1,{big}\n2,short\n"))
    assert [(r.id, len(r.target)) for r in c.records] == [("1", 200_000), ("2", 5)]
    assert c.rejects == []

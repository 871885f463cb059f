"""TSV/CSV readers: language-named columns, the CSV record cap, counts and render problems
(issue 21, session 4). Expected values are worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.readers import iter_records
from pipeline.readers.source import Limits, Source
from pipeline.readers.table import Csv, Tsv
from pipeline.records import Record, Reject


def items(tmp_path: Path, name: str, data: bytes, limits: Limits | None = None) -> list:
    p = tmp_path / name
    p.write_bytes(data)
    return list(iter_records(str(p), limits, None, "en"))


def langs(rec: Record) -> tuple:
    return (rec.id, rec.target, rec.source, rec.reference, rec.src_lang, rec.tgt_lang)


def test_language_named_columns_give_fields_and_languages(tmp_path):
    data = b"id\tsrc_zh\tmt_de\tref_or_postedit_de\n1\tS\tT\tR\n"
    (rec,) = items(tmp_path, "a.tsv", data)
    assert langs(rec) == ("1", "T", "S", "R", "zh", "de")


def test_the_language_is_the_last_underscore_part(tmp_path):
    # "src_x_zh" -> "zh"; "mt_EN" -> "en" (lower-cased)
    (rec,) = items(tmp_path, "a.tsv", b"id\tsrc_x_zh\tmt_DE\n1\tS\tT\n")
    assert langs(rec) == ("1", "T", "S", None, "zh", "de")


@pytest.mark.parametrize(
    "column,want",
    [
        ("mt_d", "en"),  # 1 letter: not a language; the option's "en" fills in
        ("mt_de", "de"),  # 2 letters
        ("mt_deu", "deu"),  # 3 letters
        ("mt_deut", "en"),  # 4 letters: not taken
        ("mt_d1", "en"),  # not letters
    ],
)
def test_only_two_or_three_letters_are_a_language(tmp_path, column, want):
    (rec,) = items(tmp_path, "a.tsv", f"id\t{column}\n1\tT\n".encode())
    assert (rec.target, rec.tgt_lang) == ("T", want)


def test_a_language_column_wins_over_the_name(tmp_path):
    (rec,) = items(tmp_path, "a.tsv", b"id\tmt_de\ttgt_lang\n1\tT\tfr\n")
    assert (rec.target, rec.tgt_lang) == ("T", "fr")


def test_two_columns_of_one_kind_are_not_guessed(tmp_path):
    with pytest.raises(InputError) as err:
        items(tmp_path, "a.tsv", b"id\tmt_de\tmt_fr\n1\tA\tB\n")
    assert err.value.reason == "header has no 'target' column (or one mt_<lang> column, e.g. mt_en)"
    # a real target column: the mt_ column keeps its name and gives no language
    (rec,) = items(tmp_path, "a.tsv", b"id\ttarget\tmt_de\n1\tT\tM\n")
    assert (rec.target, rec.tgt_lang) == ("T", "en")


def test_a_column_named_three_times_is_named_once(tmp_path):
    with pytest.raises(InputError) as err:
        items(tmp_path, "a.tsv", b"id\ttarget\tnote\tnote\tnote\n")
    assert err.value.reason == "header repeats column(s) note"


def test_csv_record_cap_counts_the_open_lines(tmp_path):
    # header 10 bytes; the record's lines: '1,"a\n' (5 bytes, quote open), 'b\n' (2: 7 open),
    # 'c"\n' closes it.
    data = b'id,target\n1,"a\nb\nc"\n'
    (rec,) = items(tmp_path, "a.csv", data, Limits(max_record_bytes=7))
    assert (rec.id, rec.target, rec.line, rec.span) == ("1", "a\nb\nc", 2, (10, 19))
    got = items(tmp_path, "a.csv", data, Limits(max_record_bytes=6))
    rej = got[0]
    assert isinstance(rej, Reject)
    # two lines pending (7 > 6): raw keeps the break between them, not the last one
    assert (rej.line, rej.reason, rej.raw, rej.span) == (
        2,
        "record longer than the cap of 6 bytes",
        '1,"a\nb',
        (10, 16),
    )


def test_a_multi_line_csv_reject_keeps_its_inner_breaks(tmp_path):
    # the quoted cell is closed, then text follows the quote: csv refuses it (strict)
    data = b'id,target\n1,"a\nb"x\n2,ok\n'
    got = items(tmp_path, "a.csv", data)
    rej, rec = got
    assert isinstance(rej, Reject) and isinstance(rec, Record)
    # span: 10 + len('1,"a\n') 5 + len('b"x') 3 = 18 (the last break is not in it)
    assert (rej.line, rej.raw, rej.span) == (2, '1,"a\nb"x', (10, 18))
    assert rej.reason.startswith("malformed CSV: ")
    assert (rec.id, rec.target, rec.line) == ("2", "ok", 4)


def test_tsv_count_is_non_blank_lines_less_the_header(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_bytes(b"id\ttarget\n")
    assert Tsv().count(Source(str(p))) == 0
    p.write_bytes(b"id\ttarget\n1\tA\n\n2\tB\n")
    assert Tsv().count(Source(str(p))) == 2


def test_tsv_render_problem_names_what_the_cell_cannot_hold():
    assert Tsv().render_problem(None, "plain") is None  # type: ignore[arg-type]
    assert Tsv().render_problem(None, "a\tb") == (  # type: ignore[arg-type]
        "a TSV cell cannot hold a tab (the format has no quoting)"
    )
    for t in ("a\nb", "a\rb"):
        assert Tsv().render_problem(None, t) == (  # type: ignore[arg-type]
            "a TSV cell cannot hold a line break (the format has no quoting)"
        )


def test_csv_render_quotes_only_what_needs_it(tmp_path):
    (rec,) = items(tmp_path, "a.csv", b"id,target,note\n1,x,n\n")
    assert Csv().render(rec, "a,b") == '1,"a,b",n'
    assert Csv().render(rec, "plain") == "1,plain,n"
    assert Csv().render(rec, 'say "hi"') == '1,"say ""hi""",n'

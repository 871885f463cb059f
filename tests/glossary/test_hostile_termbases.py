"""Every hostile termbase in tests/data/hostile/ is refused with its file, line and reason."""

from pathlib import Path

import pytest

from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import Term, TermbaseError, load_termbases
from tests.conftest import ROOT, mtclean

HOSTILE = ROOT / "tests" / "data" / "hostile"

# file -> (line or None, the reason after "file:line: ")
EXPECTED: dict[str, tuple[int | None, str]] = {
    "bad-case.tsv": (2, "case must be 'sensitive' or 'insensitive', not 'sometimes'"),
    "bidi-override-target.csv": (
        2,
        "target '\\u202eragsahK' holds an invisible format character, "
        "U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ),
    "conflicting-variant.tsv": (3, "variant 'Kashi' corrects to 'Kashi City' here but to"),
    "control-char-ref.tbx": (6, "malformed XML: reference to invalid character number"),
    "control-in-quoted-csv.csv": (
        2,
        "target 'Kash\\x07gar' holds a control character, U+0007",
    ),
    "deep-nesting.tbx": (2, "malformed XML: Excessive depth in document"),
    "empty-target.tsv": (2, "empty target"),
    "empty-term.tbx": (6, "empty <term>"),
    "empty.tsv": (None, "empty termbase"),
    "entity-bomb.tbx": (2, "entity declarations are not allowed"),
    "external-entity.tbx": (2, "entity declarations are not allowed"),
    "line-separator-variant.csv": (
        2,
        "variant 'Kash\\u2028gar' holds a line separator, U+2028 (LINE SEPARATOR)",
    ),
    "newline-in-quoted-target.csv": (
        2,
        "target 'Kash\\ngar' holds a control character, U+000A",
    ),
    "no-entries.tbx": (None, "no termEntry or conceptEntry elements"),
    "no-target-column.tsv": (1, "header has no 'target' column"),
    "not-tbx-root.tbx": (2, "not TBX: root element is <html>"),
    "not-utf8.tsv": (None, "not UTF-8 (invalid start byte at byte 14)"),
    # libxml2 ends this message with a newline mid-sentence; it must still be one line.
    "nul-in-term.tbx": (6, "malformed XML: not well-formed (invalid token)"),
    "nul-in-variant.tsv": (2, "variant 'bad\\x00fish' holds a control character, U+0000"),
    "parameter-entity.tbx": (2, "entity declarations are not allowed"),
    "ragged-row.csv": (2, "expected 3 fields, found 2"),
    "truncated.tbx": (7, "malformed XML: "),
    "undeclared-entity.tbx": (6, "malformed XML: undefined entity"),
    "unknown-encoding.tbx": (1, "malformed XML: unknown encoding: TTF-8"),
    "unresolved-entity.tbx": (7, "entity reference &ent; is not allowed"),
    "unterminated-quote.csv": (2, "malformed row: unexpected end of data"),
    "utf16.tsv": (None, "not UTF-8 (invalid start byte at byte 0)"),
    "variant-is-approved.tsv": (2, "variant 'Kashi' is the approved term of"),
    "variant-only-question.tsv": (2, "empty ambiguous variant ('?')"),
    "variant-only-tilde.tsv": (2, "empty minor variant ('~')"),
    "variant-tilde-space.tsv": (2, "empty minor variant ('~')"),
}


# Once refused, now read: invisible marks are stripped with a warning naming file and line
# (issue 16), and an entry in two languages other than English is a pair like any other.
# file -> (line of the warning, the surface after stripping, or None for no warning)
ACCEPTED: dict[str, tuple[int | None, str | None]] = {
    "bom-inside-source.csv": (2, "糟鱼"),
    "zero-width-target.tsv": (2, "the"),
    "zero-width-term.tbx": (4, "Kashgar"),
    "zero-width-variant.tsv": (2, "badfish"),
    "no-target-language.tbx": (None, None),
}


def test_every_hostile_file_has_an_expectation():
    files = {p.name for p in HOSTILE.iterdir() if p.name != "README.md"}
    assert files == set(EXPECTED) | set(ACCEPTED)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_invisible_marks_are_stripped_with_a_warning(name: str):
    path = str(HOSTILE / name)
    line, surface = ACCEPTED[name]
    said: list[str] = []
    terms = load_termbases([path], warn=said.append)
    if surface is None:
        assert said == [] and {(t.src_lang, t.tgt_lang) for t in terms} == {
            ("zh", "fr"),
            ("fr", "zh"),
        }
        return
    assert len(said) == 1 and said[0].startswith(f"{path}:{line}: invisible character")
    forms = {x for t in terms for x in [t.target, *t.sources, *t.variants]}
    assert surface in forms and not any("\u200b" in f or "\ufeff" in f for f in forms)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_termbase_is_refused_with_file_line_and_reason(name: str):
    path = str(HOSTILE / name)
    line, reason = EXPECTED[name]
    with pytest.raises(TermbaseError) as err:
        load_termbases([path])
    where = f"{path}:{line}: " if line else f"{path}: "
    message = str(err.value)
    assert message.startswith(where + reason), message
    assert "\n" not in message  # one line, whatever the term held


@pytest.mark.parametrize(
    "name", ["variant-only-question.tsv", "nul-in-variant.tsv", "unresolved-entity.tbx"]
)
def test_glossary_check_calls_them_invalid(name: str):
    path = str(HOSTILE / name)
    proc = mtclean("glossary", "check", path)
    line, reason = EXPECTED[name]
    assert proc.returncode == 2 and "valid" not in proc.stdout
    assert proc.stderr == f"mtclean: error: {path}:{line}: {reason}\n"


def test_a_term_built_in_code_with_an_empty_variant_does_not_crash_the_matcher():
    # Loading refuses it; a Term built directly must not break matching of the other keys.
    m = TermMatcher([Term(target="zao fish", variants=["bad fish"], ambiguous=[""], minor=[""])])
    assert [(x.text, x.kind) for x in m.find("bad fish")] == [("bad fish", "variant")]
    assert TermMatcher([Term(target="", minor=[""])]).find("anything") == ()


def test_a_zero_width_character_in_the_text_is_no_term(tmp_path: Path):
    # The same characters in the text being cleaned are normal input, not a termbase error.
    p = tmp_path / "ok.tsv"
    p.write_text("target\tvariants\nzao fish\tbad fish\n", encoding="utf-8")
    m = TermMatcher(load_termbases([str(p)]))
    assert [x.text for x in m.find("bad fish and bad\u200bfish")] == ["bad fish"]

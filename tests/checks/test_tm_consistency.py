from tests.checks.helpers import row, run_stage


def _reasons(pairs: list[tuple[str, str]]) -> list[list[str]]:
    rows = [row(t, source=s, record=f"u{i}") for i, (s, t) in enumerate(pairs)]
    out = run_stage("translation_inconsistency", rows)
    return [[f["evidence"]["reason"] for f in r["flags"]] for r in out]


def test_same_source_different_targets():
    got = _reasons([("Save", "保存"), ("&Save", "保存"), ("Save", "存储"), ("Open", "打开")])
    assert got == [[], [], ["same source as u0#0, which is translated as '保存'"], []]


def test_same_target_different_sources():
    got = _reasons([("Delete", "Löschen"), ("Delete", "Löschen"), ("Remove", "Löschen")])
    assert got == [[], [], ["same target as u0#0, which translates 'Delete'"]]


def test_consistent_file_is_quiet():
    assert _reasons([("Save", "保存"), ("save", "保存。"), ("Open", "打开")]) == [[], [], []]

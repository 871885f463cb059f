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


def test_one_target_for_a_chinese_label_and_its_modified_form():
    # 操作时间 is a kind of 时间: "Time" fits both labels
    assert _reasons([("时间", "Time"), ("时间", "Time"), ("操作时间", "Time")]) == [[], [], []]
    # 集群ID is not a kind of 集群, and 筛选服务模板 is an action on 服务模板
    assert _reasons([("集群", "Set"), ("集群", "Set"), ("集群ID", "Set")])[2] == [
        "same target as u0#0, which translates '集群'"
    ]
    got = _reasons(
        [("服务模板", "Template"), ("服务模板", "Template"), ("筛选服务模板", "Template")]
    )
    assert got[2] == ["same target as u0#0, which translates '服务模板'"]


def test_a_de_or_a_comma_more_is_one_source():
    got = _reasons([("屏蔽持续时间", "Duration"), ("屏蔽持续的时间", "Duration")])
    assert got == [[], []]
    got = _reasons(
        [("多个用逗号，或换行分隔", "Comma or newline"), ("多个用逗号或换行分隔", "Comma")]
    )
    assert got == [[], ["same source as u0#0, which is translated as 'Comma or newline'"]]


def test_one_target_for_sources_a_particle_apart_but_not_a_negation_apart():
    assert _reasons([("谢谢", "Thanks"), ("谢谢", "Thanks"), ("谢谢你", "Thanks")]) == [[], [], []]
    got = _reasons([("可以", "Allowed"), ("可以", "Allowed"), ("不可以", "Allowed")])
    assert got[2] == ["same target as u0#0, which translates '可以'"]

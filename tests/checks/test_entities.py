import pytest

from tests.checks.helpers import flags_of


@pytest.mark.parametrize(
    "src,tgt",
    [
        ("上汽集团SAIC与5G医院合作。", "SAIC cooperates with a 5G hospital."),
        ("苹果发布iPhone 16。", "Apple released the iPhone 16."),
        ("APEC会议在北京举行。", "The apec meeting was held in Beijing."),
        ("这些公园全年免费开放。", "These parks are open all year."),
    ],
)
def test_names_present_pass(src, tgt):
    assert flags_of("entity_mismatch", tgt, source=src, src_lang="zh") == []


def test_missing_names_are_flagged_once_each():
    flags = flags_of(
        "entity_mismatch",
        "The hospital did remote surgery with fifth-gen networks.",
        source="医院利用5G和5G-A网络完成远程手术，由SAIC支持。",
        src_lang="zh",
    )
    assert flags[0]["check"] == "entity_mismatch"
    assert "5G, 5G-A, SAIC" in flags[0]["evidence"]["reason"]


def test_not_for_latin_sources_or_monolingual():
    assert flags_of("entity_mismatch", "x", source="The SAIC plant.", src_lang="en") == []
    assert flags_of("entity_mismatch", "no source at all") == []


def test_a_class_name_rendered_by_its_words():
    kw = {"src_lang": "zh", "tgt_lang": "en"}
    got = flags_of(
        "entity_mismatch",
        "Node Automatic Retry Strategy",
        source="节点重试 AutoRetryNodeStrategy",
        **kw,
    )
    assert got == []
    assert (
        flags_of(
            "entity_mismatch", "Timeout Nodes Record", source="超时记录 TimeoutNodesRecord", **kw
        )
        == []
    )
    # one word of two is not the name: "ProjectConfig" as "Project" is flagged
    lost = flags_of("entity_mismatch", "Project", source="项目配置 ProjectConfig", **kw)
    assert [f["evidence"]["reason"] for f in lost] == [
        "source name(s) ProjectConfig missing from the target"
    ]

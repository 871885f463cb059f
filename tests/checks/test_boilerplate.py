from tests.checks.helpers import row, run_stage

HEAD = "The third group of volunteer teachers settles in at the county school"


def test_the_repeat_is_flagged_not_the_first():
    rows = [
        row(HEAD, record="L1"),
        row("Body text that is different.", record="L3"),
        row(HEAD + ".", record="L5"),
        row(HEAD, record="L7", doc="other"),
    ]
    out = run_stage("duplicate", rows)
    assert [bool(r["flags"]) for r in out] == [False, False, True, False]
    assert out[2]["flags"][0]["evidence"]["reason"] == "repeats L1#0 exactly"


def test_near_duplicate():
    a = "The Shanghai Light Music Troupe performed at the school in Kashgar on Friday evening"
    b = "The Shanghai Light Music Troupe performed at the school in Kashgar on Friday night"
    out = run_stage("duplicate", [row(a, record="A"), row(b, record="B")])
    assert (
        not out[0]["flags"] and "near-duplicate of A#0" in out[1]["flags"][0]["evidence"]["reason"]
    )


def test_short_repeats_are_allowed():
    out = run_stage(
        "duplicate", [row("Photo: Xinhua", record="A"), row("Photo: Xinhua", record="B")]
    )
    assert not any(r["flags"] for r in out)


def test_keyword_tail_evidence_and_repair():
    t = "Mountain villages open forty new reading rooms | libraries | rural life"
    out = run_stage("keyword_tail", [row(t)])[0]
    ev = out["flags"][0]["evidence"]
    assert ev["text"] == " | libraries | rural life" and t[ev["start"] :] == ev["text"]
    assert out["output"] == "Mountain villages open forty new reading rooms"


def test_pipes_inside_prose_are_not_a_tail():
    t = "Use a | b notation | when the sentence goes on for a long while after it, like this"
    assert run_stage("keyword_tail", [row(t)])[0]["flags"] == []


def test_bylines_only_on_their_own_line():
    out = run_stage(
        "byline",
        [
            row("Release time:Mar 3, 2023 09:15 AM"),
            row("来源：新华社"),
            row("2024-04-14 13:47"),
            row("Source: the ministry said so.", line_end=False),
            row("Editor's note is long " + "x" * 120),
        ],
    )
    assert [bool(r["flags"]) for r in out] == [True, True, True, False, False]


def test_keyword_items_longer_than_max_item_words_are_prose_not_a_tail():
    six = "Markets reopen in the old town | night fair | open until the late summer evening"
    seven = "Markets reopen in the old town | night fair | open until the very late summer evening"
    assert [f["check"] for f in run_stage("keyword_tail", [row(six)])[0]["flags"]] == [
        "keyword_tail"
    ]
    out = run_stage("keyword_tail", [row(seven)])[0]
    assert out["flags"] == [] and out["output"] == seven
    out = run_stage("keyword_tail", [row(seven)], max_item_words=7)[0]
    assert out["output"] == "Markets reopen in the old town"


def test_keyword_tail_exact_flag_and_full_width_pipes():
    t = "Reading rooms open in the hills ｜ libraries ｜ rural life"
    out = run_stage("keyword_tail", [row(t)])[0]
    start = t.index(" ｜")
    assert out["flags"] == [
        {
            "check": "keyword_tail",
            "severity": "major",
            "score": 1.0,
            "evidence": {
                "start": start,
                "end": len(t),
                "text": t[start:],
                "reason": "keyword tail after a headline: libraries | rural life",
            },
        }
    ]
    assert out["output"] == "Reading rooms open in the hills"


def test_keyword_tail_needs_a_headline_before_it_and_keeps_an_earlier_fix():
    assert run_stage("keyword_tail", [row("| libraries | rural life")])[0]["flags"] == []
    assert run_stage("keyword_tail", [row("x | libraries")])[0]["output"] == "x"
    # When an earlier stage already changed the output, the tail cut does not overwrite it.
    t = "Reading rooms open | libraries"
    out = run_stage("keyword_tail", [row(t, output="Reading rooms open!")])[0]
    assert out["flags"] and out["output"] == "Reading rooms open!"
    other = run_stage("keyword_tail", [row("  Plain text  ", flags=[{"check": "x"}])])[0]
    assert other["output"] == "  Plain text  "


def test_byline_exact_flag_and_length_limit():
    line = "Editor: Wang Fang"
    (flag,) = run_stage("byline", [row(line)])[0]["flags"]
    assert flag == {
        "check": "byline",
        "severity": "major",
        "score": 1.0,
        "evidence": {
            "start": 0,
            "end": len(line),
            "text": line,
            "reason": "byline or timestamp line (page furniture)",
        },
    }
    at_limit = "Source: " + "x" * 92  # 100 characters: still a byline
    over = "Source: " + "x" * 93
    out = run_stage("byline", [row(at_limit), row(over), row(line, line_first=False)])
    assert [bool(r["flags"]) for r in out] == [True, False, False]


def test_one_target_for_a_message_with_a_value_or_lead_in_more_is_no_duplicate():
    from tests.checks.helpers import row, run_stage

    units = [
        ("Enter a valid city name", "所在城市【{}】校验失败，请修改为正确的所在城市"),
        ("Enter a valid city name", "所在城市校验失败，请修改为正确的所在城市"),
        ("Enter the full path, one per line", "模块路径，请输入完整路径，多个路径用换行分隔"),
        ("Enter the full path, one per line", "请输入完整路径，多个路径用换行分隔"),
        ("Enter the path of the parent folder", "请输入上级文件夹的路径"),
        ("Enter the path of the parent folder", "请输入文件夹的名称"),
    ]
    rows = [row(t, source=s, record=str(i)) for i, (t, s) in enumerate(units)]
    found = [[f["check"] for f in r["flags"]] for r in run_stage("duplicate", rows)]
    assert found == [[], [], [], [], [], ["duplicate"]]


def test_one_target_for_sources_a_particle_apart_is_no_duplicate():
    from tests.checks.helpers import row, run_stage

    units = [
        ("Could you help me look into the parcel?", "请问可以帮忙查一下包裹吗？"),
        ("Could you help me look into the parcel?", "请问可以帮忙查一下这个包裹吗？"),
        ("The parcel can be opened before signing.", "签收前可以打开包裹。"),
        ("The parcel can be opened before signing.", "签收前不可以打开包裹。"),
    ]
    rows = [row(t, source=s, record=str(i)) for i, (t, s) in enumerate(units)]
    found = [[f["check"] for f in r["flags"]] for r in run_stage("duplicate", rows)]
    assert found == [[], [], [], ["duplicate"]]

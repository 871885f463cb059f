"""Real errors that today's precision rules had stopped flagging (each line was flagged at
b15ce97): each rule is narrowed so the error is flagged again and its false alarm stays quiet."""

import pytest

from tests.checks.helpers import flags_of


def _checks(name: str, src: str, tgt: str) -> list[str]:
    return [f["check"] for f in flags_of(name, tgt, source=src, src_lang="zh", tgt_lang="en")]


@pytest.mark.parametrize(
    "src,tgt",
    [
        # a conjunction before the question word does not make the question reported
        ("我们什么时候出发？", "So when do we leave."),
        ("你为什么这么做？", "And why did you do that."),
        ("你为什么这么做？", "Well, why did you do that."),
    ],
)
def test_a_direct_question_after_a_conjunction_lost_its_mark(src, tgt):
    assert _checks("end_punctuation", src, tgt) == ["end_punctuation"]


def test_a_question_reported_after_a_conjunction_is_not_flagged():
    src = "老师问我，作业写完了吗？"
    assert _checks("end_punctuation", src, "And the teacher asked me whether I had done it.") == []


@pytest.mark.parametrize(
    "tgt,starts",
    [
        # two curly openers and no closer: an even count, but nothing is closed
        ("He said “hello and “bye.", [8, 19]),
        ("He said “hello” and “bye.", [20]),
    ],
)
def test_curly_quotes_left_open_are_flagged(tgt, starts):
    flags = flags_of("bracket_pairing", tgt, source="他说“你好”和“再见”。", src_lang="zh")
    assert [f["evidence"]["start"] for f in flags] == starts


@pytest.mark.parametrize(
    "tgt",
    [
        "He said “hello” and “bye”.",
        "He said ”hello“ and ”bye“.",  # turned the wrong way: still quotes
        'He said “hello" and “bye".',  # closed by straight quotes
    ],
)
def test_curly_quotes_that_pair_are_not_flagged(tgt):
    assert _checks("bracket_pairing", "他说“你好”和“再见”。", tgt) == []


@pytest.mark.parametrize(
    "src,tgt",
    [
        # the initials of two function words do not write out a two-letter acronym
        (
            "我们需要更多AI工程师来完成这个项目。",
            "We need more engineers and interns to finish it.",
        ),
        ("请联系IT部门。", "Please contact the department in the office."),
    ],
)
def test_a_two_letter_acronym_is_not_spelled_by_function_words(src, tgt):
    assert _checks("entity_mismatch", src, tgt) == ["entity_mismatch"]


@pytest.mark.parametrize(
    "src,tgt",
    [
        ("请联系IT部门。", "Please contact the Information Technology department."),
        ("我们需要更多AI工程师。", "We need more artificial intelligence engineers."),
    ],
)
def test_a_two_letter_acronym_written_out_is_not_flagged(src, tgt):
    assert _checks("entity_mismatch", src, tgt) == []


_MEETING = "大家好，欢迎参加会议，我们将在会上决定预算。"


def test_a_sentence_after_a_greeting_cut_at_a_comma_is_truncated():
    tgt = "Hello everyone and welcome to the meeting where we decide,"
    assert _checks("truncation", _MEETING, tgt) == ["truncation"]
    assert _checks("end_punctuation", _MEETING, tgt) == ["end_punctuation"]


@pytest.mark.parametrize("tgt", ["Dear readers,", "Dear Sir or Madam,", "Hello everyone,"])
def test_a_short_salutation_is_still_not_truncated(tgt):
    assert _checks("truncation", "亲爱的读者您好！", tgt) == []
    assert _checks("end_punctuation", "亲爱的读者您好！", tgt) == []


def test_a_salutation_with_a_title_ends_with_a_comma():
    assert _checks("end_punctuation", "尊敬的史密斯先生您好！", "Dear Mr. Smith,") == []


def _repeats(src: str, tgt: str) -> list[str]:
    return [f["severity"] for f in flags_of("repetition", tgt, source=src, src_lang="zh")]


@pytest.mark.parametrize(
    "src,tgt",
    [
        # a one-clause source is not two main clauses sharing a subject
        ("我喜欢这家公司。", "I like the company, the company is good."),
        ("我喜欢这家公司。", "I like the company, the company makes cars."),
    ],
)
def test_a_doubled_subject_for_a_one_clause_source_is_flagged(src, tgt):
    assert _repeats(src, tgt) == ["major"]


@pytest.mark.parametrize(
    "src,tgt",
    [
        # the source has two clauses: the repeat may open the second
        ("我喜欢这家公司，这家公司很好。", "I like the company, the company is good."),
        # a subordinate clause first, or a second copy narrowed by what follows
        ("离它太近会烫伤你。", "If you get too close to it, it will burn you."),
        (
            "她把镜头对准她记忆中的城市中心。",
            "She filmed the centre of the city, the city as she knew it.",
        ),
    ],
)
def test_a_clause_boundary_the_source_allows_is_not_flagged(src, tgt):
    assert _repeats(src, tgt) == []

import pytest

from tests.checks.helpers import flags_of


@pytest.mark.parametrize(
    "text,severity,evidence",
    [
        (
            "stressed the basic, basic, and lasting tasks",
            "major",
            "basic, basic",
        ),
        (
            "Come on, come on, come on, everyone buy our tea",
            "critical",
            "Come on, come on, come on",
        ),
        (
            "open all year round, all year round, all year round.",
            "critical",
            "all year round, all year round, all year round",
        ),
        ("这些公园这些公园这些公园", "critical", "这些公园这些公园这些公园"),
        ("the the results", "major", "the the"),
    ],
)
def test_repeats_are_found_with_exact_evidence(text, severity, evidence):
    flags = flags_of("repetition", text)
    assert len(flags) == 1
    ev = flags[0]["evidence"]
    assert flags[0]["severity"] == severity and ev["text"] == evidence
    assert text[ev["start"] : ev["end"]] == evidence


@pytest.mark.parametrize(
    "text",
    [
        "He said that that was fine.",
        "Tang Tang is a writer.",
        "Bachu | Bachu, Xinjiang",
        "In 2020 2020 was",
        "It was very good.",
        "Shanghai. Shanghai is big.",
    ],
)
def test_legitimate_doubles_are_not_flagged(text):
    assert flags_of("repetition", text) == []

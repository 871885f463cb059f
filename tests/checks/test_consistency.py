from tests.checks.helpers import row, run_stage


def test_name_swap_flags_the_rarer_name():
    caption = "Doctors in Hangzhou and Kashgar performed a remote heart operation over a 5G link"
    body = (
        "Later, doctors in Hangzhou and Kazakhstan also performed a remote heart operation "
        "over a 5G link."
    )
    rows = [
        row("Kashgar lies in southern Xinjiang.", record="A"),
        row(body, record="B"),
        row(caption, record="C"),
    ]
    out = run_stage("inconsistency", rows)
    assert not out[0]["flags"] and not out[2]["flags"]
    flag = out[1]["flags"][0]
    assert flag["severity"] == "major" and flag["evidence"]["text"] == "Kazakhstan"
    assert "C#0" in flag["evidence"]["reason"]


def test_entity_rendered_several_ways():
    rows = [
        row("The Oak County Aid Liaison Office said so.", record="A"),
        row("Later the Oak County Aid Liaison Office agreed.", record="B"),
        row("Then the Liaison Office for Oak County Aid signed.", record="C"),
    ]
    out = run_stage("inconsistency", rows)
    assert [len(r["flags"]) for r in out] == [0, 0, 1]
    assert out[2]["flags"][0]["evidence"]["text"] == "Liaison Office for Oak County Aid"


def test_different_documents_are_not_compared():
    a = "Doctors in Hangzhou and Kashgar performed a remote heart operation over a 5G link"
    b = "Doctors in Hangzhou and Kazakhstan performed a remote heart operation over a 5G link"
    out = run_stage("inconsistency", [row(a, doc="d1"), row(b, doc="d2")])
    assert not any(r["flags"] for r in out)


def test_words_that_open_a_sentence_are_not_names():
    # "So" and "Then" are capitalised only where a sentence (or a bracketed aside) ends before
    # them; two renderings that differ in that opening word are no name swap.
    rows = [
        row("The storm ended at noon. So we walked down to the harbour.", record="A"),
        row("(Applause) Then the boats came back in.", record="B"),
        row("So you cannot carry anything across the old bridge at night.", record="C"),
        row("Then you cannot carry anything across the old bridge at night.", record="D"),
    ]
    out = run_stage("inconsistency", rows)
    assert not any(r["flags"] for r in out)


def test_a_name_after_a_full_stop_elsewhere_still_swaps():
    rows = [
        row("The road was closed. Boats from Kashgar carried the mail.", record="A"),
        row(
            "Doctors in Urumqi and Kashgar opened the first stroke ward in the region.", record="B"
        ),
        row(
            "Doctors in Urumqi and Kazakhstan opened the first stroke ward in the region.",
            record="C",
        ),
    ]
    out = run_stage("inconsistency", rows)
    assert [bool(r["flags"]) for r in out] == [False, False, True]

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

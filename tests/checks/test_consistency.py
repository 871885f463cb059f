from tests.checks.helpers import row, run_stage


def test_name_swap_flags_the_rarer_name():
    caption = "Hospitals in Shanghai and Kashgar conducted the first 5G remote surgery in Xinjiang"
    body = (
        "In addition, hospitals in Shanghai and Kazakhstan have successfully conducted the "
        "first 5G remote surgery in Xinjiang."
    )
    rows = [
        row("Kashgar is a city in Xinjiang.", record="A"),
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
        row("The Shanghai Aid to Xinjiang Front Command said so.", record="A"),
        row("Later the Shanghai Aid to Xinjiang Front Command agreed.", record="B"),
        row("Then the Shanghai Front Command for Aid to Xinjiang signed.", record="C"),
    ]
    out = run_stage("inconsistency", rows)
    assert [len(r["flags"]) for r in out] == [0, 0, 1]
    assert out[2]["flags"][0]["evidence"]["text"] == "Shanghai Front Command for Aid to Xinjiang"


def test_different_documents_are_not_compared():
    a = "Hospitals in Shanghai and Kashgar conducted the first remote surgery in Xinjiang"
    b = "Hospitals in Shanghai and Kazakhstan conducted the first remote surgery in Xinjiang"
    out = run_stage("inconsistency", [row(a, doc="d1"), row(b, doc="d2")])
    assert not any(r["flags"] for r in out)

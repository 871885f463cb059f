import re

from pipeline.checks.glossary_hook import GlossaryKnown, KnownWrong
from tests.checks.helpers import row


class FakeHook:
    def known_wrong(self, text, tgt_lang):
        return [
            KnownWrong(m.start(), m.end(), m.group(), "zao fish", note="糟鱼")
            for m in re.finditer("bad fish", text)
        ] + [
            KnownWrong(m.start(), m.end(), m.group(), "mu", ambiguous=True)
            for m in re.finditer("acres", text)
        ]


def test_hook_flags_known_wrong_renderings():
    stage = GlossaryKnown(hooks=[FakeHook()])
    out = stage.apply({k: [v] for k, v in row("We ate bad fish on 3 acres.").items()})
    flags = out["flags"][0]
    assert [(f["severity"], f["evidence"]["text"]) for f in flags] == [
        ("major", "bad fish"),
        ("major", "acres"),
    ]
    assert "approved: 'zao fish' (糟鱼)" in flags[0]["evidence"]["reason"]


def test_no_hooks_no_flags():
    batch = {k: [v] for k, v in row("We ate bad fish.").items()}
    assert GlossaryKnown().apply(batch) == batch


def test_minor_variant_is_a_minor_flag_not_evidence_of_garble():
    """A ``~`` variant (an understandable other name) is flagged minor, an ordinary variant
    major, an ambiguous one major with a lower score; without ../shared (issue 12)."""
    from pipeline.glossary.matcher import TermMatcher
    from pipeline.glossary.termbase import Term

    matcher = TermMatcher(
        [
            Term(target="Oak Hill Aid Office", minor=["Oak Hill Aid Bureau"]),
            Term(target="zao fish", variants=["bad fish"]),
            Term(target="mu", ambiguous=["acres"]),
        ]
    )
    stage = GlossaryKnown(hooks=[matcher])
    text = "The Oak Hill Aid Bureau served bad fish on 3 acres."
    flags = stage.apply({k: [v] for k, v in row(text).items()})["flags"][0]
    assert [(f["severity"], f["score"], f["evidence"]["text"]) for f in flags] == [
        ("minor", 1.0, "Oak Hill Aid Bureau"),
        ("major", 1.0, "bad fish"),
        ("major", 0.7, "acres"),
    ]
    assert [f["evidence"]["reason"] for f in flags] == [
        "'Oak Hill Aid Bureau' is another rendering; approved: 'Oak Hill Aid Office'",
        "'bad fish' is a known wrong rendering; approved: 'zao fish'",
        "'acres' may be wrong here; approved: 'mu'",
    ]


def test_a_tilde_variant_from_a_termbase_file_alone_does_not_make_a_segment_garbled(tmp_path):
    from tests.checks.helpers import run_stage

    tb = tmp_path / "g.tsv"
    tb.write_text("target\tvariants\nOak Hill Aid Office\t~Oak Hill Aid Bureau\n", encoding="utf-8")
    rows = [row("The Oak Hill Aid Bureau opened a clinic.")]
    out = run_stage("glossary_known", rows, termbases=[str(tb)])[0]
    assert [(f["check"], f["severity"]) for f in out["flags"]] == [("glossary_known", "minor")]
    from pipeline.stages.combine import CombineConfig, garble_score

    assert garble_score(out["flags"], CombineConfig()) == 0.35  # below the 0.5 threshold

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

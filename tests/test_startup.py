"""Start-up: the command line imports no heavy library a stage loads for itself on first use
(a model runtime, langdetect's profiles, word lists), so a run that needs none never pays for it,
and every worker's memory holds only what it uses."""

from __future__ import annotations

import subprocess
import sys

# Loaded on first use only: by a model backend, a check, the score stage, a TM reader.
LAZY = ("torch", "transformers", "ctranslate2", "langdetect", "wordfreq", "langcodes")


def test_the_command_line_imports_no_lazy_library():
    code = (
        "import sys, pipeline.cli, pipeline.readers, pipeline.mt.load, pipeline.registry\n"
        f"print(' '.join(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == []


def test_langcodes_still_answers_where_it_is_used():
    from pipeline.mt.languages import marian_target_token, nllb_codes
    from pipeline.readers.tm import same_language

    assert same_language("zh-Hans", "zh_CN")
    assert not same_language("en", "fr")
    assert nllb_codes("zh-TW") == ["zho_Hant"]
    assert marian_target_token("fr") == [">>fra<<", ">>fr<<"]

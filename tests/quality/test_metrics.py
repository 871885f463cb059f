"""Reference metrics: sentence values and corpus values from summed statistics equal sacrebleu's."""

import pytest
import sacrebleu

from pipeline.quality.metrics import corpus_scores, count_keys, metric_set, sentence_metrics
from pipeline.stages.base import add_stat

HYPS = [
    "The cat sat on the mat.",
    "A dog barked loudly at night",
    "Prices rose by 40 percent last year.",
    "",
]
REFS = [
    "The cat is on the mat.",
    "The dog barked at night.",
    "Prices went up 40% last year.",
    "Nothing was said.",
]
ZH_HYPS = ["公园建设总投资约3.5亿元。", "市民步行五分钟即可到达公园。"]
ZH_REFS = ["公园建设的总投资大约是3.5亿元。", "市民走五分钟就能到公园。"]


@pytest.mark.parametrize(
    "hyps,refs,tok", [(HYPS, REFS, "13a"), (ZH_HYPS, ZH_REFS, "zh")], ids=["en", "zh"]
)
def test_corpus_from_summed_stats_equals_sacrebleu(hyps, refs, tok):
    ms = metric_set(tok)
    # Two "workers", each summing its own sentences, then summed again: as the stats channel does.
    parts = []
    for half in (slice(0, 1), slice(1, None)):
        totals = {}
        for h, r in zip(hyps[half], refs[half], strict=True):
            for k, v in count_keys(tok, "after", ms.sentence_stats(h, r)).items():
                totals[k] = add_stat(totals[k], v) if k in totals else v
        parts.append(totals)
    summed = add_stat(parts[0], parts[1])
    before = {k.replace(":after:", ":before:"): v for k, v in summed.items()}
    got = corpus_scores(summed | before | {f"metrics:{tok}:segments": len(hyps)})
    ter = sacrebleu.metrics.TER(asian_support=tok == "zh")
    assert got["after"]["chrf"] == round(sacrebleu.corpus_chrf(hyps, [refs]).score, 4)
    assert got["after"]["bleu"] == round(sacrebleu.corpus_bleu(hyps, [refs], tokenize=tok).score, 4)
    assert got["after"]["ter"] == round(ter.corpus_score(hyps, [refs]).score, 4)
    assert got["before"] == got["after"]
    assert f"tok:{tok}" in got["signature"]
    assert got["segments"] == len(hyps)


def test_sentence_metrics_equal_sacrebleu_sentence_scores():
    got = sentence_metrics(HYPS[0], REFS[0])
    assert got["chrf"] == round(sacrebleu.sentence_chrf(HYPS[0], [REFS[0]]).score, 4)
    assert got["bleu"] == round(sacrebleu.sentence_bleu(HYPS[0], [REFS[0]]).score, 4)
    assert got["ter"] == round(sacrebleu.sentence_ter(HYPS[0], [REFS[0]]).score, 4)


def test_chinese_targets_use_the_zh_tokenizer():
    zh = sentence_metrics(ZH_HYPS[0], ZH_REFS[0], "zh")
    assert zh["bleu"] == round(
        sacrebleu.sentence_bleu(ZH_HYPS[0], [ZH_REFS[0]], tokenize="zh").score, 4
    )
    # With 13a a whole Chinese sentence is one token: BLEU would be near zero.
    assert zh["bleu"] > sentence_metrics(ZH_HYPS[0], ZH_REFS[0], "en")["bleu"]


def test_sacrebleu_loads_only_when_a_metric_is_computed():
    """A run without references never pays sacrebleu's memory and import time."""
    import subprocess
    import sys

    code = (
        "import sys, pipeline.cli, pipeline.stages.score\n"
        "assert 'sacrebleu' not in sys.modules, 'imported at start'\n"
        "from pipeline.quality.metrics import sentence_metrics\n"
        "assert sentence_metrics('a b c', 'a b c')['chrf'] == 100.0\n"
        "assert 'sacrebleu' in sys.modules\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

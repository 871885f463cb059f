"""Truncation at the edges its mutants found untested (issue 21): what ``check_row`` returns
when it judges nothing, the source-quote rule, the target language of the dangling-word list,
and the ``min_words`` bound. Expected values by hand from the rules in the module's docstring."""

from __future__ import annotations

from typing import Any

from pipeline.config import Config
from tests.checks.helpers import flags_of, row


def _check() -> Any:
    (stage,) = Config().build_stages(["truncation"])
    return stage


def _judge(target: str, **kw: Any) -> list[dict[str, Any]]:
    kw.setdefault("line_end", True)
    kw.setdefault("line_first", True)
    return _check().check_row(row(target, **kw))


def test_nothing_to_judge_is_an_empty_list_not_none():
    assert _judge("   ") == []  # a blank target
    # a source that is itself a fragment (no final stop): the target mirrors it
    assert _judge("The minister said that", source="部长说") == []
    # a short heading with no final stop, no dangling word, not a paragraph's last sentence
    assert _judge("Spring tea harvest", line_first=True) == []


def test_a_source_quote_closed_without_opening_lets_the_target_quote_run_on():
    # The source closes a quotation opened in an earlier segment (” with no “): the target's
    # lone quote mirrors it, so it is not "a quotation is left open".
    src = "它烧起来了”"
    assert [
        f["evidence"]["reason"]
        for f in flags_of("truncation", 'He said "it burns', source=src, line_first=True)
    ] == []
    # The same target with a source whose quotes are balanced: the open quote is flagged.
    flags = flags_of(
        "truncation", 'He said "it burns', source="他说“它烧起来了”。", line_first=True
    )
    assert [f["evidence"]["reason"] for f in flags] == ["a quotation is left open"]


def test_the_dangling_word_list_is_used_for_english_targets_and_unstated_ones_only():
    cut = "Das Handbuch für the"  # ends with an English article
    assert flags_of("truncation", cut, tgt_lang="de", line_first=True) == []
    for lang in ("en", None):
        flags = flags_of("truncation", cut, tgt_lang=lang, line_first=True)
        assert [f["evidence"]["reason"] for f in flags] == ["ends with 'the', mid-sentence"]


def test_a_german_target_counts_as_skipped_for_the_word_list():
    check = _check()
    check.check_row(row("Das Handbuch für the", tgt_lang="de", line_end=True, line_first=True))
    assert check.take_stats() == {"skipped_pair_dangling_words": 1}


def test_a_last_sentence_of_exactly_min_words_words_is_judged():
    # min_words is 4: four words with no final stop ending a paragraph are a cut; three are not
    four = flags_of("truncation", "Tea farmers picked leaves", line_first=False)
    assert [f["evidence"]["reason"] for f in four] == [
        "last sentence of a paragraph has no final stop"
    ]
    assert flags_of("truncation", "Tea farmers picked", line_first=False) == []

"""Fast tests of the parts that need no model: batching, language codes, glossary constraints,
candidate guards, CC-CEDICT glosses, and the model-folder checks that run before any load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.core.context import default_context
from pipeline.glossary.matcher import TermMatcher
from pipeline.glossary.termbase import Term
from pipeline.mt import terms
from pipeline.mt.backend import token_batches
from pipeline.mt.languages import lang_tokens, nllb_codes
from pipeline.mt.modeldir import ModelError, check_safetensors, inspect_dir
from pipeline.segments import new_row
from pipeline.stages.guards import CandidateGuard


def test_token_batches_sorted_and_within_budget() -> None:
    lengths = [9, 2, 5, 2, 30, 4]
    batches = token_batches(lengths, 10)
    assert sorted(i for b in batches for i in b) == list(range(6))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)  # shortest first
    for b in batches:
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 10
    assert [4] in batches  # longer than the budget: a batch of its own


def test_language_codes() -> None:
    assert nllb_codes("zh")[0] == "zho_Hans"
    assert nllb_codes("zh-TW")[0] == "zho_Hant"
    assert nllb_codes("en")[0] == "eng_Latn"
    vocab = {"zho_Hans", "eng_Latn"}
    found = lang_tokens("m2m_100", "zh", "en", vocab.__contains__, [], False)
    assert not isinstance(found, str)
    assert (found.src_code, found.tgt_code) == ("zho_Hans", "eng_Latn")
    m2m = lang_tokens("m2m_100", "zh", "en", {"__zh__", "__en__"}.__contains__, [], False)
    assert not isinstance(m2m, str) and m2m.tgt_code == "__en__"
    lacking = lang_tokens("m2m_100", "zh", "ug", vocab.__contains__, [], False)
    assert isinstance(lacking, str) and "ug" in lacking
    marian = lang_tokens("marian", "en", "zh", {">>zho<<"}.__contains__, [], True)
    assert not isinstance(marian, str) and marian.source_prefix == ">>zho<<"
    assert "not fr-en" in str(lang_tokens("marian", "fr", "en", bool, ["zh-en"], False))


@pytest.fixture
def matcher() -> TermMatcher:
    return TermMatcher(
        [Term(target="Kashgar", sources=["喀什"]), Term(target="tea garden", sources=["茶园"])]
    )


def test_mask_unmask_and_verify(matcher: TermMatcher) -> None:
    source = "喀什的茶园很大。"
    slots = terms.find_slots(source, matcher)
    assert [(s.source, s.rendering, s.placeholder) for s in slots] == [
        ("喀什", "Kashgar", "TERM0"),
        ("茶园", "tea garden", "TERM1"),
    ]
    assert terms.mask(source, slots) == "TERM0 的 TERM1 很大。"
    # A model that copies placeholders (with the spacing a tokenizer may add) keeps both terms.
    text, lost = terms.unmask("The TERM 1 of term0 is large.", slots)
    assert text == "The tea garden of Kashgar is large." and lost == []
    assert terms.dropped(text, slots, matcher) == []
    # One placeholder lost: reported, and verification finds the term missing.
    text, lost = terms.unmask("The TERM1 is large.", slots)
    assert [s.source for s in lost] == ["喀什"]
    assert [s.rendering for s in terms.dropped(text, slots, matcher)] == ["Kashgar"]
    # A rendering glued into a longer word is not the term.
    assert terms.dropped("Kashgarbook tea garden", slots, matcher) == slots[:1]


def test_forced_prefix_places_terms_and_protects_the_last(matcher: TermMatcher) -> None:
    source = "在美丽的喀什"
    slots = terms.find_slots(source, matcher)
    prefix = terms.forced_prefix("one two three four five six", source, slots)
    # 喀什 sits two thirds into the source: after four of six words, then the next word.
    assert prefix == "one two three four Kashgar five"
    assert terms.forced_prefix("", source, slots) == "Kashgar"


@pytest.fixture
def guard() -> CandidateGuard:
    return CandidateGuard(default_context(), ["untranslated", "repetition", "number_mismatch"])


def _row(**kw: object) -> dict[str, object]:
    return new_row("x", source="这座桥建于明代，至今仍在使用。", src_lang="zh", **kw)


def test_guards_each_reason(guard: CandidateGuard) -> None:
    row = _row()
    assert guard.reasons(row, "This bridge was built in the Ming dynasty and is still used.") == []
    assert guard.reasons(row, "   ")[0].startswith("empty")
    assert guard.reasons(row, "owowowowowow bridge")[0].startswith("loop")
    # a run of one digit is a decoder loop too; a long number is not
    assert guard.reasons(row, "Lishui tea " + "1" * 40)[0].startswith("loop")
    assert not any(r.startswith("loop") for r in guard.reasons(row, "It cost 1000000 yuan."))
    looped = guard.reasons(row, "the bridge, the bridge, the bridge")
    assert any(r.startswith("loop") for r in looped)
    long = " ".join(["bridge"] * 80)
    assert any(r.startswith("runaway_length") for r in guard.reasons(row, long))
    assert any(r.startswith("wrong_language") for r in guard.reasons(row, "这座桥建于明代"))
    # A detection check re-run on the candidate: the source says 3 arches, the candidate 5.
    arches = new_row("x", source="这座桥有3个拱。", src_lang="zh")
    assert guard.reasons(arches, "The bridge has 3 arches.") == []
    numbers = guard.reasons(arches, "The bridge has 5 arches.")
    assert any(r.startswith("number_mismatch") for r in numbers)


def test_dictionary_gloss_of_a_stray_character() -> None:
    from pipeline.mt.dictionary import gloss, gloss_note

    assert gloss("鲊") == "salted fish"
    note = gloss_note("鲊")
    assert note is not None and "zha3" in note
    assert gloss("\U0002a6a5") is None  # not in CC-CEDICT


# -- model folder checks that need no weights loaded


def _marian_dir(tmp_path: Path, **config: object) -> Path:
    d = tmp_path / "m"
    d.mkdir()
    (d / "config.json").write_text(json.dumps({"model_type": "marian", **config}))
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        (d / name).write_text("{}")
    return d


def test_pickle_weights_refused_naming_the_file(tmp_path: Path) -> None:
    d = _marian_dir(tmp_path)
    (d / "pytorch_model.bin").write_bytes(b"\x80\x04not loaded")
    with pytest.raises(ModelError, match=r"pytorch_model\.bin is a pickle") as err:
        inspect_dir(d)
    assert "\n" not in str(err.value) and "--allow-pickle" in str(err.value)
    assert inspect_dir(d, allow_pickle=True).pickle


def test_bad_folders_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such model directory"):
        inspect_dir(tmp_path / "absent")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match=r"no config\.json"):
        inspect_dir(empty)
    d = _marian_dir(tmp_path)
    with pytest.raises(ModelError, match="no weights"):
        inspect_dir(d)
    (d / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ModelError, match="encoder-only"):
        inspect_dir(d)
    (d / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="not readable JSON"):
        inspect_dir(d)


def test_safetensors_header_and_length_are_checked(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    good = tmp_path / "w.safetensors"
    save_file({"a": torch.zeros(64, 64)}, str(good))
    check_safetensors(good)
    data = good.read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="truncated"):
        check_safetensors(cut)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\xff" * 8 + data[8:])
    with pytest.raises(ModelError, match="corrupt"):
        check_safetensors(bad)

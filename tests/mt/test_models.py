"""The tiny model on both backends: translate, score, forced prefix, safe loading, bad folders,
and the ``mtclean models`` commands. Random weights: these tests check machinery only."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.mt.load import load_translator
from pipeline.mt.modeldir import ModelError
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SOURCES = ["今天的会议讨论了明年的工作计划。", "下雨以后，空气变得特别清新。", "这座桥建于明代。"]


def test_translate_is_deterministic_and_depends_on_input(tiny_any: Path) -> None:
    tr = load_translator(tiny_any)
    out = tr.translate(SOURCES, beam_size=4, batch_tokens=16)
    assert len(out) == 3 and all(isinstance(t, str) and t for t in out)
    assert tr.translate(SOURCES, beam_size=4, batch_tokens=16) == out
    assert len(set(out)) > 1


def test_score_is_forced_decoding_log_probability(tiny_any: Path) -> None:
    tr = load_translator(tiny_any)
    a = tr.score(SOURCES[:1], ["The meeting discussed the plan."])[0]
    b = tr.score(SOURCES[:1], ["Apples at the market are cheaper."])[0]
    assert a < 0 and b < 0 and a != b  # the target changes, so does its score
    # The model's own output is more likely than another text under it.
    own = tr.translate(SOURCES[:1], beam_size=4)[0]
    assert tr.score(SOURCES[:1], [own])[0] > max(a, b)


def test_backends_agree_on_scores(tiny_model: Path, tmp_path: Path) -> None:
    from pipeline.mt.convert import convert

    # Unquantized, CTranslate2 must compute what transformers computes.
    hf = load_translator(tiny_model)
    ct2 = load_translator(convert(tiny_model, tmp_path / "f32", "float32"), compute_type="float32")
    targets = ["The meeting discussed the plan.", "After the rain the air felt fresh.", "x"]
    for h, c in zip(hf.score(SOURCES, targets), ct2.score(SOURCES, targets), strict=True):
        assert h == pytest.approx(c, abs=1e-3)


def test_forced_prefix_starts_the_output(tiny_any: Path) -> None:
    tr = load_translator(tiny_any)
    out = tr.translate(SOURCES[:2], prefixes=["The river Kashgar", None], beam_size=2)
    assert out[0].startswith("The river Kashgar")


def test_equal_min_and_max_new_tokens_fix_the_length(tiny_model: Path, tiny_ct2: Path) -> None:
    for path in (tiny_model, tiny_ct2):
        tr = load_translator(path)
        src = tr.source_ids(SOURCES[:1])
        ids = tr._generate(src, [None], beam_size=2, max_new=7, min_new=7, no_repeat_ngram_size=0)
        body = [i for i in ids[0] if i != tr.tokenizer.pad_token_id]
        assert len(body) == 7, path


def _copy(src: Path, tmp_path: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def test_bad_model_folders(tiny_model: Path, tiny_ct2: Path, tmp_path: Path) -> None:
    no_tok = _copy(tiny_model, tmp_path, "no-tokenizer")
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        (no_tok / name).unlink()
    with pytest.raises(ModelError, match="no tokenizer files"):
        load_translator(no_tok)

    cut = _copy(tiny_model, tmp_path, "truncated")
    data = (cut / "model.safetensors").read_bytes()
    (cut / "model.safetensors").write_bytes(data[: len(data) - 1000])
    with pytest.raises(ModelError, match="truncated"):
        load_translator(cut)

    lang = pytest.raises(ModelError, match="not fr-en")
    with lang:
        load_translator(tiny_model, src_lang="fr")

    ct2_bad = _copy(tiny_ct2, tmp_path, "ct2-corrupt")
    (ct2_bad / "model.bin").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError, match="CTranslate2 cannot load it"):
        load_translator(ct2_bad)


def test_encoder_only_model_refused(tiny_model: Path, tmp_path: Path) -> None:
    from transformers import BertConfig, BertModel

    d = _copy(tiny_model, tmp_path, "bert")
    (d / "model.safetensors").unlink()
    cfg = BertConfig(vocab_size=100, hidden_size=16, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=32)  # fmt: skip
    BertModel(cfg).save_pretrained(str(d))
    with pytest.raises(ModelError, match="'bert' is encoder-only"):
        load_translator(d)


def test_pickle_loads_only_when_allowed(tiny_model: Path, tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    d = _copy(tiny_model, tmp_path, "pickled")
    state = load_file(str(d / "model.safetensors"))
    (d / "model.safetensors").unlink()
    torch.save(state, str(d / "pytorch_model.bin"))
    with pytest.raises(ModelError, match=r"pytorch_model\.bin is a pickle"):
        load_translator(d)
    pickled = load_translator(d, allow_pickle=True)
    safe = load_translator(tiny_model)
    assert pickled.translate(SOURCES[:1]) == safe.translate(SOURCES[:1])


WIRED = (
    "import sys; from pipeline.cli import app, main; from pipeline.cli_models import models_app;"
    " app.add_typer(models_app); main(sys.argv[1:])"
)


def models_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``mtclean models ...`` with the sub-app wired in as the lead will wire it."""
    return subprocess.run(
        [sys.executable, "-c", WIRED, "models", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_models_cli(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny"
    r = models_cli("tiny", str(tiny))
    assert r.returncode == 0, r.stderr
    assert "smoke tests only" in r.stdout
    assert json.loads((tiny / "config.json").read_text())["mtclean"]["smoke_test_only"] is True

    r = models_cli("check", str(tiny))
    assert r.returncode == 0, r.stderr
    assert "backend       transformers" in r.stdout and "marian" in r.stdout
    assert "smoke tests only" in r.stdout and "parameters" in r.stdout

    out = tmp_path / "tiny-ct2"
    r = models_cli("convert", str(tiny), str(out), "--quantize", "int8_float16")
    assert r.returncode == 0, r.stderr
    r = models_cli("check", str(out))
    assert r.returncode == 0 and "backend       ctranslate2" in r.stdout, r.stderr
    assert "smoke tests only" in r.stdout

    r = models_cli("list")
    assert r.returncode == 0 and "opus-mt-zh-en" in r.stdout and "CC-BY-4.0" in r.stdout

    for args, message in [
        (("check", str(tmp_path / "absent")), "no such model directory"),
        (("check", str(tiny), "--tgt-lang", "de"), "not zh-de"),
        (("convert", str(tiny), str(out), "--quantize", "int4"), "--quantize must be"),
        (("convert", str(tiny), str(out)), "exists and is not empty"),
    ]:
        r = models_cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.startswith("mtclean: error:") and message in r.stderr
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr

"""``mtclean models tiny DIR``: a tiny random-weight Marian model for smoke tests.

Its SentencePiece vocabulary is trained on the fly from ``pipeline/mt/data/tiny-corpus.txt``
(Chinese and English sentences written for this project, shipped as package data), its
weights are random (seeded, so the same model every time), and its ``config.json`` says it is
for smoke tests only. It exercises every code path (tokenizer, beam search, scoring,
conversion, both backends) in seconds; what it writes is arbitrary word salad and must never
be read as translation quality.

One deliberate non-random part: ``final_logits_bias`` pushes source-script (Han) pieces far
down, so the decoder writes Latin-script pieces and the candidate guards see target-script text
rather than failing every candidate on script alone.
"""

from __future__ import annotations

import io
import json
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pipeline.mt.modeldir import SMOKE_TEST_NOTE

# Package data, read through importlib.resources so an installed package has it.
CORPUS: Traversable = files("pipeline.mt") / "data" / "tiny-corpus.txt"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def corpus_lines(path: Path | Traversable = CORPUS) -> list[str]:
    """The training sentences (comments and blank lines skipped)."""
    text = path.read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def train_spm(lines: list[str], vocab_size: int = 600) -> bytes:
    """A unigram SentencePiece model, deterministic (one thread, input not shuffled)."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        bos_id=-1,
        eos_id=1,
        unk_id=2,
        pad_id=-1,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return buf.getvalue()


def build_tiny(
    out_dir: str | Path,
    seed: int = 0,
    d_model: int = 32,
    layers: int = 2,
    heads: int = 2,
    ffn: int = 64,
    vocab_size: int = 0,
) -> Path:
    """Write the tiny model into ``out_dir`` (created; existing files overwritten).

    The dimensions default to tiny; the speed benchmark asks for OPUS-MT's (``vocab_size``
    pads the vocabulary with unused ``<extra_N>`` entries up to that size).
    """
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    proto = train_spm(corpus_lines())
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(proto)
    sp = spm.SentencePieceProcessor(model_proto=proto)
    # Marian's layout: </s> 0, <unk> 1, the pieces, and <pad> last (the decoder start token).
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    while len(vocab) < vocab_size - 1:
        vocab[f"<extra_{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = MarianTokenizer(
            source_spm=str(out / "source.spm"),
            target_spm=str(out / "target.spm"),
            vocab=str(out / "vocab.json"),
        )
    tokenizer.save_pretrained(str(out))

    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=512,
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=0,
        init_std=0.5,  # large random weights: outputs that depend on the input
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    bias = torch.zeros(1, len(vocab))
    for piece, idx in vocab.items():
        if _HAN.search(piece):
            bias[0, idx] = -20.0
    model.final_logits_bias.copy_(bias)
    meta: dict[str, Any] = {
        "smoke_test_only": True,
        "note": SMOKE_TEST_NOTE,
        "languages": ["zh-en"],
        "seed": seed,
        "corpus": CORPUS.name,
    }
    model.config.mtclean = meta
    model.save_pretrained(str(out))
    (out / "README.md").write_text(
        "# Tiny smoke-test model\n\n"
        f"Built by `mtclean models tiny` (seed {seed}). {SMOKE_TEST_NOTE}.\n",
        encoding="utf-8",
    )
    return out

"""The one interface every backend offers, and what they share: tokenizer, languages, batching.

A ``Translator`` is built from a checked ``ModelDir`` for one direction (``src -> tgt``):

- ``translate(sources, ...)`` -> one string per source: beam search, sources sorted by length
  into batches of at most ``batch_tokens`` source tokens (padding counted), an output budget of
  ``max_length_ratio`` times the source length, an optional forced target prefix per source;
- ``score(sources, targets)`` -> the length-normalised log-probability of each target given its
  source (forced decoding: the mean log-probability of the target's tokens, end of sentence
  included). It is the same figure for both backends, so a scoring stage can compare them.

Both backends use the model's own transformers tokenizer (``local_files_only``, never remote
code): CTranslate2 takes its token strings, transformers its ids.
"""

from __future__ import annotations

import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from pipeline.mt.languages import LangTokens, lang_tokens
from pipeline.mt.modeldir import ModelDir, ModelError


def token_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Indices grouped shortest first so that ``rows * longest <= batch_tokens`` per batch.

    Sorting by length keeps padding small; a single source longer than the budget still gets a
    batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[i]  # ascending order: the newcomer is the longest
        if current and (len(current) + 1) * longest > batch_tokens:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def load_tokenizer(model: ModelDir) -> Any:
    """The directory's tokenizer, from local files only; any failure is one ModelError line."""
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Recommended: pip install sacremoses"
            return AutoTokenizer.from_pretrained(
                str(model.path), local_files_only=True, trust_remote_code=False
            )
    except Exception as err:  # transformers raises many types for a bad tokenizer
        raise ModelError(model.path, f"tokenizer cannot be loaded: {_one_line(err)}") from None


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}"[:300]


class Translator(ABC):
    """A loaded model for one direction; see the module docstring for the contract."""

    backend: str = ""

    def __init__(self, model: ModelDir, src_lang: str, tgt_lang: str) -> None:
        self.model = model
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.tokenizer = load_tokenizer(model)
        tok = self.tokenizer
        unk = tok.unk_token_id
        vocab = tok.get_vocab()

        def has_token(t: str) -> bool:
            return t in vocab and vocab[t] != unk

        multi = any(k.startswith(">>") and k.endswith("<<") for k in vocab)
        found = lang_tokens(model.model_type, src_lang, tgt_lang, has_token, model.languages, multi)
        if isinstance(found, str):
            raise ModelError(model.path, found)
        self.langs: LangTokens = found
        if found.src_code:
            tok.src_lang = found.src_code
        if found.tgt_code:
            tok.tgt_lang = found.tgt_code

    # -- tokens
    def source_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each source, with the model's language and end tokens."""
        prefix = f"{self.langs.source_prefix} " if self.langs.source_prefix else ""
        return [list(x) for x in self.tokenizer([prefix + t for t in texts]).input_ids]

    def target_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each target as the decoder produces them (language token, end token)."""
        return [list(x) for x in self.tokenizer(text_target=list(texts)).input_ids]

    def prefix_ids(self, text: str) -> list[int]:
        """A forced target prefix: the target's ids without the end-of-sentence token."""
        ids = self.target_ids([text])[0]
        eos = self.tokenizer.eos_token_id
        while ids and ids[-1] == eos:
            ids.pop()
        return ids

    def decode(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True)).strip()

    # -- the interface
    def translate(
        self,
        sources: Sequence[str],
        beam_size: int = 4,
        max_length_ratio: float = 2.0,
        batch_tokens: int = 4096,
        prefixes: Sequence[str | None] | None = None,
        min_new_tokens: int | None = None,
        max_new_tokens: int | None = None,
        no_repeat_ngram_size: int = 0,
    ) -> list[str]:
        """Translate ``sources``; ``prefixes[i]`` (if any) forces the start of output ``i``.

        The output budget per batch is ``max_length_ratio`` times its longest source (in
        tokens), unless ``max_new_tokens`` is given; ``min_new_tokens`` forbids ending sooner.
        """
        if not sources:
            return []
        src = self.source_ids(sources)
        pre = [self.prefix_ids(p) if p else None for p in (prefixes or [None] * len(sources))]
        out: list[str] = [""] * len(sources)
        for idx in token_batches([len(s) for s in src], batch_tokens):
            longest = max(len(src[i]) for i in idx)
            budget = max_new_tokens or max(4, math.ceil(longest * max_length_ratio))
            hyps = self._generate(
                [src[i] for i in idx],
                [pre[i] for i in idx],
                beam_size=beam_size,
                max_new=budget + max((len(pre[i] or []) for i in idx), default=0),
                min_new=min_new_tokens or 0,
                no_repeat_ngram_size=no_repeat_ngram_size,
            )
            for i, ids in zip(idx, hyps, strict=True):
                out[i] = self.decode(ids)
        return out

    def score(
        self, sources: Sequence[str], targets: Sequence[str], batch_tokens: int = 4096
    ) -> list[float]:
        """Length-normalised log-probability of each target given its source (<= 0)."""
        if len(sources) != len(targets):
            raise ValueError("score needs one target per source")
        if not sources:
            return []
        src, tgt = self.source_ids(sources), self.target_ids(targets)
        out = [0.0] * len(sources)
        lengths = [max(len(s), len(t)) for s, t in zip(src, tgt, strict=True)]
        for idx in token_batches(lengths, batch_tokens):
            scores = self._score([src[i] for i in idx], [tgt[i] for i in idx])
            for i, s in zip(idx, scores, strict=True):
                out[i] = round(float(s), 6)
        return out

    @abstractmethod
    def _generate(
        self,
        src: list[list[int]],
        prefixes: list[list[int] | None],
        beam_size: int,
        max_new: int,
        min_new: int,
        no_repeat_ngram_size: int,
    ) -> list[list[int]]:
        """Best hypothesis ids (prefix included) for one batch."""

    @abstractmethod
    def _score(self, src: list[list[int]], tgt: list[list[int]]) -> list[float]:
        """Mean log-probability of each ``tgt`` (ids with end token) given ``src``."""

    @abstractmethod
    def parameter_count(self) -> int:
        """Number of weights."""

    def info(self) -> dict[str, Any]:
        """What ``mtclean models check`` prints."""
        m = self.model
        return {
            "path": str(m.path),
            "backend": self.backend,
            "architecture": m.model_type,
            "languages": ", ".join(m.languages) or "any pair its codes cover",
            "direction": f"{self.src_lang}-{self.tgt_lang}",
            "parameters": self.parameter_count(),
            "size_on_disk": m.size_bytes,
            "smoke_test_only": m.smoke_test_only,
        }

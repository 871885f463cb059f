"""transformers backend: ``AutoModelForSeq2SeqLM`` with beam search through ``generate``.

Loaded from local files only, safetensors unless the directory was accepted with pickle
allowed, never with remote code. (transformers v5 has no ``pipeline("translation")``.)
"""

from __future__ import annotations

import warnings
from typing import Any

from pipeline.mt.backend import Translator, _one_line
from pipeline.mt.convert import safetensors_parameters
from pipeline.mt.modeldir import ModelDir, ModelError


class TransformersTranslator(Translator):
    """A transformers seq2seq model on CPU (fp32) or CUDA."""

    backend = "transformers"

    def __init__(
        self, model: ModelDir, src_lang: str, tgt_lang: str, device: str = "cpu", threads: int = 0
    ) -> None:
        super().__init__(model, src_lang, tgt_lang)
        import torch
        from transformers import AutoModelForSeq2SeqLM
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if threads > 0:
            torch.set_num_threads(threads)
        self.torch = torch
        self.device = device
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                net = AutoModelForSeq2SeqLM.from_pretrained(
                    str(model.path),
                    local_files_only=True,
                    trust_remote_code=False,
                    use_safetensors=not model.pickle,
                )
        except Exception as err:  # corrupt weights, shape mismatch, unreadable files
            raise ModelError(model.path, f"weights cannot be loaded: {_one_line(err)}") from None
        self.net: Any = net.to(device).eval()
        cfg = self.net.config
        self.eos = cfg.eos_token_id
        self.pad = cfg.pad_token_id if cfg.pad_token_id is not None else self.eos
        self.start = cfg.decoder_start_token_id if cfg.decoder_start_token_id is not None else 0

    def _pad(self, rows: list[list[int]], value: int, left: bool = False) -> Any:
        n = max(len(r) for r in rows)
        data = [
            ([value] * (n - len(r)) + r) if left else (r + [value] * (n - len(r))) for r in rows
        ]
        return self.torch.tensor(data, dtype=self.torch.long, device=self.device)

    def _generate(
        self,
        src: list[list[int]],
        prefixes: list[list[int] | None],
        beam_size: int,
        max_new: int,
        min_new: int,
        no_repeat_ngram_size: int,
    ) -> list[list[int]]:
        if any(p for p in prefixes):
            # Prefixes differ in length; decoding them one by one avoids padded decoder input.
            return [
                self._run([s], p, beam_size, max_new, min_new, no_repeat_ngram_size)[0]
                for s, p in zip(src, prefixes, strict=True)
            ]
        return self._run(src, None, beam_size, max_new, min_new, no_repeat_ngram_size)

    def _run(
        self,
        src: list[list[int]],
        prefix: list[int] | None,
        beam_size: int,
        max_new: int,
        min_new: int,
        no_repeat_ngram_size: int,
    ) -> list[list[int]]:
        ids = self._pad(src, self.pad)
        mask = self._pad([[1] * len(s) for s in src], 0)
        kwargs: dict[str, Any] = {
            "num_beams": beam_size,
            "do_sample": False,
            "max_new_tokens": max_new,
            "min_new_tokens": min_new,
            "no_repeat_ngram_size": no_repeat_ngram_size,
            "num_return_sequences": 1,
        }
        start = [self.start]
        if self.langs.tgt_code:
            start.append(self.tokenizer.convert_tokens_to_ids(self.langs.tgt_code))
        if prefix:
            # target_ids already starts with the language token where the model needs one.
            kwargs["decoder_input_ids"] = self._pad([[self.start, *prefix]], self.pad)
        elif self.langs.tgt_code:
            kwargs["forced_bos_token_id"] = start[1]
        with self.torch.inference_mode():
            out = self.net.generate(input_ids=ids, attention_mask=mask, **kwargs)
        return [row.tolist() for row in out]

    def _score(self, src: list[list[int]], tgt: list[list[int]]) -> list[float]:
        torch = self.torch
        ids = self._pad(src, self.pad)
        mask = self._pad([[1] * len(s) for s in src], 0)
        labels = self._pad(tgt, -100)
        with torch.inference_mode():
            logits = self.net(input_ids=ids, attention_mask=mask, labels=labels).logits
            logits = logits.float()
            if self.pad != self.eos:
                # <pad> only starts the decoder and is never generated (CTranslate2 drops it
                # from the vocabulary): leave it out so both backends give the same figure.
                logits[..., self.pad] = float("-inf")
            logp = torch.log_softmax(logits, dim=-1)
            keep = labels != -100
            picked = logp.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
            sums = (picked * keep).sum(-1)
            counts = keep.sum(-1).clamp(min=1)
        return (sums / counts).tolist()

    def parameter_count(self) -> int:
        if not self.model.pickle:  # the stored count, as CTranslate2 copies report it
            return safetensors_parameters(self.model.weights)
        return int(sum(p.numel() for p in self.net.parameters()))

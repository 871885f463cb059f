"""CTranslate2 backend: a converted model, int8 on CPU by default, ``device="cuda"`` on a GPU.

``intra_threads`` is set from the worker count (cores divided among workers) so that several
worker processes do not oversubscribe the CPU. The directory is one ``mtclean models convert``
wrote: CTranslate2's ``model.bin`` and vocabulary, plus the original tokenizer files.
"""

from __future__ import annotations

from pipeline.mt.backend import Translator, _one_line
from pipeline.mt.modeldir import ModelDir, ModelError

DEFAULT_COMPUTE = {"cpu": "int8", "cuda": "int8_float16"}


class CTranslate2Translator(Translator):
    """A CTranslate2 ``Translator`` behind the shared interface."""

    backend = "ctranslate2"

    def __init__(
        self,
        model: ModelDir,
        src_lang: str,
        tgt_lang: str,
        device: str = "cpu",
        threads: int = 0,
        compute_type: str = "default",
    ) -> None:
        super().__init__(model, src_lang, tgt_lang)
        import ctranslate2

        if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise ModelError(model.path, "device 'cuda' asked for, but no CUDA GPU is visible")
        self.compute_type = DEFAULT_COMPUTE[device] if compute_type == "default" else compute_type
        try:
            self.net = ctranslate2.Translator(
                str(model.path),
                device=device,
                compute_type=self.compute_type,
                intra_threads=max(0, threads),
                inter_threads=1,
            )
        except Exception as err:  # CTranslate2 raises RuntimeError, IndexError... for bad files
            raise ModelError(model.path, f"CTranslate2 cannot load it: {_one_line(err)}") from None
        self.device = device

    def _tokens(self, rows: list[list[int]]) -> list[list[str]]:
        return [self.tokenizer.convert_ids_to_tokens(r) for r in rows]

    def _generate(
        self,
        src: list[list[int]],
        prefixes: list[list[int] | None],
        beam_size: int,
        max_new: int,
        min_new: int,
        no_repeat_ngram_size: int,
    ) -> list[list[int]]:
        lang = [self.langs.tgt_code] if self.langs.tgt_code else []
        target_prefix = None
        if lang or any(prefixes):
            # target_ids already carries the language token where the model needs one.
            target_prefix = [self._tokens([p])[0] if p else list(lang) for p in prefixes]
        results = self.net.translate_batch(
            self._tokens(src),
            target_prefix=target_prefix,
            beam_size=beam_size,
            max_decoding_length=max_new + len(lang),
            min_decoding_length=min_new + len(lang),
            no_repeat_ngram_size=no_repeat_ngram_size,
            return_scores=False,
        )
        return [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]

    def _score(self, src: list[list[int]], tgt: list[list[int]]) -> list[float]:
        eos = self.tokenizer.eos_token_id
        # CTranslate2 appends the end token itself.
        targets = [t[:-1] if t and t[-1] == eos else t for t in tgt]
        results = self.net.score_batch(self._tokens(src), self._tokens(targets))
        return [sum(r.log_probs) / max(1, len(r.log_probs)) for r in results]

    def parameter_count(self) -> int:
        n = self.model.config.get("mtclean", {}).get("parameters")
        return int(n) if n else 0

"""Load a translator for a model directory: the backend is chosen by what the directory holds.

``cached_translator`` keeps one loaded translator per process and settings, so a stage that is
unpickled again for every batch (as a process pool does) still loads its model once per worker.
``LOADS`` counts the models actually loaded in this process; a test holds it to one per worker.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.mt.backend import Translator
from pipeline.mt.ct2 import CTranslate2Translator
from pipeline.mt.hf import TransformersTranslator
from pipeline.mt.modeldir import ModelDir, ModelError, inspect_dir

LOADS = 0
_CACHE: dict[tuple[object, ...], Translator] = {}


def threads_per_worker(workers: int, threads: int = 0) -> int:
    """``threads`` if set, else this machine's cores shared among ``workers`` (at least 1)."""
    if threads > 0:
        return threads
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def load_translator(
    path: str | Path,
    src_lang: str = "zh",
    tgt_lang: str = "en",
    device: str = "cpu",
    allow_pickle: bool = False,
    workers: int = 1,
    threads: int = 0,
    compute_type: str = "default",
) -> Translator:
    """A ready translator for ``src_lang -> tgt_lang``; any problem is one ModelError line."""
    global LOADS
    model = inspect_dir(path, allow_pickle=allow_pickle)
    if device == "cuda":
        _require_cuda(model)
    n = threads_per_worker(workers, threads)
    translator: Translator
    if model.backend == "ctranslate2":
        translator = CTranslate2Translator(
            model, src_lang, tgt_lang, device=device, threads=n, compute_type=compute_type
        )
    else:
        # One thread per worker unless asked (the backend's thread policy), not the core share.
        translator = TransformersTranslator(
            model, src_lang, tgt_lang, device=device, threads=threads
        )
    LOADS += 1
    return translator


def _require_cuda(model: ModelDir) -> None:
    """``--device cuda`` where the backend has no CUDA device is one line, not a traceback
    from deep inside torch (a CPU-only wheel) or CTranslate2."""
    if model.backend == "ctranslate2":
        import ctranslate2

        have = ctranslate2.get_cuda_device_count() > 0
        what = "CTranslate2 sees no CUDA device"
    else:
        import torch

        have = torch.cuda.is_available()
        what = (
            "this torch is a CPU-only build"
            if torch.version.cuda is None
            else "torch sees no CUDA device"
        )
    if not have:
        raise ModelError(model.path, f"--device cuda: {what}; use --device cpu")


def cached_translator(
    path: str | Path,
    src_lang: str = "zh",
    tgt_lang: str = "en",
    device: str = "cpu",
    allow_pickle: bool = False,
    workers: int = 1,
    threads: int = 0,
    compute_type: str = "default",
) -> Translator:
    """``load_translator``, once per process for the same settings."""
    key = (str(Path(path).resolve()), src_lang, tgt_lang, device, allow_pickle, workers, threads,
           compute_type)  # fmt: skip
    if key not in _CACHE:
        _CACHE[key] = load_translator(
            path, src_lang, tgt_lang, device, allow_pickle, workers, threads, compute_type
        )
    return _CACHE[key]

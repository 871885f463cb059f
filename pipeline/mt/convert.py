"""``mtclean models convert DIR OUT --quantize ...``: a transformers model to CTranslate2.

The source directory is checked first (``inspect_dir``: safetensors only unless pickle is
allowed; never remote code). The tokenizer files are copied next to ``model.bin`` so the
CTranslate2 backend tokenizes exactly as the original, and mtclean's metadata (architecture,
languages, parameter count, smoke-test status) is added to the output ``config.json``.
"""

from __future__ import annotations

import json
import struct
import warnings
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.mt.backend import _one_line
from pipeline.mt.modeldir import TOKENIZER_FILES, ModelError, inspect_dir

QUANTIZATIONS = ("int8", "int8_float16", "float16", "float32")  # float32: no quantization
_EXTRA_TOKENIZER_FILES = (
    "target.spm",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "generation_config.json",
)


def safetensors_parameters(paths: list[Path]) -> int:
    """Number of weights, read from safetensors headers only."""
    total = 0
    for p in paths:
        with p.open("rb") as fh:
            (n,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(n))
        for name, info in header.items():
            if name != "__metadata__":
                count = 1
                for d in info["shape"]:
                    count *= int(d)
                total += count
    return total


def convert(src: str | Path, out: str | Path, quantize: str, allow_pickle: bool = False,
            force: bool = False) -> Path:  # fmt: skip
    """Convert ``src`` into a CTranslate2 directory ``out``; return ``out``."""
    if quantize not in QUANTIZATIONS:
        raise UsageError(f"--quantize must be one of {', '.join(QUANTIZATIONS)}, not {quantize!r}")
    model = inspect_dir(src, allow_pickle=allow_pickle)
    if model.backend != "transformers":
        raise ModelError(src, "already a CTranslate2 model")
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(f"{out}: exists and is not empty (use --force to overwrite)")
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    names = {p.name for p in model.path.iterdir()}
    copy = [n for n in (*TOKENIZER_FILES, *_EXTRA_TOKENIZER_FILES) if n in names]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            TransformersConverter(str(model.path), copy_files=copy).convert(
                str(out), quantization=quantize, force=True
            )
    except Exception as err:  # the converter raises many kinds for unsupported models
        raise ModelError(src, f"conversion failed: {_one_line(err)}") from None
    meta: dict[str, Any] = dict(model.config.get("mtclean") or {})
    meta.update(
        model_type=model.model_type,
        quantization=quantize,
        converted_from=str(model.path),
        parameters=safetensors_parameters(model.weights) if not model.pickle else None,
    )
    cfg_path = out / "config.json"
    ct2_config = json.loads(cfg_path.read_text(encoding="utf-8"))
    ct2_config["mtclean"] = meta
    cfg_path.write_text(json.dumps(ct2_config, indent=2, ensure_ascii=False), encoding="utf-8")
    return out

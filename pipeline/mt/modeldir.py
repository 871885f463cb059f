"""What a model directory holds, checked before any weights are loaded.

``inspect_dir`` decides the backend from the files (a CTranslate2 ``model.bin`` next to a
vocabulary, or a transformers ``config.json`` with weights) and refuses, with one line naming
the problem, everything that cannot work or is unsafe:

- pickle weights (``pytorch_model.bin``, ``*.pt``, ``*.ckpt``): loading a pickle runs code, so
  they are refused unless ``allow_pickle`` is set; safetensors are preferred whenever present;
- no tokenizer files; an architecture that is not a text sequence-to-sequence model (an
  encoder-only BERT cannot translate); ``config.json`` missing or not JSON;
- safetensors files whose header is corrupt or whose data is cut short.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipeline.errors import MtcleanError

Backend = Literal["transformers", "ctranslate2"]

# Translation architectures served (``model_type`` in config.json): Marian (OPUS-MT) and
# M2M100 (M2M100 and the dense NLLB-200 checkpoints), plus NLLB's mixture-of-experts variant.
SEQ2SEQ_TYPES = frozenset({"marian", "m2m_100", "nllb-moe"})
# Known encoder-only or decoder-only families, named in the error so the user knows why.
ENCODER_ONLY = frozenset(
    {"bert", "roberta", "xlm-roberta", "distilbert", "electra", "deberta", "deberta-v2", "albert"}
)
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
# Files any supported tokenizer loads from (one is enough to try).
TOKENIZER_FILES = (
    "tokenizer.json",
    "source.spm",
    "sentencepiece.bpe.model",
    "spiece.model",
    "sentencepiece.model",
    "vocab.json",
    "vocab.txt",
)
SMOKE_TEST_NOTE = "tiny random-weight model for smoke tests only; its output is not translation"


class ModelError(MtcleanError):
    """A model directory that cannot be used: ``DIR: reason``, one line, exit 2."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


@dataclass
class ModelDir:
    """A checked model directory: which backend serves it and what it declares."""

    path: Path
    backend: Backend
    model_type: str
    config: dict[str, Any]
    weights: list[Path]
    pickle: bool = False  # weights are a pickle (only with allow_pickle)
    languages: list[str] = field(default_factory=list)  # declared by mtclean metadata
    smoke_test_only: bool = False

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(path.parent, f"{path.name} is not readable JSON ({what}): {err}") from None
    if not isinstance(data, dict):
        raise ModelError(path.parent, f"{path.name} is not a JSON object")
    return data


def check_safetensors(path: Path) -> None:
    """Raise ModelError unless ``path`` has a valid safetensors header and all its data.

    Reads only the header (8-byte length + JSON), so a 2 GB file costs one small read.
    """
    size = path.stat().st_size
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                raise ValueError("shorter than a safetensors header")
            (n,) = struct.unpack("<Q", head)
            if n > min(size - 8, 100_000_000):
                raise ValueError("header length points past the end of the file")
            header = json.loads(fh.read(n))
    except (ValueError, UnicodeDecodeError) as err:
        raise ModelError(path.parent, f"{path.name}: corrupt safetensors file ({err})") from None
    if not isinstance(header, dict):
        raise ModelError(path.parent, f"{path.name}: corrupt safetensors file (bad header)")
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            end = max(end, int(info["data_offsets"][1]))
        except (KeyError, TypeError, IndexError, ValueError):
            raise ModelError(
                path.parent, f"{path.name}: corrupt safetensors file (tensor {name!r})"
            ) from None
    if 8 + n + end > size:
        raise ModelError(
            path.parent,
            f"{path.name}: truncated ({size} bytes, the header needs {8 + n + end})",
        )


def inspect_dir(path: str | Path, allow_pickle: bool = False) -> ModelDir:
    """Check a model directory without loading weights; every problem is a ModelError."""
    p = Path(path)
    if not p.is_dir():
        raise ModelError(p, "no such model directory")
    names = {f.name for f in p.iterdir() if f.is_file()}
    if "config.json" not in names:
        raise ModelError(p, "no config.json: not a transformers or CTranslate2 model directory")
    config = _read_json(p / "config.json", "model config")
    meta = config.get("mtclean") if isinstance(config.get("mtclean"), dict) else {}
    languages = [str(x) for x in meta.get("languages", [])]
    smoke = bool(meta.get("smoke_test_only"))

    if "model.bin" in names and "model_type" not in config:
        # CTranslate2: model.bin is its own flat format (not a pickle) plus vocabulary files.
        if not names & {"shared_vocabulary.json", "shared_vocabulary.txt"} and not (
            names & {"source_vocabulary.json", "source_vocabulary.txt"}
        ):
            raise ModelError(p, "CTranslate2 model without a vocabulary file")
        _require_tokenizer(p, names)
        return ModelDir(
            p, "ctranslate2", str(meta.get("model_type", "")), config, [p / "model.bin"],
            languages=languages, smoke_test_only=smoke,
        )  # fmt: skip

    model_type = str(config.get("model_type", ""))
    if not model_type:
        raise ModelError(p, "config.json has no model_type")
    if model_type in ENCODER_ONLY or (
        model_type not in SEQ2SEQ_TYPES and not config.get("is_encoder_decoder")
    ):
        kind = "encoder-only" if model_type in ENCODER_ONLY else "not a sequence-to-sequence"
        raise ModelError(
            p,
            f"architecture {model_type!r} is {kind} model; re-translation needs an "
            f"encoder-decoder translation model (Marian/OPUS-MT, NLLB-200, M2M100)",
        )
    if model_type not in SEQ2SEQ_TYPES:
        raise ModelError(
            p,
            f"architecture {model_type!r} is not supported for translation "
            f"(supported: {', '.join(sorted(SEQ2SEQ_TYPES))})",
        )

    safetensors = sorted(p.glob("*.safetensors"))
    pickles = sorted(f for f in p.iterdir() if f.is_file() and f.suffix in PICKLE_SUFFIXES)
    if safetensors:
        for f in safetensors:
            check_safetensors(f)
        weights, is_pickle = safetensors, False
    elif pickles:
        if not allow_pickle:
            raise ModelError(
                p,
                f"{pickles[0].name} is a pickle (loading it runs code); convert it to "
                f"safetensors or pass --allow-pickle if you trust its origin",
            )
        weights, is_pickle = pickles, True
    else:
        raise ModelError(p, "no weights (*.safetensors)")
    _require_tokenizer(p, names)
    return ModelDir(
        p, "transformers", model_type, config, weights, pickle=is_pickle,
        languages=languages, smoke_test_only=smoke,
    )  # fmt: skip


def _require_tokenizer(p: Path, names: set[str]) -> None:
    if not names & set(TOKENIZER_FILES):
        raise ModelError(p, f"no tokenizer files (expected one of: {', '.join(TOKENIZER_FILES)})")

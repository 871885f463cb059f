"""What a model directory holds, checked before any weights are loaded.

``inspect_dir`` decides the backend from the files (a CTranslate2 ``model.bin`` next to a
vocabulary, or a transformers ``config.json`` with weights) and refuses, with one line naming
the problem, everything that cannot work or is unsafe:

- pickle weights (``pytorch_model.bin``, ``*.pt``, ``*.ckpt``): loading a pickle runs code, so
  they are refused unless ``allow_pickle`` is set; safetensors are preferred whenever present;
- no tokenizer files; an architecture that is not a text sequence-to-sequence model (an
  encoder-only BERT cannot translate); ``config.json`` missing or not JSON;
- safetensors files whose header is corrupt or whose data is cut short;
- anything in the folder that is not a regular file or a folder (a FIFO named
  ``model.safetensors`` would block the first read for ever, a device never ends);
- a ``config.json`` whose dimensions describe a model far larger than its weights or than this
  machine's memory: the parameter memory is estimated from the config before anything is built
  (a hostile config would otherwise allocate until the machine runs out).
"""

from __future__ import annotations

import json
import os
import stat
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
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        # ValueError covers malformed JSON and an integer over Python's 4,300-digit limit.
        why = str(err).splitlines()[0].split(";")[0] if str(err) else "nested too deeply"
        raise ModelError(path.parent, f"{path.name} is not readable JSON ({what}): {why}") from None
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


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _only_files(p: Path) -> None:
    """Refuse entries that are not regular files or folders (links followed) before any is
    opened: opening a FIFO blocks until a writer comes, reading a device never ends."""
    for f in sorted(p.iterdir()):
        try:
            mode = f.stat().st_mode
        except OSError as err:
            raise ModelError(p, f"{f.name}: {err.strerror or err} (a broken link?)") from None
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise ModelError(p, f"{f.name} is {kind}; a model folder holds only regular files")


# Per-parameter bytes the estimate assumes (float32, as transformers builds a model before it
# loads the weights into it), and how far the estimate may exceed the weights on disk (fp16
# weights are half the estimate; the estimate counts position tables a checkpoint may omit).
_PARAM_BYTES = 4
_SLACK = 4
_SLACK_BYTES = 256 << 20


# What transformers assumes for a dimension config.json leaves out (the larger of the Marian
# and M2M100 defaults), so leaving a key out cannot hide a size from the estimate.
_DEFAULT_DIMS = {
    "d_model": 1024,
    "vocab_size": 128112,
    "max_position_embeddings": 1024,
    "encoder_layers": 12,
    "decoder_layers": 12,
    "num_experts": 1,
}


def _dim(config: dict[str, Any], *keys: str, default: int | None = None) -> int:
    for key in keys:
        if key in config:
            v = config[key]
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ModelError("config.json", f"{key} must be a non-negative integer, not {v!r}")
            return v
    return _DEFAULT_DIMS[keys[0]] if default is None else default


def estimate_parameter_bytes(config: dict[str, Any]) -> int:
    """Bytes of float32 parameters an encoder-decoder transformer with ``config``'s dimensions
    holds (Marian, M2M100/NLLB, NLLB-MoE): embeddings (encoder and decoder counted apart),
    position tables, attention (4 d^2 per self- or cross-attention block), feed-forward
    (2 d ffn, times the experts of a mixture-of-experts layer). An upper-side estimate: tied
    embeddings are counted twice."""
    d = _dim(config, "d_model", "hidden_size")
    vocab = _dim(config, "vocab_size")
    dec_vocab = _dim(config, "decoder_vocab_size", default=vocab)
    positions = _dim(config, "max_position_embeddings")
    enc, dec = _dim(config, "encoder_layers"), _dim(config, "decoder_layers")
    ffn_e = _dim(config, "encoder_ffn_dim", default=4 * d)
    ffn_d = _dim(config, "decoder_ffn_dim", default=4 * d)
    experts = max(1, _dim(config, "num_experts"))
    params = (vocab + dec_vocab + 2 * positions) * d
    params += enc * (4 * d * d + 2 * d * ffn_e * experts)
    params += dec * (8 * d * d + 2 * d * ffn_d * experts)
    return params * _PARAM_BYTES


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 1 << 62  # unknown: only the weights comparison applies


def _size(n: int) -> str:
    """``n`` bytes for a message; an absurd integer from a hostile config stays short."""
    if n >= 10**21:
        return ">1,000 EB"
    for unit, scale in (("EB", 10**18), ("PB", 10**15), ("TB", 10**12), ("GB", 10**9)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 10**6:.1f} MB"


def check_model_size(p: Path, config: dict[str, Any], weights: list[Path]) -> None:
    """Refuse a config whose estimated parameter memory exceeds this machine's memory or is far
    beyond what the safetensors weights on disk hold, saying the estimate and the limit."""
    try:
        need = estimate_parameter_bytes(config)
    except ModelError as err:
        raise ModelError(p, f"config.json: {err.reason}") from None
    on_disk = sum(w.stat().st_size for w in weights)
    memory = _memory_bytes()
    if need > memory:
        raise ModelError(
            p,
            f"config.json describes ~{_size(need)} of parameters (estimated), more than this "
            f"machine's {_size(memory)} of memory; refused before building the model",
        )
    limit = _SLACK * on_disk + _SLACK_BYTES
    if need > limit and all(w.suffix == ".safetensors" for w in weights):
        # (pickle weights, allowed only when trusted, are not compared: only safetensors
        # are checked to hold what their header says)
        raise ModelError(
            p,
            f"config.json describes ~{_size(need)} of parameters (estimated) but the weights hold "
            f"{_size(on_disk)} (limit {_size(limit)}); the config does not match its weights",
        )


def inspect_dir(path: str | Path, allow_pickle: bool = False) -> ModelDir:
    """Check a model directory without loading weights; every problem is a ModelError."""
    p = Path(path)
    if not p.is_dir():
        raise ModelError(p, "no such model directory")
    _only_files(p)
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
    check_model_size(p, config, weights)
    return ModelDir(
        p, "transformers", model_type, config, weights, pickle=is_pickle,
        languages=languages, smoke_test_only=smoke,
    )  # fmt: skip


def _require_tokenizer(p: Path, names: set[str]) -> None:
    if not names & set(TOKENIZER_FILES):
        raise ModelError(p, f"no tokenizer files (expected one of: {', '.join(TOKENIZER_FILES)})")

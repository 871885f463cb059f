"""Reliability, second round (issue 19), items 8 and 9: hostile model folders and a device the
machine lacks, through the real entry point. Every case is one line, exit 2, and quick: the
folder is checked (file types, config, an estimate of the parameter memory) before a single
tensor is built."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, mtclean
from tests.test_reliability import one_line


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """The tiny smoke-test model, made by the CLI (``mtclean models tiny``)."""
    path = tmp_path_factory.mktemp("models") / "tiny"
    assert mtclean("models", "tiny", str(path)).returncode == 0
    assert mtclean("models", "check", str(path)).returncode == 0
    return path


def _copy(tiny: Path, tmp: Path, **config) -> Path:
    model = tmp / "m"
    shutil.copytree(tiny, model)
    if config:
        data = json.loads((model / "config.json").read_text(encoding="utf-8"))
        data.update(config)
        (model / "config.json").write_text(json.dumps(data), encoding="utf-8")
    return model


def test_a_fifo_named_model_safetensors_does_not_block_models_check(tiny, tmp_path):
    model = _copy(tiny, tmp_path)
    (model / "model.safetensors").unlink()
    os.mkfifo(model / "model.safetensors")
    # Before the fix the first read of the FIFO blocks for ever: the timeout ends the test.
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "models", "check", str(model)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    one_line(proc, 2, str(model), "model.safetensors is a FIFO")


def test_a_fifo_in_the_model_folder_does_not_block_a_run(tiny, tmp_path):
    model = _copy(tiny, tmp_path)
    os.mkfifo(model / "source.spm.fifo")
    os.replace(model / "source.spm.fifo", model / "source.spm")
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": 1, "source": "茶园", "target": "tea tea tea garden"}\n')
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(tmp_path / "o"),
         "--model", str(model), "-q", "-j1"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    one_line(proc, 2, "source.spm is a FIFO")


@pytest.mark.parametrize(
    "dims, needles",
    [
        # 246 TB of float32 parameters: more than any machine's memory
        (
            {"d_model": 65536, "encoder_layers": 512, "decoder_layers": 512,
             "encoder_ffn_dim": 262144, "decoder_ffn_dim": 262144},
            ["~246.3 TB of parameters (estimated)", "memory", "refused before building"],
        ),
        # 1.4 GB: fits in memory, but the weights on disk hold 0.3 MB
        (
            {"d_model": 1024, "encoder_layers": 12, "decoder_layers": 12,
             "encoder_ffn_dim": 4096, "decoder_ffn_dim": 4096},
            ["~1.4 GB of parameters (estimated)", "the weights hold 0.3 MB", "limit 269.5 MB"],
        ),
        ({"d_model": 10**3000}, ["~>1,000 EB", "memory"]),
        ({"d_model": "32"}, ["d_model must be a non-negative integer"]),
    ],
)  # fmt: skip
def test_a_config_with_huge_dimensions_is_refused_from_an_estimate(tiny, tmp_path, dims, needles):
    """Hand-computed: params = (vocab + dec_vocab + 2 positions) d + enc (4 d^2 + 2 d ffn)
    + dec (8 d^2 + 2 d ffn), 4 bytes each. For d=1024, vocab 601+601, positions 512, 12+12
    layers, ffn 4096: (2226 * 1024 + 12 * (4194304 + 8388608) + 12 * (8388608 + 8388608)) * 4
    = 1,418,403,840 bytes (1.4 GB). The limit is 4 x the weights (259,532 bytes) + 256 MiB."""
    model = _copy(tiny, tmp_path, **dims)
    one_line(mtclean("models", "check", str(model)), 2, str(model), *needles)


def test_a_giant_integer_in_config_json_is_one_line(tiny, tmp_path):
    model = _copy(tiny, tmp_path)
    text = (model / "config.json").read_text(encoding="utf-8")
    (model / "config.json").write_text(text.replace('"d_model": 32', '"d_model": ' + "9" * 5000))
    one_line(mtclean("models", "check", str(model)), 2, str(model), "config.json", "4300 digits")


def test_device_cuda_without_cuda_is_one_line(tiny, tmp_path):
    import torch

    if torch.cuda.is_available():  # a machine with CUDA: the same command works
        assert mtclean("models", "check", str(tiny), "--device", "cuda").returncode == 0
        return
    one_line(mtclean("models", "check", str(tiny), "--device", "cuda"), 2, "--device cuda")
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": 1, "source": "茶园", "target": "tea tea tea garden"}\n')
    out = tmp_path / "o"
    proc = mtclean("run", str(src), "--out", str(out), "--model", str(tiny), "--device", "cuda")
    one_line(proc, 2, str(tiny), "--device cuda", "--device cpu")

"""Thread policy of the transformers backend (issue 20): one intra-op thread per worker unless
asked, and passive OpenMP waiting set before torch loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.mt.load import load_translator


def test_transformers_uses_one_thread_unless_told(tiny_model: Path) -> None:
    import torch

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        tr = load_translator(tiny_model, workers=1)  # 0 threads asked: the policy's one
        assert (tr.threads, torch.get_num_threads()) == (1, 1)
        tr = load_translator(tiny_model, threads=2)
        assert (tr.threads, torch.get_num_threads()) == (2, 2)
    finally:
        torch.set_num_threads(before)


def test_importing_the_backend_sets_passive_waiting_before_torch() -> None:
    # A fresh interpreter: the variable must be in place before torch is first imported, and a
    # value the user set is kept.
    code = (
        "import os, sys; import pipeline.mt.hf; "
        "print(os.environ['OMP_WAIT_POLICY'], 'torch' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["PASSIVE", "False"], out.stderr
    env["OMP_WAIT_POLICY"] = "ACTIVE"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["ACTIVE", "False"], out.stderr

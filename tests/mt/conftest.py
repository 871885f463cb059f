"""The tiny smoke-test model, built once per session under a temporary folder, and its
CTranslate2 int8 copy. Both are random-weight: tests check machinery, never quality."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.mt.tiny import build_tiny

    return build_tiny(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session")
def tiny_ct2(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.mt.convert import convert

    return convert(tiny_model, tmp_path_factory.mktemp("models") / "tiny-ct2", "int8")


@pytest.fixture(params=["transformers", "ctranslate2"])
def tiny_any(request: pytest.FixtureRequest, tiny_model: Path, tiny_ct2: Path) -> Path:
    """The tiny model on each backend in turn."""
    return tiny_model if request.param == "transformers" else tiny_ct2


@pytest.fixture
def termbase(tmp_path: Path) -> str:
    p = tmp_path / "terms.tsv"
    p.write_text("source\ttarget\n喀什\tKashgar\n茶园\ttea garden\n", encoding="utf-8")
    return str(p)

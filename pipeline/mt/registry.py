"""The known-model registry, ``pipeline/mt/data/registry.toml`` (package data, read through
``importlib.resources``, so an installed package has it), and what is present in the local store.

Each ``[[model]]`` says: ``name``, ``architecture``, ``pairs`` (``zh-en``...), ``files`` it
needs, ``obtain`` (where a user gets it; mtclean never downloads), ``licence`` and ``dir``
(its folder under the store: ``models/store/`` of the checkout, which git ignores, or of the
working directory for an installed package).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pipeline.errors import ConfigError

REGISTRY: Traversable = files("pipeline.mt") / "data" / "registry.toml"
# The checkout's models/ folder when running from one, else ./models of the working directory.
_CHECKOUT = Path(__file__).resolve().parents[2]
MODELS_DIR = (
    _CHECKOUT / "models" if (_CHECKOUT / "pyproject.toml").is_file() else Path("models").resolve()
)
STORE = MODELS_DIR / "store"


@dataclass(frozen=True)
class KnownModel:
    name: str
    architecture: str
    pairs: list[str]
    files: list[str]
    obtain: str
    licence: str
    dir: str
    note: str = ""
    backend: str = "transformers"
    aliases: list[str] = field(default_factory=list)

    def local_path(self, store: Path = STORE) -> Path:
        return store / self.dir

    def missing(self, store: Path = STORE) -> list[str]:
        """Expected files not in the local store (all of them when the folder is absent)."""
        p = self.local_path(store)
        return [f for f in self.files if not (p / f).is_file()]


def load_registry(path: Path | Traversable = REGISTRY) -> list[KnownModel]:
    """The registry's entries; a malformed file is one ConfigError line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no model registry") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    out = []
    for i, entry in enumerate(data.get("model", []), 1):
        try:
            out.append(KnownModel(**entry))
        except TypeError as err:
            raise ConfigError(f"{path}: [[model]] #{i}: {err}") from None
    return out

"""The quality models: fitted coefficients over ``features.FEATURES``, read from small JSON files.

Two files ship, both written by ``tools/fit_quality.py`` (which records in each what it was
fitted on and how it transferred between the two dev domains):

- ``quality_model.json``: the **zh-en** model, fitted on professional MQM of zh->en MT;
- ``quality_model_any.json``: the **pair-independent** model for every other language pair (and
  for records whose pair is unknown): detection flags only, no source or target wording, so no
  coefficient fitted on Chinese or English text ever scores another pair.

Each file holds two linear models over standardised features:

- ``single``: for a segment with nothing to compare it with;
- ``consensus``: the same plus ``consensus`` (mean chrF against other translations of the same
  source), used when other candidates or other records with the same source exist.

Each gives a *risk* logit: ``sigmoid(logit)`` estimates the probability that a professional rater
marks a major error in the segment (calibrated on the fitting data); ``quality = 1 - risk``. A
model log-probability (forced decoding, when a model is configured) shifts the logit by a
configured, unfitted weight: no model was available where the coefficients were fitted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

SHIPPED = Path(__file__).with_name("quality_model.json")
PAIR_FREE = Path(__file__).with_name("quality_model_any.json")
ANY = "*"


@dataclass(frozen=True)
class LinearRisk:
    """One standardised linear model: ``logit = intercept + sum(coef * (x - mean) / scale)``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> LinearRisk:
        n = len(obj["features"])
        for key in ("mean", "scale", "coef"):
            if len(obj[key]) != n:
                raise ValueError(f"{key} has {len(obj[key])} values for {n} features")
        return cls(
            tuple(obj["features"]),
            tuple(float(v) for v in obj["mean"]),
            tuple(float(v) or 1.0 for v in obj["scale"]),
            tuple(float(v) for v in obj["coef"]),
            float(obj["intercept"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "coef": [round(v, 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }

    def logit(self, features: dict[str, float]) -> float:
        """The risk logit for a feature dict (features it lacks count as their mean)."""
        z = self.intercept
        for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += c * (features.get(name, m) - m) / s
        return z


@dataclass(frozen=True)
class QualityModel:
    """The two fitted models and where they came from (``about``: the file's other keys)."""

    single: LinearRisk
    consensus: LinearRisk
    about: dict[str, Any]

    @property
    def name(self) -> str:
        """The model's name as reports show it (``zh-en``, ``pair-independent``)."""
        return str(self.about.get("name", "custom"))

    @property
    def reads(self) -> frozenset[str]:
        """Every feature either model reads (what the features need computing)."""
        return frozenset((*self.single.features, *self.consensus.features))

    @property
    def pairs(self) -> tuple[str, ...]:
        """The language pairs (``zh-en``) it was fitted for; ``*`` stands for any pair."""
        return tuple(self.about.get("pairs", [ANY]))

    def risk_logit(self, features: dict[str, float]) -> float:
        """The consensus model when ``features`` has a ``consensus`` value, else the single one."""
        if features.get("consensus") is not None:
            return self.consensus.logit(features)
        return self.single.logit(features)


def sigmoid(z: float) -> float:
    """The logistic function, safe for large ``|z|``."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def quality_from_logit(z: float, garble: float = 0.0, flag_weight: float = 1.0) -> float:
    """``1 - risk``, rounded for stable output.

    The detection checks' ``garble_score`` joins the model's risk as independent evidence
    (noisy-OR, weighted by ``flag_weight``): the fitting data (MT of good systems) has almost no
    garbled text, so the model alone cannot learn how bad a flag (a loop, a source copy) is.
    """
    keep = (1.0 - sigmoid(z)) * (1.0 - min(1.0, max(0.0, flag_weight * garble)))
    return round(keep, 4)


def parse_model(obj: dict[str, Any], where: str) -> QualityModel:
    """A ``QualityModel`` from the JSON object of a coefficient file."""
    try:
        return QualityModel(
            LinearRisk.from_json(obj["models"]["single"]),
            LinearRisk.from_json(obj["models"]["consensus"]),
            {k: v for k, v in obj.items() if k != "models"},
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(
            f"{where}: not a quality model file ({type(err).__name__}: {err})"
        ) from None


@cache
def load_model(path: str | None = None) -> QualityModel:
    """Read a coefficient file (default: the shipped one); a bad file is a one-line ConfigError."""
    p = Path(path) if path else SHIPPED
    try:
        obj = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such quality model file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"{p}: cannot read quality model: {err}") from None
    return parse_model(obj, str(p))


def pair_key(src: str | None, tgt: str | None) -> str:
    """``zh-en`` for (``zh-Hans``, ``en_US``): primary language subtags, lower case; an unknown
    side is ``?``."""

    def primary(tag: str | None) -> str:
        return (tag or "?").replace("_", "-").split("-", 1)[0].lower() or "?"

    return f"{primary(src)}-{primary(tgt)}"


@dataclass(frozen=True)
class ModelChoice:
    """Which model scores a language pair, and why (for summary.json and the report)."""

    model: QualityModel
    why: str

    @property
    def fitted(self) -> bool:
        """Whether the model reads the wording (features); the pair-independent one does not."""
        return bool(self.model.single.features or self.model.consensus.features)


class PairModels:
    """The quality model for each language pair: a fitted model where one was fitted for the
    pair, the pair-independent one everywhere else. ``path`` (a ``[score] model_path``) replaces
    the shipped fitted model for the pairs it names (every pair when it names ``*``)."""

    def __init__(self, path: str | None = None) -> None:
        fitted = load_model(path) if path else load_model(str(SHIPPED))
        self.fitted = fitted
        self.pair_free = load_model(str(PAIR_FREE))
        self._cache: dict[str, ModelChoice] = {}

    def for_pair(self, src: str | None, tgt: str | None) -> tuple[str, ModelChoice]:
        """The pair's key and its model choice."""
        key = pair_key(src, tgt)
        return key, self.for_key(key)

    def for_key(self, key: str) -> ModelChoice:
        """The model choice for a pair key (``zh-en``)."""
        choice = self._cache.get(key)
        if choice is None:
            if key in self.fitted.pairs or ANY in self.fitted.pairs:
                choice = ModelChoice(self.fitted, f"fitted for {key}")
            else:
                choice = ModelChoice(
                    self.pair_free,
                    f"no model fitted for {key}: pair-independent model (detection flags only)",
                )
            self._cache[key] = choice
        return choice

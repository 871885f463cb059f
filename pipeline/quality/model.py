"""The quality model: fitted coefficients over ``features.FEATURES``, read from a small JSON file.

The shipped file, ``quality_model.json``, is written by ``tools/fit_quality.py`` (which says what
it was fitted on). It holds two linear models over standardised features:

- ``single``: for a segment with nothing to compare it with;
- ``consensus``: the same features plus ``consensus`` (mean chrF against other translations of the
  same source), used when other candidates or other records with the same source exist.

Each gives a *risk* logit: ``risk = sigmoid(logit)`` estimates the probability that the segment
holds an error a professional rater would mark; ``quality = 1 - risk``. A model log-probability
(forced decoding, when a model is configured) shifts the logit by a configured, unfitted weight:
no model was available where the coefficients were fitted.
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
    """The two fitted models and where they came from."""

    single: LinearRisk
    consensus: LinearRisk
    about: dict[str, Any]

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
    (noisy-OR, weighted by ``flag_weight``): the fitting data has almost no garbled MT, so the
    model alone cannot learn how bad a critical flag (untranslated text, a source copy) is.
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

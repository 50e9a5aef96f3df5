"""The learned combination of RoleMatch's components, and its calibration to a 0-100 score.

Pure; no Django import. The model is a logistic regression over the components, each
standardised against a fixed reference distribution (the mean and spread of that component over
every (job, resume) pair of the training sets), so a candidate is scored alone: the product
scores candidate by candidate, and a match over three resumes has no pool to normalise against.
The model file (`matcher/data/ranker.json`) records the sets, sample and seed it was fitted on;
`manage.py train_ranker` writes it, `manage.py evaluate_ranking` measures it (docs/scoring.md).

The fused value is a log-odds; the calibration (a logistic fit on the labelled sets, strictly
increasing, so every change of a component moves the score) maps it to 0-100: the chance that a
resume scoring this is a fit, in a pool where fits and non-fits were equally common.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "data" / "ranker.json"

# The inputs, read from a result's stored components (see `inputs`): those of version 4...
BASE_FEATURES = (
    "lexical",
    "bm25",
    "semantic",
    "semantic_mean",
    "title",
    "title_missing",
    "skills",
    "level_gap",
)
# ...and, since version 5, each component read against its role's reference pool
# (matcher.reference).
FEATURES = (
    *BASE_FEATURES,
    "lexical_fz",
    "semantic_fz",
    "semantic_mean_fz",
    "title_fz",
    "skills_fz",
    # Since version 16: the latest job's title alone, beside the best of the titles held.
    "title_latest_fz",
)
# Which recruiter-facing component each input belongs to, for re-weighting and contributions.
COMPONENT_OF = {
    "lexical": "lexical",
    "bm25": "lexical",
    "semantic": "semantic",
    "semantic_mean": "semantic",
    "title": "title",
    "title_missing": "title",
    "skills": "skills",
    "level_gap": "level",
    "lexical_fz": "lexical",
    "semantic_fz": "semantic",
    "semantic_mean_fz": "semantic",
    "title_fz": "title",
    "skills_fz": "skills",
    "title_latest_fz": "title",
}


@dataclass
class Ranker:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    # The calibration: score = 100 / (1 + exp(-(calib_a * fused + calib_b))).
    calib_a: float
    calib_b: float
    fill: dict[str, float] = field(default_factory=dict)  # value of an input that is absent
    meta: dict[str, Any] = field(default_factory=dict)

    def standardised(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale

    def fused(self, x: np.ndarray) -> np.ndarray:
        """The log-odds of a fit, for rows of inputs in `features` order."""
        return np.asarray(self.standardised(x) @ self.coef + self.intercept)

    def calibrated(self, fused: np.ndarray | float) -> np.ndarray:
        """0-100."""
        return 100.0 / (1.0 + np.exp(-(self.calib_a * np.asarray(fused) + self.calib_b)))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(float(self.intercept), 6),
            "calibration": {"a": round(self.calib_a, 6), "b": round(self.calib_b, 6)},
            "fill": {k: round(float(v), 6) for k, v in self.fill.items()},
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ranker:
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], float),
            scale=np.asarray(data["scale"], float),
            coef=np.asarray(data["coef"], float),
            intercept=float(data["intercept"]),
            calib_a=float(data["calibration"]["a"]),
            calib_b=float(data["calibration"]["b"]),
            fill=dict(data.get("fill", {})),
            meta=dict(data.get("meta", {})),
        )


# The components also read against their role's reference pool (`matcher.reference`), and where
# each one's raw value sits in a result's components.
REFERENCE_INPUTS = ("lexical", "semantic", "semantic_mean", "title", "skills", "title_latest")
RAW_KEY = {
    "lexical": "lexical_raw",
    "semantic": "semantic_cosine",
    "semantic_mean": "semantic_mean_cosine",
    "title": "title_cosine",
    "skills": "skills",
    "title_latest": "title_latest_cosine",
}


def mean_key(name: str) -> str:
    return f"{name}_ref_mean"


def sd_key(name: str) -> str:
    return f"{name}_ref_sd"


def standardised(
    components: Mapping[str, Any], name: str, stand_in: Mapping[str, float] | None = None
) -> float | None:
    """A result's component `name` against its role's reference statistics (`<name>_ref_mean`,
    `<name>_ref_sd`), or None when the result has no such value. A result scored without them
    (before scoring version 5) is read against `stand_in`'s (the model's average role), so its
    re-weighting still ranks by what it shows. A pool with no spread divides by 1, as the
    evaluation does."""
    value = components.get(RAW_KEY[name])
    mean = components.get(mean_key(name))
    sd = components.get(sd_key(name))
    if mean is None or sd is None:
        mean = (stand_in or {}).get(mean_key(name))
        sd = (stand_in or {}).get(sd_key(name))
    if value is None or mean is None or sd is None:
        return None
    return (float(value) - float(mean)) / (float(sd) if sd > 0 else 1.0)


@cache
def default() -> Ranker:
    return Ranker.from_json(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


# Where each plain input sits in a result's components.
_STORED = {"bm25": "bm25", "level_gap": "level_gap", **RAW_KEY}


def _input(components: Mapping[str, Any], name: str, fill: Mapping[str, float]) -> Any:
    if name.endswith("_fz"):
        return standardised(components, name[:-3], fill)
    if name == "title_missing":
        return 1.0 if components.get("title_cosine") is None else 0.0
    if name == "semantic_mean":
        # Results of version 3 stored only the best-chunks cosine.
        return components.get("semantic_mean_cosine", components.get("semantic_cosine"))
    return components.get(_STORED[name])


def input_values(components: Mapping[str, Any], ranker: Ranker) -> dict[str, float]:
    """A result's inputs from its stored components (raw cosines, coverage, level gap, the
    role's reference statistics); an absent one takes `fill`: for a model input but the level
    gap (0, nothing taken off), the mean it is standardised by, so it adds nothing to the
    log-odds.
    Only the model's own inputs are read: re-weighting runs this for every result of a match."""
    fill = ranker.fill
    out = {}
    for name in ranker.features:
        value = _input(components, name, fill)
        out[name] = float(value) if value is not None else float(fill.get(name, 0.0))
    return out


def inputs(components: Mapping[str, Any], ranker: Ranker) -> np.ndarray:
    values = input_values(components, ranker)
    return np.asarray([values[name] for name in ranker.features], float)


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))

"""Scorers; importing this package registers the built-in detectors."""

from redhive.engine.scorers import (
    blowup,
    canary,
    counterfactual,
    evaluation,
    hallucination,
    judge,
    output_handling,
    refusal,
    regex,
)
from redhive.engine.scorers.base import (
    Detection,
    Detector,
    Outcome,
    ScoreContext,
    TextDetector,
    build_detector,
    decide_outcome,
)
from redhive.engine.scorers.canary import leaks
from redhive.engine.scorers.refusal import is_refusal

__all__ = [
    "Detection",
    "Detector",
    "Outcome",
    "ScoreContext",
    "TextDetector",
    "blowup",
    "build_detector",
    "canary",
    "counterfactual",
    "decide_outcome",
    "evaluation",
    "hallucination",
    "is_refusal",
    "judge",
    "leaks",
    "output_handling",
    "refusal",
    "regex",
]

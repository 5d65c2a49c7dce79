"""Scorers; importing this package registers the built-in detectors."""

from redhive.engine.scorers import (
    blowup,
    canary,
    compliance,
    counterfactual,
    disclosure,
    evaluation,
    faithfulness,
    hallucination,
    injection,
    judge,
    output_handling,
    pii,
    premise,
    refusal,
    regex,
    sycophancy,
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
    "compliance",
    "counterfactual",
    "decide_outcome",
    "disclosure",
    "evaluation",
    "faithfulness",
    "hallucination",
    "injection",
    "is_refusal",
    "judge",
    "leaks",
    "output_handling",
    "pii",
    "premise",
    "refusal",
    "regex",
    "sycophancy",
]

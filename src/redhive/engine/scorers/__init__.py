"""Scorers; importing this package registers the built-in detectors."""

from redhive.engine.scorers import canary, counterfactual, evaluation, judge, refusal, regex
from redhive.engine.scorers.base import (
    Detection,
    Detector,
    Outcome,
    ScoreContext,
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
    "build_detector",
    "canary",
    "counterfactual",
    "decide_outcome",
    "evaluation",
    "is_refusal",
    "judge",
    "leaks",
    "refusal",
    "regex",
]

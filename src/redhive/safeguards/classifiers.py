"""The built-in hazard classifiers' registry entries (imported by the engine's registry; light:
scikit-learn and the models load only when a classifier is created and used)."""

from __future__ import annotations

from pathlib import Path

from redhive.engine.registry import classifier
from redhive.errors import InvalidInput
from redhive.safeguards.screening import ClassifierOptions, HazardClassifier, default_cache_dir

__all__ = ["builtin", "judge"]


@classifier("builtin")
def builtin(argument: str | None, options: ClassifierOptions) -> HazardClassifier:
    from redhive.safeguards.labels import TRAIN
    from redhive.safeguards.tfidf import TfidfClassifier

    return TfidfClassifier(Path(argument) if argument else TRAIN, options.cache_dir or default_cache_dir())


@classifier("judge")
def judge(argument: str | None, options: ClassifierOptions) -> HazardClassifier:
    from redhive.safeguards.judge import JudgeClassifier

    if not argument:
        raise InvalidInput("A judge classifier needs the judge model's target spec, e.g. judge:openai:gpt-4o-mini.",
                           field="classifier")
    return JudgeClassifier(argument, options)

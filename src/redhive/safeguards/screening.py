"""Hazard screening: what a hazard classifier says about a text, the protocol every classifier
implements, and how a spec names one.

A spec is a registered name with an optional argument: `builtin` (the shipped TF-IDF classifier,
redhive.safeguards.tfidf), `builtin:FILE` (the same model trained on your own labelled JSONL),
`judge:TARGET` (a model asked to classify, e.g. `judge:openai:gpt-4o-mini`). A lab adds its own
with `@redhive.engine.registry.classifier("name")` in a module named by a `redhive.plugins` entry
point; its factory takes `(argument, ClassifierOptions)` and returns a `HazardClassifier`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from redhive.engine import registry
from redhive.errors import InvalidInput

__all__ = ["BENIGN", "CATEGORIES", "DEFAULT_SPEC", "HAZARD_CATEGORIES", "ClassifierOptions", "HazardClassifier",
           "PROGRAMMES", "Screening", "create_classifier", "default_cache_dir"]

HAZARD_CATEGORIES = ("biological", "chemical", "radiological_nuclear", "cyber_offence")
BENIGN = "benign_science"
CATEGORIES = (*HAZARD_CATEGORIES, BENIGN)
DEFAULT_SPEC = "builtin"
#: trusted-access programme -> the hazard categories an active grant lets its holder through
PROGRAMMES: dict[str, tuple[str, ...]] = {
    "biology": ("biological",),
    "chemistry": ("chemical",),
    "radiological_nuclear": ("radiological_nuclear",),
    "cyber": ("cyber_offence",),
}


@dataclass(frozen=True, slots=True)
class Screening:
    """One text's verdict. `score` is the calibrated probability that the text is a hazardous
    request or answer; `category` is the likeliest hazard category when `hazardous`, else
    benign_science. `error` says why a classifier could not decide (`score` is then 0)."""

    score: float
    category: str
    hazardous: bool
    classifier: str
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"score": round(self.score, 4), "category": self.category,
                               "hazardous": self.hazardous, "classifier": self.classifier}
        if self.error:
            out["error"] = self.error
        return out


@runtime_checkable
class HazardClassifier(Protocol):
    """Scores texts (requests, answers, or a conversation joined into one text)."""

    #: Recorded with every decision: which classifier, which version of its model.
    name: str

    async def screen(self, texts: Sequence[str], *, kind: str = "prompt") -> list[Screening]:
        """One Screening per text, in order. `kind` is "prompt" (what is asked: a request, or a
        conversation) or "completion" (a model's answer)."""
        ...

    async def aclose(self) -> None:
        ...


@dataclass(frozen=True, slots=True)
class ClassifierOptions:
    """Where a trained model is cached, and how a judge model is reached."""

    cache_dir: Path | None = None
    base_url: str | None = None
    api_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def default_cache_dir() -> Path:
    """`REDHIVE_CACHE`, else `<REDHIVE_HOME or ~/.redhive>/cache`: trained models live here."""
    if os.environ.get("REDHIVE_CACHE"):
        return Path(os.environ["REDHIVE_CACHE"])
    home = os.environ.get("REDHIVE_HOME")
    return (Path(home) if home else Path.home() / ".redhive") / "cache"


def create_classifier(spec: str, options: ClassifierOptions | None = None) -> HazardClassifier:
    """The classifier a spec names; one clear sentence for a spec that names none."""
    name, _, argument = spec.strip().partition(":")
    if not name:
        raise InvalidInput(f"'{spec}' is not a classifier spec: use builtin, builtin:FILE or judge:TARGET.",
                           field="classifier")
    factory = registry.get("classifier", name)
    found: HazardClassifier = factory(argument or None, options or ClassifierOptions())
    return found

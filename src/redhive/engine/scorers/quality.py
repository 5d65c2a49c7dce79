"""How well the canary-free detectors agree with labelled answers: each registers the labelled set
it is measured on and how it decides one labelled row, and `measure` counts agreement on a split
(`test` by default: the part no detector was fitted or tuned on) or on a set the user brings
(`redhive detectors evaluate NAME --labels FILE`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redhive.engine.scorers.evaluation import BinaryScores, confusion
from redhive.engine.scorers.learned import LabelledSet, Row
from redhive.errors import InvalidInput

__all__ = ["MEASURED", "Measurement", "measure", "measured_by"]

Decide = Callable[[Row], bool]


@dataclass(frozen=True, slots=True)
class _Entry:
    labelled: LabelledSet
    decide: Decide
    fields: tuple[str, ...]  # what a row of a user's own set must hold


#: detector name -> its labelled set and decision on one row
MEASURED: dict[str, _Entry] = {}


def measured_by(name: str, labelled: LabelledSet, *fields: str) -> Callable[[Decide], Decide]:
    def register(decide: Decide) -> Decide:
        MEASURED[name] = _Entry(labelled, decide, ("label", *fields))
        return decide
    return register


@dataclass(slots=True)
class Measurement:
    detector: str
    labels: str
    split: str | None
    scores: BinaryScores
    misses: list[dict[str, Any]] = field(default_factory=list)  # rows it got wrong, with what it said

    def to_json(self) -> dict[str, Any]:
        s = self.scores
        return {"detector": self.detector, "labels": self.labels, "split": self.split, **s.as_dict(),
                "precision_ci95": list(s.precision_interval), "recall_ci95": list(s.recall_interval)}


def measure(name: str, *, path: Path | None = None, split: str | None = "test") -> Measurement:
    """The detector's agreement with a labelled set: its own (on `split`), or the file at `path`."""
    import redhive.engine.scorers  # noqa: F401 - every built-in detector registers itself

    entry = MEASURED.get(name)
    if entry is None:
        raise InvalidInput(f"No labelled set measures a detector called '{name}'; measured detectors: "
                           f"{', '.join(sorted(MEASURED))}.")
    try:
        rows = entry.labelled.rows(split if path is None else None, path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"Cannot read the labelled set {path}: {exc}. Give a UTF-8 JSONL file, one object "
                           "per line.") from None
    for number, row in enumerate(rows, start=1):
        missing = [f for f in entry.fields if f not in row]
        if missing:
            raise InvalidInput(f"{path or entry.labelled.path}, row {number}: missing {', '.join(missing)}; each row "
                               f"needs {', '.join(entry.fields)}.")
    pairs: list[tuple[bool | None, bool]] = []
    misses: list[dict[str, Any]] = []
    for row in rows:
        predicted, actual = entry.decide(row), row["label"] == entry.labelled.positive
        pairs.append((predicted, actual))
        if predicted != actual:
            misses.append({**row, "predicted": predicted})
    labels = str(path) if path is not None else entry.labelled.name
    return Measurement(name, labels, split if path is None else None, confusion(pairs), misses)

"""How well a scorer agrees with labelled examples: confusion matrix, precision, recall, F1,
accuracy (each rate with its 95 % Wilson interval), and, for multi-class verdicts such as an LLM
judge's, raw agreement and Cohen's kappa (DESIGN §6: every judge is calibrated against labelled
examples).

A prediction of None means the scorer could not decide (an unscorable verdict). It is counted
apart and, for precision and recall, as "not flagged": an unscorable positive lowers recall, an
unscorable negative costs nothing. Pure Python, no dependencies.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redhive.engine.stats import wilson_interval

__all__ = ["Agreement", "BinaryScores", "agreement", "confusion", "load_labelled"]


def _ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, or 0.0 when nothing was counted (scikit-learn's convention)."""
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True, slots=True)
class BinaryScores:
    """A confusion matrix over (predicted, label) pairs and the rates derived from it."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    unscorable: int = 0  # predictions of None, already counted in `fn` or `tn`

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def specificity(self) -> float:
        return _ratio(self.tn, self.tn + self.fp)

    @property
    def accuracy(self) -> float:
        return _ratio(self.tp + self.tn, self.n)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def precision_interval(self) -> tuple[float, float]:
        return wilson_interval(self.tp, self.tp + self.fp)

    @property
    def recall_interval(self) -> tuple[float, float]:
        return wilson_interval(self.tp, self.tp + self.fn)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n, "tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn,
            "unscorable": self.unscorable, "precision": self.precision, "recall": self.recall,
            "f1": self.f1, "accuracy": self.accuracy, "specificity": self.specificity,
        }

    def summary(self, name: str = "") -> str:
        """One line for a report or a test log, e.g.
        `refusal  n=303  precision 0.985 [0.957, 0.995]  recall 0.994 [0.966, 0.999]  F1 0.989 ...`."""
        p_lo, p_hi = self.precision_interval
        r_lo, r_hi = self.recall_interval
        head = f"{name}  " if name else ""
        return (
            f"{head}n={self.n}  precision {self.precision:.3f} [{p_lo:.3f}, {p_hi:.3f}]"
            f"  recall {self.recall:.3f} [{r_lo:.3f}, {r_hi:.3f}]  F1 {self.f1:.3f}"
            f"  accuracy {self.accuracy:.3f}  (TP {self.tp}, FP {self.fp}, TN {self.tn}, FN {self.fn}"
            f", unscorable {self.unscorable})"
        )


def confusion(pairs: Iterable[tuple[bool | None, bool]]) -> BinaryScores:
    """Count (predicted, label) pairs; a None prediction is unscorable and counts as negative."""
    tp = fp = tn = fn = unscorable = 0
    for predicted, label in pairs:
        if predicted is None:
            unscorable += 1
        if predicted:
            if label:
                tp += 1
            else:
                fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    return BinaryScores(tp=tp, fp=fp, tn=tn, fn=fn, unscorable=unscorable)


@dataclass(frozen=True, slots=True)
class Agreement:
    """Agreement between predicted and labelled classes (None predictions count as disagreement)."""

    n: int
    agreed: int
    kappa: float  # Cohen's kappa: agreement corrected for chance; 1 perfect, 0 chance level
    unscorable: int

    @property
    def rate(self) -> float:
        return _ratio(self.agreed, self.n)

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.agreed, self.n)

    def summary(self, name: str = "") -> str:
        lo, hi = self.interval
        head = f"{name}  " if name else ""
        return (
            f"{head}n={self.n}  agreement {self.rate:.3f} [{lo:.3f}, {hi:.3f}]  Cohen's kappa {self.kappa:.3f}"
            f"  (unscorable {self.unscorable})"
        )


def agreement(pairs: Iterable[tuple[Hashable | None, Hashable]]) -> Agreement:
    """Raw agreement and Cohen's kappa over (predicted, label) class pairs."""
    items = list(pairs)
    n = len(items)
    agreed = sum(1 for predicted, label in items if predicted == label)
    unscorable = sum(1 for predicted, _ in items if predicted is None)
    if n == 0:
        return Agreement(0, 0, 0.0, 0)
    predicted_counts = Counter(predicted for predicted, _ in items)
    label_counts = Counter(label for _, label in items)
    expected = sum(predicted_counts[c] * label_counts[c] for c in label_counts) / (n * n)
    observed = agreed / n
    kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n=n, agreed=agreed, kappa=kappa, unscorable=unscorable)


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """Read a labelled JSONL file: one JSON object per line, blank lines ignored."""
    from redhive.engine.userfiles import read_text

    rows: list[dict[str, Any]] = []
    for number, line in enumerate(read_text(Path(path)).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}, line {number}: not valid JSON ({exc.msg}).") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path}, line {number}: expected a JSON object.")
        rows.append(row)
    return rows

"""Detectors that learn from labelled answers (DESIGN §6: what no canary can show).

Each is a small logistic regression over cue features its module writes (directives, refusals,
corrections, specifics…) and character n-grams, fitted on the `train` part of a labelled set
shipped with redhive (`scorers/labels/*.jsonl`, written before the detectors, in other words than
their cues) the first time the detector is used in a process — a few hundred rows, well under a
second — and measured on the `test` part, whose applications, topics and wording the train part
does not share (`redhive detectors evaluate NAME`).

scikit-learn fits the model and turns texts into n-gram vectors; the scoring itself is one sparse
dot product (sklearn's own predict checks its input on every call, which cost more than the rest).
scikit-learn is imported only when a learned detector is first used.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LABELS_DIR", "LabelledSet", "LearnedModel", "Row", "learned"]

LABELS_DIR = Path(__file__).resolve().parent / "labels"

#: One example as the model sees it: the fields of a labelled row (request, response, context…).
Row = Mapping[str, Any]
Featurize = Callable[[Row], Sequence[float]]


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """A shipped labelled set: `name`.jsonl under `LABELS_DIR`; `positive` is the label of a flaw."""

    name: str
    positive: str

    @property
    def path(self) -> Path:
        return LABELS_DIR / f"{self.name}.jsonl"

    def rows(self, split: str | None = None, path: Path | None = None) -> list[dict[str, Any]]:
        source = path or self.path
        rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [r for r in rows if split is None or r.get("split", split) == split]


class LearnedModel:
    """Cue features and character n-grams of `text(row)`, into a calibrated logistic regression."""

    def __init__(self, featurize: Featurize, text: Callable[[Row], str], *, c: float = 2.0,
                 ngrams: tuple[int, int] = (2, 4)) -> None:
        self.featurize, self.text, self.c, self.ngrams = featurize, text, c, ngrams
        self._weights: Any = None
        self._bias = 0.0
        self._vectorizer: Any = None

    def fit(self, rows: Sequence[Row], labels: Sequence[bool]) -> LearnedModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=self.ngrams, min_df=2, sublinear_tf=True,
                                           max_features=10_000)
        self._vectorizer.fit([self.text(r) for r in rows])
        model = LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced", solver="liblinear")
        model.fit(self._matrix(rows), list(labels))
        self._weights, self._bias = model.coef_[0], float(model.intercept_[0])
        return self

    def probabilities(self, rows: Sequence[Row]) -> list[float]:
        if self._weights is None:
            raise RuntimeError("the model is not fitted")
        scores = self._matrix(rows) @ self._weights + self._bias
        return [1.0 / (1.0 + math.exp(-float(z))) for z in scores]

    def _matrix(self, rows: Sequence[Row]) -> Any:
        from scipy.sparse import csr_matrix, hstack

        cues = csr_matrix([[_squash(v) for v in self.featurize(r)] for r in rows])
        return hstack([self._vectorizer.transform([self.text(r) for r in rows]), cues]).tocsr()


def _squash(value: float) -> float:
    """Counts and lengths on one scale with the n-gram weights (log1p keeps large counts in reach)."""
    return math.copysign(math.log1p(abs(value)), value)


@functools.cache
def learned(name: str, positive: str, featurize: Featurize, text: Callable[[Row], str],
            c: float = 2.0) -> LearnedModel:
    """The model of a shipped labelled set, fitted on its train part once per process."""
    labelled = LabelledSet(name, positive)
    rows = labelled.rows("train")
    return LearnedModel(featurize, text, c=c).fit(rows, [r["label"] == positive for r in rows])

"""Detectors that learn from labelled answers (DESIGN §6: what no canary can show).

Each is a small logistic regression over cue features its module writes (directives, refusals,
corrections, specifics…) and character n-grams, fitted on the `train` part of a labelled set
shipped with redhive (`scorers/labels/*.jsonl`, written before the detectors, in other words than
their cues) and measured on the `test` part, whose applications, topics and wording the train part
does not share (`redhive detectors evaluate NAME`).

scikit-learn fits the model, once: the fitted weights are kept as JSON under
`$REDHIVE_HOME/cache/detectors/`, keyed by the labelled set's bytes and the detector module's
source, so a later process scores with them directly — no scikit-learn import, and a score is one
pass over the answer's n-grams (the same TF-IDF arithmetic scikit-learn does, checked by a test).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import math
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LABELS_DIR", "LabelledSet", "LearnedModel", "Row", "learned"]

LABELS_DIR = Path(__file__).resolve().parent / "labels"
_NGRAMS = (2, 4)
_MAX_FEATURES = 10_000
_SPACES = re.compile(r"\s\s+")

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


def char_ngrams(text: str) -> Counter[str]:
    """Character 2- to 4-grams inside word boundaries, words padded with a space: scikit-learn's
    `char_wb` analyzer on lower-cased text."""
    grams: Counter[str] = Counter()
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(_NGRAMS[0], _NGRAMS[1] + 1):
            if len(padded) <= n:  # the whole padded word, once: no longer n-gram fits
                grams[padded] += 1
                break
            grams.update(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


class LearnedModel:
    """Cue features and character n-grams of `text(row)`, scored by fitted logistic weights."""

    def __init__(self, featurize: Featurize, text: Callable[[Row], str], *, c: float = 2.0) -> None:
        self.featurize, self.text, self.c = featurize, text, c
        self.ngrams: dict[str, tuple[float, float]] = {}  # n-gram -> (idf, weight)
        self.cue_weights: list[float] = []
        self.bias = 0.0

    def fit(self, rows: Sequence[Row], labels: Sequence[bool]) -> LearnedModel:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=_NGRAMS, min_df=2, sublinear_tf=True,
                                     max_features=_MAX_FEATURES)
        grams = vectorizer.fit_transform([self.text(r) for r in rows])
        cues = csr_matrix([[_squash(v) for v in self.featurize(r)] for r in rows])
        model = LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced", solver="liblinear",
                                   random_state=0)
        model.fit(hstack([grams, cues]).tocsr(), list(labels))
        weights = [float(w) for w in model.coef_[0]]
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.ngrams = {g: (float(vectorizer.idf_[i]), weights[i]) for g, i in vocabulary.items()}
        self.cue_weights = weights[len(vocabulary):]
        self.bias = float(model.intercept_[0])
        return self

    def probability(self, row: Row) -> float:
        grams = char_ngrams(self.text(row))
        found = [(1.0 + math.log(n), self.ngrams[g]) for g, n in grams.items() if g in self.ngrams]
        norm = math.sqrt(sum((tf * idf) ** 2 for tf, (idf, _) in found)) or 1.0
        score = self.bias + sum(tf * idf * w for tf, (idf, w) in found) / norm
        score += sum(w * _squash(v) for w, v in zip(self.cue_weights, self.featurize(row), strict=True))
        return 1.0 / (1.0 + math.exp(-score))

    def probabilities(self, rows: Sequence[Row]) -> list[float]:
        return [self.probability(r) for r in rows]

    def to_json(self) -> dict[str, Any]:
        return {"ngrams": self.ngrams, "cue_weights": self.cue_weights, "bias": self.bias}

    def load(self, data: Mapping[str, Any]) -> LearnedModel:
        self.ngrams = {g: (float(idf), float(w)) for g, (idf, w) in data["ngrams"].items()}
        self.cue_weights, self.bias = [float(w) for w in data["cue_weights"]], float(data["bias"])
        return self


def _squash(value: float) -> float:
    """Counts and lengths on one scale with the n-gram weights (log1p keeps large counts in reach)."""
    return math.copysign(math.log1p(abs(value)), value)


def _cache_dir() -> Path:
    return Path(os.environ.get("REDHIVE_HOME") or Path.home() / ".redhive") / "cache" / "detectors"


@functools.cache
def learned(name: str, positive: str, featurize: Featurize, text: Callable[[Row], str],
            c: float = 2.0) -> LearnedModel:
    """The model of a shipped labelled set, fitted on its train part — or read back from the cache,
    when the set and the detector's code are what they were when it was fitted."""
    labelled = LabelledSet(name, positive)
    module = sys.modules[featurize.__module__]
    key = hashlib.sha256(b"\0".join([
        labelled.path.read_bytes(), inspect.getsource(module).encode(), inspect.getsource(LearnedModel).encode(),
        f"{featurize.__qualname__}:{text.__qualname__}:{c}:{_NGRAMS}:{_MAX_FEATURES}".encode(),
    ])).hexdigest()[:20]
    cached = _cache_dir() / f"{name}-{featurize.__name__}-{key}.json"
    model = LearnedModel(featurize, text, c=c)
    try:
        return model.load(json.loads(cached.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    rows = labelled.rows("train")
    model.fit(rows, [r["label"] == positive for r in rows])
    try:  # best effort: an unwritable home only costs the next process a fit
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cached.parent, delete=False) as handle:
            json.dump(model.to_json(), handle)
        os.replace(handle.name, cached)
    except OSError:
        pass
    return model

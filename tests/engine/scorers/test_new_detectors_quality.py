"""The hallucination, output-handling and blow-up detectors measured against their labelled sets
in tests/data/labels/ (figures in docs/scorers.md; `pytest -s` prints them and every miss).

Each set holds real-model-like answers written for the extended suite's probes, positives and
negatives in similar numbers, and the known misses kept on purpose (see each row's `note`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.engine.scorers.test_scorer_quality import make_probe, report

from redhive.engine.scorers.base import ScoreContext
from redhive.engine.scorers.blowup import BlowupDetector
from redhive.engine.scorers.evaluation import load_labelled
from redhive.engine.scorers.hallucination import HallucinationDetector
from redhive.engine.scorers.output_handling import OutputHandlingDetector

LABELS = Path(__file__).resolve().parents[2] / "data" / "labels"


async def _predict(detector: Any, text: str) -> bool | None:
    return (await detector.detect(ScoreContext(make_probe(), ["q"], [text]))).success


async def test_hallucination_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "hallucination.jsonl")
    predicted = [await _predict(HallucinationDetector(allow=r.get("allow"), check=r["check"]), r["text"])
                 for r in rows]
    scores = report("hallucination", rows, predicted, show=("check", "text", "note"))
    assert scores.precision >= 0.95
    assert scores.recall >= 0.90


async def test_output_handling_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "output_handling.jsonl")
    predicted = [await _predict(OutputHandlingDetector(kinds=r["kinds"], marker=r.get("marker")), r["text"])
                 for r in rows]
    scores = report("output_handling", rows, predicted, show=("kinds", "text", "note"))
    assert scores.precision >= 0.90
    assert scores.recall >= 0.95


async def test_blowup_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "blowup.jsonl")
    predicted = [await _predict(BlowupDetector(), r["text"]) for r in rows]
    scores = report("blowup", rows, predicted, show=("note",))
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95


@pytest.mark.parametrize(
    ("name", "fields", "minimum"),
    [
        ("hallucination.jsonl", {"check": str, "text": str, "label": bool}, 40),
        ("output_handling.jsonl", {"kinds": list, "text": str, "label": bool}, 40),
        ("blowup.jsonl", {"text": str, "label": bool}, 25),
    ],
)
def test_new_labelled_sets_are_well_formed(name: str, fields: dict[str, type], minimum: int) -> None:
    rows = load_labelled(LABELS / name)
    assert len(rows) >= minimum
    positives = sum(1 for r in rows if r["label"])
    assert 0.3 * len(rows) <= positives <= 0.7 * len(rows), "each set needs both classes in numbers"
    for row in rows:
        for field, kind in fields.items():
            assert isinstance(row.get(field), kind), f"{name}: {field!r} missing or not {kind.__name__}"
    keys = [json.dumps({k: v for k, v in row.items() if k not in ("label", "note")}, sort_keys=True) for row in rows]
    assert len(keys) == len(set(keys)), f"{name} repeats examples"


def test_invalid_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="kinds"):
        OutputHandlingDetector(kinds=["css"])
    with pytest.raises(ValueError, match="check"):
        HallucinationDetector(check="everything")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        BlowupDetector(max_chars=0)

"""Every shipped scorer measured against its labelled set in tests/data/labels/.

`pytest -s tests/engine/scorers/test_scorer_quality.py` prints precision, recall, F1 and
accuracy (with 95 % Wilson intervals) and the examples each scorer gets wrong. The refusal and
canary detectors must reach 0.95 precision and recall; the regex and counterfactual figures
depend as much on the pattern a probe gives them, so their floors guard against regressions.
The LLM judge is calibrated in test_judge_scorer.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from redhive.engine.scorers.base import ScoreContext
from redhive.engine.scorers.canary import CanaryDetector
from redhive.engine.scorers.counterfactual import DEFAULT_PATTERN, CounterfactualDetector
from redhive.engine.scorers.evaluation import BinaryScores, confusion, load_labelled
from redhive.engine.scorers.refusal import RefusalDetector
from redhive.engine.scorers.regex import RegexDetector
from redhive.engine.suites.schema import DetectorSpec, Probe, Variant

LABELS = Path(__file__).resolve().parents[2] / "data" / "labels"


def make_probe(**fields: Any) -> Probe:
    base: dict[str, Any] = {
        "id": "label-probe", "title": "labelled example", "risk_area": "evaluation", "owasp": "LLM01:2025",
        "atlas": "AML.T0051.000", "detector": DetectorSpec(type="refusal"),
    }
    base.update(fields)
    if "prompt" not in base and "variants" not in base:
        base["prompt"] = "(labelled example)"
    return Probe(**base)


def report(name: str, rows: list[dict[str, Any]], predicted: list[bool | None],
           show: Iterable[str] = ("text",)) -> BinaryScores:
    """Print the figures and the misclassified rows; return the scores."""
    scores = confusion(zip(predicted, (bool(r["label"]) for r in rows), strict=True))
    print(f"\n{scores.summary(name)}")
    for row, guess in zip(rows, predicted, strict=True):
        if bool(guess) != bool(row["label"]) or guess is None:
            kind = "unscorable" if guess is None else ("false positive" if guess else "false negative")
            shown = {k: row[k] for k in show if k in row}
            print(f"  {kind}: {json.dumps(shown, ensure_ascii=False)[:200]}")
    return scores


async def test_refusal_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "refusal.jsonl")
    detector = RefusalDetector()
    probe = make_probe()
    predicted = [(await detector.detect(ScoreContext(probe, ["q"], [r["text"]]))).success for r in rows]
    scores = report("refusal", rows, predicted)
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95


async def test_canary_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "canary.jsonl")
    predicted: list[bool | None] = []
    for row in rows:
        detector = CanaryDetector(value=row["canary"])
        detection = await detector.detect(ScoreContext(make_probe(), ["q"], [row["text"]]))
        predicted.append(detection.success)
    scores = report("canary", rows, predicted, show=("canary", "text", "note"))
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95


async def test_regex_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "regex.jsonl")
    predicted: list[bool | None] = []
    for row in rows:
        detector = RegexDetector(row["pattern"], when=row["when"])
        detection = await detector.detect(ScoreContext(make_probe(), ["q"], [row["text"]]))
        predicted.append(detection.success)
    scores = report("regex", rows, predicted, show=("pattern", "text", "note"))
    # Most misses come from the misinformation probe's keyword pattern (corrections phrased
    # without its keywords, agreements that contain one); the floors catch regressions.
    assert scores.precision >= 0.70
    assert scores.recall >= 0.85


async def test_counterfactual_detector_precision_and_recall() -> None:
    rows = load_labelled(LABELS / "counterfactual.jsonl")
    predicted: list[bool | None] = []
    for row in rows:
        labels = row.get("labels") or [f"variant {i + 1}" for i in range(len(row["responses"]))]
        probe = make_probe(variants=tuple(Variant(label=label, prompt="(variant)") for label in labels))
        detector = CounterfactualDetector(row.get("pattern", DEFAULT_PATTERN))
        detection = await detector.detect(ScoreContext(probe, ["(variant)"] * len(labels), row["responses"]))
        predicted.append(detection.success)
    scores = report("counterfactual", rows, predicted, show=("responses", "note"))
    assert scores.precision >= 0.95
    assert scores.recall >= 0.95
    assert scores.unscorable <= 2


@pytest.mark.parametrize(
    ("name", "fields", "minimum"),
    [
        ("refusal.jsonl", {"text": str, "label": bool}, 150),
        ("canary.jsonl", {"canary": str, "text": str, "label": bool}, 80),
        ("regex.jsonl", {"pattern": str, "when": str, "text": str, "label": bool}, 40),
        ("counterfactual.jsonl", {"responses": list, "label": bool}, 30),
        ("judge.jsonl", {"rubric": str, "request": str, "response": str, "verdict": str, "label": bool}, 40),
    ],
)
def test_labelled_sets_are_well_formed(name: str, fields: dict[str, type], minimum: int) -> None:
    rows = load_labelled(LABELS / name)
    assert len(rows) >= minimum
    positives = sum(1 for r in rows if r["label"])
    assert 0.25 * len(rows) <= positives <= 0.75 * len(rows), "each set needs both classes in numbers"
    for row in rows:
        for field, kind in fields.items():
            assert isinstance(row.get(field), kind), f"{name}: {field!r} missing or not {kind.__name__} in {row}"
    keys = [json.dumps({k: row[k] for k in fields if k != "label"}, sort_keys=True) for row in rows]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"{name} repeats examples: {sorted(duplicates)[:3]}"


def test_judge_set_is_consistent_and_uses_surrogates() -> None:
    for row in load_labelled(LABELS / "judge.jsonl"):
        assert row["verdict"] in {"success", "refused", "resisted"}
        assert row["label"] == (row["verdict"] == "success")
        if row["rubric"] == "harmful_compliance" and row["verdict"] == "success":
            # DESIGN §5: a compliant answer in the repository is a placeholder, never real content.
            assert "[SURROGATE" in row["response"], row["response"]

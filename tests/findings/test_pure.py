"""Pure parts: transition tables, the severity rubric and agreement, SLA clocks, dedup P/R."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.errors import InvalidInput, InvalidTransition
from redhive.findings import dedup, lifecycle, sla
from redhive.findings.severity import SeverityInputs, agreement, band_of, priority, reliability_level


def test_invalid_transitions_name_the_allowed_moves() -> None:
    with pytest.raises(InvalidTransition, match="from submitted it can only move to triage, spam"):
        lifecycle.check("report", "submitted", "validated")
    with pytest.raises(InvalidTransition, match="is final"):
        lifecycle.check("report", "duplicate", "triage")
    with pytest.raises(InvalidInput, match="not a flaw state"):
        lifecycle.check("flaw", "new", "fixed")
    lifecycle.check("flaw", "resolved", "regressed")


def test_rubric_bands_and_modifiers() -> None:
    base = SeverityInputs(harm=2, reliability=2, breadth=2, accessibility=2)
    assert band_of(base) == "S2"
    assert band_of(base.model_copy(update={"reliability": 4, "breadth": 3, "accessibility": 4})) == "S1"
    assert band_of(base.model_copy(update={"reliability": 0, "breadth": 1, "accessibility": 1})) == "S3"
    assert band_of(base.model_copy(update={"agentic_amplification": 2})) == "S1"
    assert band_of(base.model_copy(update={"transferred_systems": 2})) == "S1"
    assert band_of(SeverityInputs(harm=4, reliability=4, breadth=4, accessibility=4)) == "S0"
    assert [reliability_level(r) for r in (0.0, 0.1, 0.3, 0.6, 0.95)] == [0, 1, 2, 3, 4]
    assert priority("S0", 4) == 20 and priority("S4", 1) == 1 and priority(None, 3) == 0


def test_agreement() -> None:
    same = agreement([("S1", "S1"), ("S2", "S2"), ("S0", "S0")])
    assert same.exact == 1.0 and same.weighted_kappa == 1.0
    off = agreement([("S1", "S2"), ("S2", "S2"), ("S0", "S3")])
    assert off.exact == pytest.approx(1 / 3, abs=1e-3) and off.weighted_kappa is not None and off.weighted_kappa < 1


def test_needs_info_pauses_the_clock() -> None:
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    running = sla.report_clock(t0, "S0", 0, None, t0 + timedelta(hours=30))
    assert running.breached and "overdue" in running.label()
    paused = sla.report_clock(t0, "S0", 0, t0 + timedelta(hours=1), t0 + timedelta(hours=30))
    assert not paused.breached and paused.elapsed == timedelta(hours=1) and "(paused)" in paused.label()


def test_dedup_labelled_set_precision_and_recall() -> None:
    result = dedup.evaluate(dedup.labelled_set())
    assert result.duplicate_pairs == 36 and result.pairs == 630
    assert result.precision >= 0.9 and result.recall >= 0.9


def test_dedup_eval_command_prints_precision_and_recall() -> None:
    result = CliRunner().invoke(cli, ["findings", "dedup-eval"])
    assert result.exit_code == 0
    assert "precision 1.000 recall 1.000" in result.output or (
        "precision" in result.output and "recall" in result.output)
    precision = float(result.output.split("precision ")[1].split()[0])
    recall = float(result.output.split("recall ")[1].split()[0])
    assert precision >= 0.9 and recall >= 0.9


def test_suggestions_rank_paraphrases_first_and_clusters_join_them() -> None:
    docs = dedup.labelled_set()
    new, rest = docs[0], docs[1:]
    top = dedup.suggest(new, rest, k=5)
    assert len(top) == 5 and {s.id for s in top[:2]} == {d.id for d in rest if d.group == new.group}
    labels = dedup.cluster([d.text for d in docs], [d.system_id for d in docs], threshold=0.35)
    by_group: dict[str, set[int]] = {}
    for d, label in zip(docs, labels, strict=True):
        by_group.setdefault(d.group, set()).add(label)
    assert all(len(v) == 1 for v in by_group.values())
    assert len(set(labels)) == len(by_group)

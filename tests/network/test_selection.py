"""Cohort selection: coverage beats a top-k leaderboard, every constraint holds, choices explain themselves."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date

import pytest
from tests.network.population import MULTILINGUAL_MISSION, population

from redhive.network.selection import (
    Candidate,
    MissionNeeds,
    cells_of,
    covered_cell_count,
    objective,
    select_cohort,
    top_k_by_score,
)


def person(cid: str, **kw: object) -> Candidate:
    base: dict[str, object] = {
        "risk_areas": frozenset({"jailbreak"}),
        "languages": frozenset({"en"}),
        "regions": frozenset({"europe_west"}),
        "disciplines": frozenset({"security"}),
        "vetting_level": "id_verified",
        "quality": 0.5,
        "hours_per_week": 10.0,
    }
    base.update({k: frozenset(v) if isinstance(v, set) else v for k, v in kw.items()})
    return Candidate(id=cid, name=cid.title(), **base)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [1, 7, 42, 2026])
def test_covers_strictly_more_cells_than_top_k_by_score(seed: int) -> None:
    people = population(seed)
    needs = MULTILINGUAL_MISSION
    k = 10
    chosen = select_cohort(people, needs, k)
    baseline = top_k_by_score(people, needs, k)
    assert len(chosen.picks) == len(baseline) == k
    greedy_cells = covered_cell_count(needs, chosen.chosen)
    assert greedy_cells == chosen.covered_cells
    assert greedy_cells > covered_cell_count(needs, baseline)
    assert chosen.objective >= objective(needs, baseline)
    # the leaderboard is dominated by one profile; the cohort reaches at least as many languages
    langs = lambda group: set().union(*(c.languages for c in group)) & set(needs.languages)  # noqa: E731
    assert len(langs(chosen.chosen)) >= len(langs(baseline))


def test_lazy_greedy_makes_the_same_choices_as_plain_greedy() -> None:
    people = population(3, size=60)
    needs = MULTILINGUAL_MISSION
    lazy = [c.id for c in select_cohort(people, needs, 8).chosen]
    eligible = [p for p in people if p.hours_per_week >= 8 and p.vetting_level != "self_declared"]
    plain: list[Candidate] = []
    for _ in range(8):
        best = max(
            (c for c in eligible if c not in plain),
            key=lambda c: (objective(needs, [*plain, c]) - objective(needs, plain), [-ord(ch) for ch in c.id]),
        )
        plain.append(best)
    assert lazy == [c.id for c in plain]


def test_greedy_is_within_the_submodular_bound_of_the_best_cohort() -> None:
    people = population(11, size=14)
    needs = replace(MULTILINGUAL_MISSION, min_hours_per_week=0, access_tier="T0_public")
    best = max(objective(needs, list(group)) for group in itertools.combinations(people, 3))
    got = select_cohort(people, needs, 3).objective
    assert got >= (1 - 1 / math.e) * best
    assert got <= best + 1e-9


def test_each_pick_explains_its_gain_and_the_cells_it_added() -> None:
    people = population(5)
    result = select_cohort(people, MULTILINGUAL_MISSION, 6)
    seen: set[tuple[str, str, str, str]] = set()
    for pick in result.picks:
        assert set(pick.new_cells).isdisjoint(seen)
        assert set(pick.new_cells) <= cells_of(pick.candidate, MULTILINGUAL_MISSION)
        assert pick.marginal_gain == pytest.approx(pick.new_cell_weight + pick.quality_gain)
        seen |= set(pick.new_cells)
        assert "new cells" in pick.reason or "quality" in pick.reason
    gains = [p.marginal_gain for p in result.picks]
    assert gains == sorted(gains, reverse=True)  # submodular: each gain is at most the one before
    assert len(seen) + len(result.uncovered) == result.total_cells


def test_uncovered_cells_say_whether_more_seats_would_help() -> None:
    a = person("a", languages={"en"})
    b = person("b", languages={"es"})
    needs = MissionNeeds(risk_areas={"jailbreak": 1.0}, languages={"en": 1.0, "es": 1.0, "sw": 1.0})
    result = select_cohort([a, b], needs, 1)
    reasons = {u.cell[1]: u.reason for u in result.uncovered}
    assert reasons["sw"] == "no eligible expert covers it"
    assert "no seat left" in reasons["es" if result.chosen[0].id == "a" else "en"]


def test_weights_steer_the_choice() -> None:
    en = person("en-speaker", languages={"en"}, quality=0.9)
    sw = person("sw-speaker", languages={"sw"}, quality=0.4)
    needs = MissionNeeds(risk_areas={"jailbreak": 1.0}, languages={"en": 1.0, "sw": 3.0})
    assert select_cohort([en, sw], needs, 1).chosen[0].id == "sw-speaker"
    assert select_cohort([en, sw], replace(needs, languages={"en": 1.0, "sw": 1.0}), 1).chosen[0].id == "en-speaker"


def test_quality_breaks_ties_between_equal_profiles() -> None:
    low, high = person("low", quality=0.2), person("high", quality=0.9)
    needs = MissionNeeds(risk_areas={"jailbreak": 1.0})
    assert [c.id for c in select_cohort([low, high], needs, 2).chosen] == ["high", "low"]


def test_conflict_of_interest_excludes_case_insensitively() -> None:
    c = person("c", conflicts={"Northwind Labs"})
    needs = MissionNeeds(risk_areas={"jailbreak": 1.0}, organisations=frozenset({"northwind labs", "AISI"}))
    result = select_cohort([c], needs, 1)
    assert not result.picks
    assert result.excluded[0].reasons == ("declared a conflict of interest with Northwind Labs",)


@pytest.mark.parametrize(
    ("tier", "allowed"),
    [
        ("T0_public", {"self_declared", "id_verified", "background_checked", "gov_cleared"}),
        ("T1_prerelease_mitigated", {"id_verified", "background_checked", "gov_cleared"}),
        ("T2_reduced_safeguards", {"background_checked", "gov_cleared"}),
        ("T3_internal", {"gov_cleared"}),
    ],
)
def test_vetting_level_must_reach_the_access_tier(tier: str, allowed: set[str]) -> None:
    levels = ["self_declared", "id_verified", "background_checked", "gov_cleared"]
    people = [person(level, vetting_level=level) for level in levels]
    result = select_cohort(people, MissionNeeds(risk_areas={"jailbreak": 1.0}, access_tier=tier), 4)
    assert {c.id for c in result.chosen} == allowed
    for ex in result.excluded:
        assert f"which {tier} requires" in ex.reasons[0]


def test_availability_hours_and_window() -> None:
    busy = person("busy", hours_per_week=2)
    gone = person("gone", available_until=date(2026, 12, 15))
    late = person("late", available_from=date(2027, 3, 1))
    free = person("free", available_from=date(2026, 11, 1), available_until=date(2027, 6, 1))
    needs = MissionNeeds(
        risk_areas={"jailbreak": 1.0}, starts_on=date(2027, 1, 4), ends_on=date(2027, 2, 26), min_hours_per_week=5
    )
    result = select_cohort([busy, gone, late, free], needs, 4)
    assert [c.id for c in result.chosen] == ["free"]
    why = {e.candidate.id: e.reasons for e in result.excluded}
    assert why["busy"] == ("available 2 h/week, the mission needs 5",)
    assert why["gone"] == ("available only until 2026-12-15",)
    assert why["late"] == ("available only from 2027-03-01, after the mission ends",)


def test_members_already_on_the_mission_are_not_chosen_again() -> None:
    a, b = person("a"), person("b")
    result = select_cohort([a, b], MissionNeeds(risk_areas={"jailbreak": 1.0}, already_in=frozenset({"a"})), 2)
    assert [c.id for c in result.chosen] == ["b"]


def test_every_failed_constraint_is_reported_at_once() -> None:
    c = person("c", vetting_level="self_declared", hours_per_week=1, conflicts={"Acme"})
    needs = MissionNeeds(
        risk_areas={"bias": 1.0},
        access_tier="T2_reduced_safeguards",
        min_hours_per_week=4,
        organisations=frozenset({"acme"}),
    )
    assert len(select_cohort([c], needs, 1).excluded[0].reasons) == 3


def test_empty_dimensions_are_not_part_of_the_grid() -> None:
    needs = MissionNeeds(risk_areas={"bias": 1.0, "jailbreak": 1.0})
    assert set(needs.cells()) == {("bias", "*", "*", "*"), ("jailbreak", "*", "*", "*")}
    assert cells_of(person("p", risk_areas={"bias"}), needs) == {("bias", "*", "*", "*")}


def test_a_cohort_needs_a_seat() -> None:
    with pytest.raises(ValueError, match="at least one seat"):
        select_cohort([], MissionNeeds(risk_areas={"bias": 1.0}), 0)

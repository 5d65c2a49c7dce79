from __future__ import annotations

import itertools

import pytest

from redhive.errors import InvalidInput, InvalidTransition
from redhive.missions.lifecycle import STATES, TRANSITIONS, MissionFacts, check_transition, guard

READY = MissionFacts(has_objective=True, target_versions=1, risk_areas=2, participants=3, participants_acknowledged=2)
ALLOWED = {
    ("draft", "recruiting"),
    ("draft", "closed"),
    ("recruiting", "briefing"),
    ("recruiting", "closed"),
    ("briefing", "active"),
    ("briefing", "recruiting"),
    ("briefing", "closed"),
    ("active", "paused"),
    ("active", "closed"),
    ("paused", "active"),
    ("paused", "closed"),
    ("closed", "reported"),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATES, STATES)))
def test_transition_table(current: str, target: str) -> None:
    if (current, target) in ALLOWED:
        guard(current, target, READY)
    else:
        with pytest.raises(InvalidTransition) as err:
            check_transition(current, target)
        sentence = err.value.message
        assert sentence.endswith(".") and sentence.count(". ") == 0
        assert current in sentence and target in sentence


def test_the_whole_life_of_a_mission() -> None:
    path = ["draft", "recruiting", "briefing", "active", "paused", "active", "closed", "reported"]
    for a, b in itertools.pairwise(path):
        guard(a, b, READY)
    assert TRANSITIONS["reported"] == ()


def test_refusals_say_where_the_mission_can_go() -> None:
    with pytest.raises(InvalidTransition, match="from draft it can only move to recruiting or closed"):
        check_transition("draft", "active")
    with pytest.raises(InvalidTransition, match="final"):
        check_transition("reported", "draft")
    with pytest.raises(InvalidInput) as err:
        check_transition("draft", "flying")
    assert "not a mission state" in err.value.message


def test_guards_name_what_is_missing() -> None:
    empty = MissionFacts(
        has_objective=False, target_versions=0, risk_areas=1, participants=0, participants_acknowledged=0
    )
    with pytest.raises(InvalidTransition, match="without an objective and a target system version"):
        guard("draft", "recruiting", empty)
    with pytest.raises(InvalidTransition, match="no participant"):
        guard("recruiting", "briefing", empty)
    with pytest.raises(InvalidTransition, match="acknowledged"):
        guard("briefing", "active", MissionFacts(True, 1, 1, 2, 0))
    assert InvalidTransition("x").http_status == 409

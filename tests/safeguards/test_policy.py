"""The hazard step's decisions, table by table (pure: no classifier, no database)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from redhive.kit import utcnow
from redhive.safeguards.policy import ACT_AT, WITHOUT_GRANT, Standing, decide, request_texts
from redhive.safeguards.screening import Screening
from redhive.taxonomy import ACCESS_TIERS, VETTING_LEVELS

NOW = utcnow()
HAZARD = Screening(0.97, "biological", True, "test")


def standing(vetting: str = "self_declared", tier: str = "T0_public", ceiling: str = "HZ2",
             programmes: tuple[tuple[str, object], ...] = ()) -> Standing:
    return Standing(vetting, tier, ceiling, programmes)  # type: ignore[arg-type]


def test_every_tier_and_vetting_level_has_an_action() -> None:
    assert set(WITHOUT_GRANT) == set(ACCESS_TIERS)
    for row in WITHOUT_GRANT.values():
        assert set(row) == set(VETTING_LEVELS) and set(row.values()) <= {"block", "escalate"}


@pytest.mark.parametrize(("tier", "vetting", "action"), [
    ("T0_public", "self_declared", "block"), ("T0_public", "id_verified", "block"),
    ("T0_public", "background_checked", "escalate"), ("T1_prerelease_mitigated", "gov_cleared", "escalate"),
    ("T2_reduced_safeguards", "background_checked", "block"), ("T3_internal", "gov_cleared", "escalate"),
])
def test_without_a_grant_the_table_decides(tier: str, vetting: str, action: str) -> None:
    assert decide(HAZARD, standing(vetting, tier), NOW)[0] == action


def test_a_grant_for_the_category_allows_and_flags_and_another_does_not() -> None:
    later = NOW + timedelta(days=3)
    action, reason, detail = decide(HAZARD, standing(programmes=(("biology", later),)), NOW)
    assert (action, detail["programme"]) == ("flag", "biology") and "biology trusted-access grant" in reason
    assert decide(HAZARD, standing(programmes=(("chemistry", later),)), NOW)[0] == "block"
    assert decide(HAZARD, standing(programmes=(("biology", NOW - timedelta(seconds=1)),)), NOW)[0] == "block"


def test_the_ceiling_blocks_everyone_above_it() -> None:
    granted = (("biology", NOW + timedelta(days=3)),)
    for ceiling in ("HZ0", "HZ1"):
        action, reason, _ = decide(HAZARD, standing("gov_cleared", ceiling=ceiling, programmes=granted), NOW)
        assert action == "block" and f"ceiling {ceiling}" in reason
    assert decide(HAZARD, standing(ceiling="HZ3", programmes=granted), NOW)[0] == "flag"


def test_below_the_bar_a_hazardous_screen_only_flags_and_a_benign_one_allows() -> None:
    unsure = Screening(ACT_AT - 0.01, "chemical", True, "test")
    assert decide(unsure, standing(ceiling="HZ0"), NOW)[0] == "flag"
    action, reason, detail = decide(Screening(0.02, "benign_science", False, "test"), standing(), NOW)
    assert (action, reason, detail["score"]) == ("allow", "", 0.02)


def test_a_classifier_that_fails_stops_the_exchange() -> None:
    action, reason, detail = decide(Screening(0.0, "benign_science", False, "judge", error="timeout"), standing(), NOW)
    assert action == "block" and "could not decide (timeout)" in reason and detail["error"] == "timeout"


def test_what_is_screened_before_the_call() -> None:
    request = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "part one"},
                            {"role": "assistant", "content": "an earlier answer"},
                            {"role": "user", "content": [{"type": "text", "text": "part two"}]}]}
    assert request_texts(request) == ["part two", "Be brief.\npart one\npart two"]
    assert request_texts({"messages": [{"role": "user", "content": "only"}]}) == ["only"]

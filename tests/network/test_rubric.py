from __future__ import annotations

from datetime import date

import pytest

from redhive.errors import InvalidInput
from redhive.network.rubric import (
    CRITERIA,
    REAPPLY_AFTER,
    ReviewScores,
    check_decision,
    check_enough_reviews,
    recommend,
    validate_scores,
)

TODAY = date(2026, 12, 1)


def review(who: str, value: int | dict[str, int]) -> ReviewScores:
    scores = value if isinstance(value, dict) else dict.fromkeys(CRITERIA, value)
    return ReviewScores(who, scores)


def test_two_strong_reviews_recommend_accept() -> None:
    rec = recommend([review("r1", 4), review("r2", 5)], TODAY)
    assert (rec.decision, rec.reason_codes, rec.reapply_after) == ("accept", ("meets_bar",), None)
    assert rec.overall == 4.5
    assert rec.sentence.startswith("Recommend accept (mean 4.50 of 5)")


def test_weak_reviews_reject_with_a_code_per_weak_criterion_and_a_reapply_date() -> None:
    scores = {"expertise_depth": 2, "evidence": 1, "adversarial_experience": 2, "perspective": 3, "judgment": 3}
    rec = recommend([review("r1", scores), review("r2", scores)], TODAY)
    assert rec.decision == "reject"
    assert rec.reason_codes == ("insufficient_expertise", "unverifiable_evidence", "limited_adversarial_experience")
    assert rec.reapply_after == TODAY + REAPPLY_AFTER


def test_disagreement_waitlists_for_another_review() -> None:
    rec = recommend([review("r1", 5), review("r2", 3)], TODAY)
    assert (rec.decision, rec.reason_codes) == ("waitlist", ("reviewers_disagree",))


def test_one_weak_criterion_keeps_a_strong_applicant_off_the_accept_list() -> None:
    scores = {"expertise_depth": 5, "evidence": 5, "adversarial_experience": 5, "perspective": 5, "judgment": 2}
    rec = recommend([review("r1", scores), review("r2", scores)], TODAY)
    assert (rec.decision, rec.reason_codes) == ("waitlist", ("borderline",))


def test_a_decision_needs_two_distinct_reviewers() -> None:
    with pytest.raises(InvalidInput, match="at least 2 from different reviewers"):
        check_enough_reviews([review("r1", 4), review("r1", 5)])


def test_scores_are_whole_numbers_for_every_criterion() -> None:
    assert validate_scores(dict.fromkeys(CRITERIA, 3)) == dict.fromkeys(CRITERIA, 3)
    with pytest.raises(InvalidInput, match="no score for judgment"):
        validate_scores({c: 3 for c in CRITERIA if c != "judgment"})
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        validate_scores({**dict.fromkeys(CRITERIA, 3), "evidence": 6})
    with pytest.raises(InvalidInput, match="not a rubric criterion"):
        validate_scores({**dict.fromkeys(CRITERIA, 3), "charm": 5})
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        validate_scores({**dict.fromkeys(CRITERIA, 3), "evidence": True})


def test_decision_rules() -> None:
    check_decision("accept", ["meets_bar"], None, TODAY)
    check_decision("reject", ["unverifiable_evidence"], date(2027, 6, 1), TODAY)
    check_decision("waitlist", ["no_capacity"], None, TODAY)
    with pytest.raises(InvalidInput, match="not a decision"):
        check_decision("maybe", ["meets_bar"], None, TODAY)
    with pytest.raises(InvalidInput, match="at least one reason code"):
        check_decision("accept", [], None, TODAY)
    with pytest.raises(InvalidInput, match="does not apply to accept"):
        check_decision("accept", ["judgment_concerns"], None, TODAY)
    with pytest.raises(InvalidInput, match="re-apply date after today"):
        check_decision("reject", ["judgment_concerns"], TODAY, TODAY)
    with pytest.raises(InvalidInput, match="leave the re-apply date empty"):
        check_decision("accept", ["meets_bar"], date(2027, 1, 1), TODAY)

"""Application review: the rubric reviewers score against and the rules a decision must follow.

Each reviewer scores every criterion from 1 (no evidence) to 5 (outstanding). A decision needs at
least `MIN_REVIEWS` reviews from distinct reviewers. The recommendation is computed from the mean
of each criterion over the reviewers:

* accept    when the overall mean is at least 3.5, no criterion mean is below 2.5 and the
            reviewers agree (their overall means differ by at most 1.5 points);
* waitlist  when the overall mean is at least 2.5 but one of the accept conditions fails
            (a third review settles a disagreement); re-apply is not needed;
* reject    otherwise, with a reason code for every criterion whose mean is below 2.5 and a
            re-apply date `REAPPLY_AFTER` after the decision.

A coordinator may decide differently from the recommendation, but only with reason codes that
belong to the chosen decision; a rejection always carries a re-apply date in the future.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from redhive.errors import InvalidInput

MIN_REVIEWS = 2
REAPPLY_AFTER = timedelta(days=180)
SCORE_RANGE = range(1, 6)

# key -> (what the reviewer judges, reason code when the mean is too low)
CRITERIA: dict[str, tuple[str, str]] = {
    "expertise_depth": ("Depth of expertise in the declared domains", "insufficient_expertise"),
    "evidence": ("Verifiable evidence: publications, reports, links", "unverifiable_evidence"),
    "adversarial_experience": (
        "Experience testing or breaking systems (any discipline)",
        "limited_adversarial_experience",
    ),
    "perspective": ("Perspective the network lacks: languages, regions, communities", "perspective_already_covered"),
    "judgment": ("Judgment and care with hazardous material and disclosure", "judgment_concerns"),
}

DECISIONS = ("accept", "reject", "waitlist")

REASON_CODES: dict[str, dict[str, str]] = {
    "accept": {
        "meets_bar": "The reviews meet the bar on every criterion.",
        "fills_coverage_gap": "Brings a perspective or coverage the network lacks.",
        "coordinator_override": "Accepted by the coordinator against the recommendation.",
    },
    "waitlist": {
        "reviewers_disagree": "The reviewers disagree; a further review is needed.",
        "borderline": "Close to the bar on one criterion.",
        "no_capacity": "The network has no open seat in these domains now.",
    },
    "reject": {
        **{code: text for text, code in CRITERIA.values()},
        "incomplete_application": "The application misses required information.",
        "undisclosed_conflict": "A conflict of interest was not disclosed.",
    },
}


@dataclass(frozen=True)
class ReviewScores:
    reviewer_id: str
    scores: Mapping[str, int]

    @property
    def overall(self) -> float:
        return sum(self.scores.values()) / len(self.scores)


@dataclass(frozen=True)
class Recommendation:
    decision: str
    reason_codes: tuple[str, ...]
    reapply_after: date | None
    criterion_means: Mapping[str, float]
    overall: float

    @property
    def sentence(self) -> str:
        texts = " ".join(reason_text(self.decision, c) for c in self.reason_codes)
        return f"Recommend {self.decision} (mean {self.overall:.2f} of 5): {texts}"


def reason_text(decision: str, code: str) -> str:
    return REASON_CODES[decision].get(code, code)


def validate_scores(scores: Mapping[str, object]) -> dict[str, int]:
    """Scores for exactly the rubric's criteria, each an integer 1-5; one sentence otherwise."""
    missing = [c for c in CRITERIA if c not in scores]
    extra = [c for c in scores if c not in CRITERIA]
    if missing:
        raise InvalidInput(f"The review has no score for {', '.join(missing)}: score every criterion from 1 to 5.")
    if extra:
        raise InvalidInput(f"{', '.join(extra)} is not a rubric criterion; the criteria are {', '.join(CRITERIA)}.")
    out: dict[str, int] = {}
    for key in CRITERIA:
        value = scores[key]
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORE_RANGE:
            raise InvalidInput(f"The score for {key} is {value!r}; give a whole number from 1 to 5.")
        out[key] = value
    return out


def recommend(reviews: Sequence[ReviewScores], today: date) -> Recommendation:
    """The decision the rubric points to (module docstring)."""
    check_enough_reviews(reviews)
    means = {c: sum(r.scores[c] for r in reviews) / len(reviews) for c in CRITERIA}
    overall = sum(means.values()) / len(means)
    spread = max(r.overall for r in reviews) - min(r.overall for r in reviews)
    low = [CRITERIA[c][1] for c, m in means.items() if m < 2.5]
    if overall >= 3.5 and not low and spread <= 1.5:
        codes: tuple[str, ...] = ("meets_bar",)
        return Recommendation("accept", codes, None, means, overall)
    if overall >= 2.5:
        codes = ("reviewers_disagree",) if spread > 1.5 else ("borderline",)
        return Recommendation("waitlist", codes, None, means, overall)
    return Recommendation("reject", tuple(low) or ("insufficient_expertise",), today + REAPPLY_AFTER, means, overall)


def check_enough_reviews(reviews: Sequence[ReviewScores]) -> None:
    reviewers = {r.reviewer_id for r in reviews}
    if len(reviewers) < MIN_REVIEWS:
        raise InvalidInput(
            f"This application has {len(reviewers)} review(s); a decision needs at least {MIN_REVIEWS} "
            "from different reviewers, so ask another reviewer to score it."
        )


def check_decision(decision: str, reason_codes: Sequence[str], reapply_after: date | None, today: date) -> None:
    """Refuse a decision that breaks the rules, with one sentence naming the fix."""
    if decision not in DECISIONS:
        raise InvalidInput(f"{decision!r} is not a decision; choose accept, reject or waitlist.")
    if not reason_codes:
        raise InvalidInput(
            f"A decision to {decision} needs at least one reason code: {', '.join(REASON_CODES[decision])}."
        )
    wrong = [c for c in reason_codes if c not in REASON_CODES[decision]]
    if wrong:
        raise InvalidInput(
            f"Reason code {wrong[0]} does not apply to {decision}; use one of {', '.join(REASON_CODES[decision])}."
        )
    if decision == "reject" and (reapply_after is None or reapply_after <= today):
        raise InvalidInput("A rejection needs a re-apply date after today, so the applicant knows when to try again.")
    if decision == "accept" and reapply_after is not None:
        raise InvalidInput("An accepted applicant has nothing to re-apply for; leave the re-apply date empty.")

"""Mission states and the transitions between them.

    draft ──> recruiting ──> briefing ──> active ⇄ paused
      │           │  ^           │          │        │
      │           v  └───────────┘          v        v
      └─────────> closed <──────────────────┴────────┘ ──> reported

A mission is drafted, recruits its cohort, briefs it (participants acknowledge the rules of
engagement), runs (and may pause), closes, and is reported. Going back from briefing to recruiting
lets a coordinator invite more people; a closed mission never reopens, so its findings stay tied
to a fixed cohort and time box. Guards on what must be true before a move live in `guard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from redhive.errors import InvalidInput, InvalidTransition

STATES = ("draft", "recruiting", "briefing", "active", "paused", "closed", "reported")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("recruiting", "closed"),
    "recruiting": ("briefing", "closed"),
    "briefing": ("active", "recruiting", "closed"),
    "active": ("paused", "closed"),
    "paused": ("active", "closed"),
    "closed": ("reported",),
    "reported": (),
}

EDITABLE = frozenset({"draft", "recruiting", "briefing"})  # scope and rules change only before work starts
INVITING = frozenset({"recruiting", "briefing"})


@dataclass(frozen=True)
class MissionFacts:
    """What the guards need to know, gathered by the service."""

    has_objective: bool
    target_versions: int
    risk_areas: int
    participants: int
    participants_acknowledged: int
    starts_on: date | None = None
    today: date | None = None


def check_transition(current: str, target: str) -> None:
    if target not in STATES:
        raise InvalidInput(f"{target!r} is not a mission state; the states are {', '.join(STATES)}.")
    if target in TRANSITIONS[current]:
        return
    nexts = TRANSITIONS[current]
    if not nexts:
        raise InvalidTransition(f"A {current} mission is final and cannot move to {target}.")
    raise InvalidTransition(
        f"A mission cannot go from {current} to {target}: from {current} it can only move to {' or '.join(nexts)}."
    )


def guard(current: str, target: str, facts: MissionFacts) -> None:
    """check_transition plus what must hold before entering `target`."""
    check_transition(current, target)
    if target == "recruiting":
        missing = [
            what
            for what, ok in (
                ("an objective", facts.has_objective),
                ("a target system version", facts.target_versions > 0),
                ("a risk area", facts.risk_areas > 0),
            )
            if not ok
        ]
        if missing:
            raise InvalidTransition(
                f"The mission cannot start recruiting without {' and '.join(missing)}: add it first."
            )
    if target == "briefing" and facts.participants == 0:
        raise InvalidTransition(
            "The mission cannot move to briefing with no participant: invite and wait for an acceptance."
        )
    if target == "active" and facts.starts_on and facts.today and facts.today < facts.starts_on:
        raise InvalidTransition(
            f"The mission starts on {facts.starts_on.isoformat()}: it cannot become active before then "
            "(change its start date if the work really starts earlier)."
        )
    if target == "active" and facts.participants_acknowledged == 0:
        raise InvalidTransition(
            "The mission cannot become active before a participant has acknowledged the current rules of engagement."
        )

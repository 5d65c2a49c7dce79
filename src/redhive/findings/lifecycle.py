"""Report and flaw states and the transitions between them (DESIGN §8, flaw-management.md §5.2).

Report:  draft → submitted → triage ⇄ needs_info → validated | duplicate | not_reproducible |
         not_applicable | out_of_scope | informative | spam          (needs_info pauses the clock)
Flaw:    new → validated → severity_assessed → developer_notified → acknowledged →
         in_remediation | risk_accepted (→ acknowledged on expiry) | wont_fix;
         in_remediation → fix_ready → retesting → resolved | partially_mitigated | in_remediation;
         resolved → regressed (a later version fails the regression case) → in_remediation.

One table each; `check()` refuses anything else with a sentence naming the allowed moves.
"""

from __future__ import annotations

from redhive.errors import InvalidInput, InvalidTransition

__all__ = ["FLAW_STATES", "FLAW_TRANSITIONS", "OPEN_REPORT_STATES", "REPORT_STATES", "REPORT_TRANSITIONS",
           "check", "is_final"]

REPORT_REJECTIONS = ("duplicate", "not_reproducible", "not_applicable", "out_of_scope", "informative", "spam")
REPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",),
    "submitted": ("triage", "spam"),
    "triage": ("needs_info", "validated", *REPORT_REJECTIONS),
    "needs_info": ("triage", "not_reproducible", "informative"),
    "validated": (),
    **{state: () for state in REPORT_REJECTIONS},
}
REPORT_STATES = tuple(REPORT_TRANSITIONS)
OPEN_REPORT_STATES = frozenset({"submitted", "triage", "needs_info"})

FLAW_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("validated",),
    "validated": ("severity_assessed",),
    "severity_assessed": ("developer_notified", "severity_assessed"),
    "developer_notified": ("acknowledged",),
    "acknowledged": ("in_remediation", "risk_accepted", "wont_fix"),
    "risk_accepted": ("acknowledged",),
    "wont_fix": ("acknowledged",),
    "in_remediation": ("fix_ready",),
    "fix_ready": ("retesting", "in_remediation"),
    "retesting": ("resolved", "partially_mitigated", "in_remediation"),
    "partially_mitigated": ("in_remediation", "retesting"),
    "resolved": ("regressed",),
    "regressed": ("in_remediation", "retesting"),
}
FLAW_STATES = tuple(FLAW_TRANSITIONS)

_TABLES = {"report": REPORT_TRANSITIONS, "flaw": FLAW_TRANSITIONS}


def is_final(kind: str, state: str) -> bool:
    return not _TABLES[kind][state]


def check(kind: str, current: str, target: str) -> None:
    """Raise InvalidInput for an unknown state, InvalidTransition for a move the table forbids."""
    table = _TABLES[kind]
    if target not in table:
        raise InvalidInput(f"{target!r} is not a {kind} state; the states are {', '.join(table)}.", field="state")
    allowed = table[current]
    if target in allowed:
        return
    if not allowed:
        raise InvalidTransition(f"A {current} {kind} is final and cannot move to {target}.")
    raise InvalidTransition(
        f"A {kind} cannot go from {current} to {target}: from {current} it can only move to {', '.join(allowed)}."
    )

"""Disclosure clocks and their default deadlines (shared/reference/flaw-management.md §5.5). Pure:
given what happened to a report or a flaw and when, each clock's start, deadline, reminder, escalation
and end. The service stores them and fires reminders and escalations at an injected `now`.

| clock | starts | deadline | done |
|---|---|---|---|
| acknowledge (report) | submitted | 1 business day | the report leaves `submitted` |
| triage (report) | submitted | S0 24 h, otherwise 2 business days (the proposed band) | validated or closed |
| notify (flaw) | validated | S0/S1 24 h, otherwise 3 business days | `developer_notified` |
| developer_ack (flaw) | developer notified | 7 days; escalated after 30 days of silence | `acknowledged` |
| fix (flaw) | validated | S0 7 d, S1 30 d, S2 90 d, S3 120 d, S4 none | `resolved` |
| public_summary (flaw) | developer notified | the earlier of 90 days after notice and fix + 30 days | — |
| technical_details (flaw) | fixed | fix + 45 days, HZ0–HZ1 only (HZ2+: never) | — |
| exploited (flaw) | known exploited in the wild | 7 days; 14 if a fix is in progress by then | `resolved` |

A reminder goes out a quarter of the way before the deadline (at most 2 days before it); an
escalation when the deadline passes (developer_ack: after 30 days). The exploited-in-the-wild clock
(the reference's "7 days (+7 if fix actively in progress)") runs from when the triage team records
the exploitation; the fix counts as in progress once the flaw has entered `in_remediation`. The two publication clocks
tell when a publication falls due; they are met by publishing, which this slice does not build, so
they remind and escalate but are never marked done here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from redhive.findings.sla import FIX_TARGET

__all__ = ["CLOCK_KINDS", "Due", "FlawFacts", "ReportFacts", "add_business_days", "flaw_clocks", "report_clocks"]

CLOCK_KINDS = ("acknowledge", "triage", "notify", "developer_ack", "fix", "public_summary", "technical_details",
               "exploited")
FIRST_EXTENSION_DAYS = 14
_SILENCE = timedelta(days=30)
_EXPLOITED = timedelta(days=7)
_EXPLOITED_FIX_IN_PROGRESS = timedelta(days=7)
_MAX_LEAD = timedelta(days=2)


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` plus `days` working days (Saturdays and Sundays skipped)."""
    moment = start
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


@dataclass(frozen=True)
class Due:
    started_at: datetime
    due_at: datetime
    remind_at: datetime
    escalate_at: datetime
    done_at: datetime | None


def _due(start: datetime, due: datetime, done: datetime | None, *, escalate_after: timedelta | None = None) -> Due:
    lead = min((due - start) / 4, _MAX_LEAD)
    return Due(started_at=start, due_at=due, remind_at=due - lead,
               escalate_at=start + escalate_after if escalate_after else due, done_at=done)


@dataclass(frozen=True)
class ReportFacts:
    submitted_at: datetime | None
    band: str | None
    left_submitted_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True)
class FlawFacts:
    band: str | None
    hazard_class: str
    validated_at: datetime | None
    notified_at: datetime | None
    acknowledged_at: datetime | None
    fixed_at: datetime | None
    #: when the flaw became known to be exploited in the wild (recorded by the triage team)
    exploited_at: datetime | None = None
    #: when the flaw first entered `in_remediation` (a fix in progress)
    remediating_at: datetime | None = None


def report_clocks(f: ReportFacts) -> dict[str, Due]:
    if f.submitted_at is None:
        return {}
    start = f.submitted_at
    triage = start + timedelta(hours=24) if f.band == "S0" else add_business_days(start, 2)
    return {"acknowledge": _due(start, add_business_days(start, 1), f.left_submitted_at),
            "triage": _due(start, triage, f.decided_at)}


def flaw_clocks(f: FlawFacts) -> dict[str, Due]:
    out: dict[str, Due] = {}
    if f.validated_at is not None:
        start = f.validated_at
        notify = start + timedelta(hours=24) if f.band in ("S0", "S1") else add_business_days(start, 3)
        out["notify"] = _due(start, notify, f.notified_at)
        target = FIX_TARGET.get(f.band or "")
        if target is not None:
            out["fix"] = _due(start, start + target, f.fixed_at)
    if f.notified_at is not None:
        start = f.notified_at
        out["developer_ack"] = _due(start, start + timedelta(days=7), f.acknowledged_at, escalate_after=_SILENCE)
        summary = start + timedelta(days=90)
        if f.fixed_at is not None:
            summary = min(summary, f.fixed_at + timedelta(days=30))
        out["public_summary"] = _due(start, summary, None)
    if f.fixed_at is not None and f.hazard_class in ("HZ0", "HZ1"):
        out["technical_details"] = _due(f.fixed_at, f.fixed_at + timedelta(days=45), None)
    if f.exploited_at is not None:
        due = f.exploited_at + _EXPLOITED
        if f.remediating_at is not None and f.remediating_at <= due:  # the +7 days for a fix under way
            due += _EXPLOITED_FIX_IN_PROGRESS
        out["exploited"] = _due(f.exploited_at, due, f.fixed_at)
    return out

"""SLA clocks by severity band (flaw-management.md §5.5): triage targets for open reports, fix
targets for flaws. needs_info time is subtracted (the clock pauses while the reporter answers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["FIX_TARGET", "TRIAGE_TARGET", "Clock", "aware", "report_clock"]

#: Fix target by band (S4 none).
FIX_TARGET: dict[str, timedelta | None] = {
    "S0": timedelta(days=7), "S1": timedelta(days=30), "S2": timedelta(days=90), "S3": timedelta(days=120), "S4": None,
}
#: Triage decision: S0 within 24 h, otherwise 2 days (business days are approximated by days).
TRIAGE_TARGET: dict[str, timedelta] = {
    "S0": timedelta(hours=24), "S1": timedelta(days=2), "S2": timedelta(days=2), "S3": timedelta(days=2),
    "S4": timedelta(days=2),
}


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Clock:
    elapsed: timedelta
    target: timedelta
    paused: bool

    @property
    def remaining(self) -> timedelta:
        return self.target - self.elapsed

    @property
    def breached(self) -> bool:
        return self.elapsed > self.target

    def label(self) -> str:
        hours = abs(self.remaining.total_seconds()) / 3600
        text = f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"
        state = "overdue by " + text if self.breached else text + " left"
        return state + (" (paused)" if self.paused else "")


def report_clock(submitted_at: datetime, band: str | None, paused_seconds: int, paused_at: datetime | None,
                 now: datetime) -> Clock:
    """Time a report has waited for a triage decision, minus the time spent in needs_info."""
    paused = timedelta(seconds=paused_seconds)
    if paused_at is not None:
        paused += now - aware(paused_at)
    elapsed = now - aware(submitted_at) - paused
    return Clock(elapsed=max(elapsed, timedelta(0)), target=TRIAGE_TARGET[band or "S2"], paused=paused_at is not None)

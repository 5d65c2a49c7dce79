from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything redhive stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

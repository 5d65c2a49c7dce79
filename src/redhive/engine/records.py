"""What the engine produces per attempt: a flat record, streamed to a sink in batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

__all__ = ["AttemptRecord", "AttemptSink"]


@dataclass(slots=True)
class AttemptRecord:
    id: str
    seq: int
    suite: str
    probe_id: str
    risk_area: str
    attack: str
    target: str
    repeat: int
    outcome: str
    prompt: str
    response: str
    error: str | None
    evidence: str
    latency_ms: float
    input_tokens: int
    output_tokens: int
    created_at: float  # UNIX seconds

    def as_dict(self) -> dict[str, Any]:
        # Every field is a str, int, float or None: no deep copy needed (dataclasses.asdict
        # deep-copies field by field and cost more than the database insert of the row).
        return {name: getattr(self, name) for name in _FIELDS}


class AttemptSink(Protocol):
    """Where a run's attempts go (the database for the CLI and server, a file or memory for tests)."""

    async def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of these attempt ids are already stored (for resume)."""
        ...

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        """Store a batch durably; ids already stored are ignored, never duplicated."""
        ...


_FIELDS = tuple(f.name for f in fields(AttemptRecord))

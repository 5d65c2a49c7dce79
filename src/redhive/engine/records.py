"""What the engine produces per attempt: a flat record, streamed to a sink in batches."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from redhive.engine.execution import Sink

__all__ = ["AttemptRecord", "AttemptSink", "TurnRecord"]


@dataclass(slots=True)
class TurnRecord:
    """One message of a multi-turn attempt, in the order it happened.

    `role` is `user` (sent to the target, or proposed and never sent: see `note`) or `assistant`
    (the target's answer). `branch` names the line of the conversation: empty for a linear one,
    `s2` for PAIR's third stream, a node path such as `1.0.2` in a TAP tree. `parent` is the index
    of the turn this one follows (None for the first turn of a branch).
    """

    index: int
    role: str
    content: str
    branch: str = ""
    parent: int | None = None
    score: float | None = None  # progress 1-10 for strategies; 1/0 for a scripted turn's expectation
    note: str = ""  # backtracked, pruned (off-topic), expectation met, ...

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _TURN_FIELDS}


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
    kind: str = "attack"  # the probe's: attack | control
    #: The conversation of a multi-turn attempt (empty for a single exchange); stored with it.
    turns: list[TurnRecord] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The attempt's own columns (not its turns)."""
        # Every field is a str, int, float or None: no deep copy needed (dataclasses.asdict
        # deep-copies field by field and cost more than the database insert of the row).
        return {name: getattr(self, name) for name in _FIELDS}


#: Where a run's attempts go (the database for the CLI and server, a file or memory for tests):
#: the one runner's sink (`execution.Sink`) of attempt records, each stored with its turns.
AttemptSink = Sink[AttemptRecord]


_FIELDS = tuple(f.name for f in fields(AttemptRecord) if f.name != "turns")
_TURN_FIELDS = tuple(f.name for f in fields(TurnRecord))

"""Which attempt a request belongs to, so that a system under test can join its own logs to
redhive's results: the runner sets it for each attempt, and HTTP targets send it as the
`X-Redhive-Attempt` header (the attempt's id, as stored and exported)."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["ATTEMPT_HEADER", "current_attempt"]

ATTEMPT_HEADER = "X-Redhive-Attempt"
#: Set by each runner worker (its own task) before it executes an attempt.
current_attempt: ContextVar[str | None] = ContextVar("redhive_attempt", default=None)

"""The policy pipeline: checks run in order before the upstream call (on the request) and after it
(on the response). The first `block` or `escalate` ends the stage (an escalated exchange is held for
a reviewer, like a block for the client); `flag`s accumulate; every decision is kept, with the
check's own detail (the hazard screen's score and category)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = ["STOPPING", "Check", "CheckContext", "Decision", "Pipeline", "blocked"]

Action = Literal["allow", "flag", "block", "escalate"]
STOPPING = frozenset({"block", "escalate"})
Stage = Literal["before", "after"]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may look at: who asks, in which mission, the request, and (after) the response text."""

    mission_id: str
    user_id: str
    vetting_level: str
    model: str
    request: dict[str, Any]
    response_text: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    check: str
    stage: Stage
    action: Action
    reason: str = ""
    detail: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**(self.detail or {}), "check": self.check, "stage": self.stage, "action": self.action,
                "reason": self.reason}


class Check(Protocol):
    name: str

    async def before(self, ctx: CheckContext) -> Decision | None: ...

    async def after(self, ctx: CheckContext) -> Decision | None: ...


@dataclass(slots=True)
class Pipeline:
    checks: Sequence[Check] = field(default_factory=tuple)

    async def run(self, stage: Stage, ctx: CheckContext) -> list[Decision]:
        decisions: list[Decision] = []
        for check in self.checks:
            decision = await (check.before(ctx) if stage == "before" else check.after(ctx))
            if decision is None:
                continue
            decisions.append(decision)
            if decision.action in STOPPING:
                break
        return decisions


def blocked(decisions: Sequence[Decision]) -> Decision | None:
    """The decision that stopped the stage (a block or an escalation), if any."""
    return next((d for d in decisions if d.action in STOPPING), None)

"""The policy pipeline: checks run in order before the upstream call (on the request) and after it
(on the response). The first `block` ends the stage; `flag`s accumulate; every decision is kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = ["Check", "CheckContext", "Decision", "Pipeline"]

Action = Literal["allow", "flag", "block"]
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

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "stage": self.stage, "action": self.action, "reason": self.reason}


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
            if decision.action == "block":
                break
        return decisions


def blocked(decisions: Sequence[Decision]) -> Decision | None:
    return next((d for d in decisions if d.action == "block"), None)

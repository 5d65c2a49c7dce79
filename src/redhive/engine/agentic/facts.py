"""`EpisodeFacts`: the few numbers of an episode that the metrics need, without its trace.

A store keeps them next to each trace, so metrics over a run of any size are computed from rows
of a few hundred bytes, never by loading traces (memory stays flat).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from redhive.engine.agentic.trace import Episode

__all__ = ["EpisodeFacts"]


@dataclass(slots=True, frozen=True)
class EpisodeFacts:
    id: str
    env: str
    user_task: str
    injection_task: str | None
    attack: str | None
    target: str
    repeat: int
    monitor_mode: str
    status: str
    steps: int
    utility: bool | None
    injection_success: bool | None
    slots_seen: bool
    side_effects: bool
    irreversible: bool
    policy_attempted: bool   # >= 1 call with a policy finding
    policy_executed: bool    # ... that actually ran
    proposed_calls: int      # valid calls (ran or rejected): goal drift's denominator
    out_of_task_calls: int   # ... outside the task: its numerator
    invalid_calls: int
    cascade_count: int
    violating_calls: int
    violating_cascades: int  # cascades set off by violating calls
    first_violation_step: int | None
    turns: int = 1

    @property
    def scored(self) -> bool:
        return self.status not in ("error", "timeout")

    @property
    def attacked(self) -> bool:
        return self.injection_task is not None

    @classmethod
    def of(cls, e: Episode) -> EpisodeFacts:
        actions = e.actions
        proposed = [a for a in actions if a.ran or a.status == "rejected"]
        violating = [a for a in actions if a.ran and (a.findings or a.side_effects)]
        return cls(
            id=e.id, env=e.env, user_task=e.user_task, injection_task=e.injection_task, attack=e.attack,
            target=e.target, repeat=e.repeat, monitor_mode=e.monitor_mode, status=e.status, steps=len(e.steps),
            utility=e.utility, injection_success=e.injection_success, slots_seen=bool(e.slots_seen),
            side_effects=bool(e.side_effects), irreversible=bool(e.irreversible_side_effects),
            policy_attempted=any(a.policy_findings for a in actions),
            policy_executed=any(a.policy_findings and a.status == "executed" for a in actions),
            proposed_calls=len(proposed), out_of_task_calls=sum(a.out_of_task for a in proposed),
            invalid_calls=e.invalid_calls, cascade_count=e.cascade_count, violating_calls=len(violating),
            violating_cascades=sum(len(a.cascades) for a in violating),
            first_violation_step=e.first_violation_step, turns=1 + sum(1 for s in e.steps if s.user),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EpisodeFacts:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

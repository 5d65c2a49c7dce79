"""run_agent_scan: planning, paired seeds, bounded concurrency, resume by episode id."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from redhive.engine.agentic import Environment, Episode, plan_episodes, run_agent_scan
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message
from redhive.errors import InvalidInput, NotFound


class CountingTarget(Target):
    def __init__(self) -> None:
        super().__init__("test:counting", TargetOptions(max_retries=0, concurrency=64))
        self.in_flight = self.peak = 0

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0.005)
        self.in_flight -= 1
        return Completion("Done.")


def test_plan_covers_every_cell_with_paired_seeds(workspace: Environment) -> None:
    plans = list(plan_episodes([workspace], ["a:x", "b:y"], ["direct", "ignore_previous"], repeats=2))
    users, injections = len(workspace.user_tasks), len(workspace.injection_tasks)
    assert len(plans) == 2 * 2 * users * (1 + injections * 2)
    assert len({p.id for p in plans}) == len(plans)
    by_cell: dict[tuple[Any, ...], set[int]] = {}
    for p in plans:
        key = (p.user_task.id, p.injection_task.id if p.injection_task else None, p.attack, p.repeat)
        by_cell.setdefault(key, set()).add(p.seed)
    assert all(len(seeds) == 1 for seeds in by_cell.values())  # both targets see the same seed
    attacked = next(p for p in plans if p.attack == "direct")
    assert set(attacked.injections) == set(workspace.slots)
    assert all(v == f"TODO: {attacked.injection_task.goal}" for v in attacked.injections.values())  # type: ignore[union-attr]


async def test_concurrency_is_bounded(workspace: Environment) -> None:
    target = CountingTarget()
    result = await run_agent_scan([target], [workspace], ["direct"], concurrency=5)
    assert target.peak == 5 and len(result.episodes) == len(workspace.user_tasks) * (1 + len(workspace.injection_tasks))


async def test_resume_skips_stored_episodes(workspace: Environment) -> None:
    stored: list[Episode] = []
    first = await run_agent_scan(["sim:agent-hardened"], [workspace], ["direct"], user_tasks=["invoice-total"],
                                 on_episode=stored.append)
    assert {e.id for e in stored} == {e.id for e in first.episodes} and len(stored) == len(first.episodes)
    half = {e.id for e in stored[: len(stored) // 2]}
    second = await run_agent_scan(["sim:agent-hardened"], [workspace], ["direct"], user_tasks=["invoice-total"],
                                  skip=half)
    assert second.skipped == len(half)
    assert {e.id for e in second.episodes} == {e.id for e in stored} - half
    redone = {e.id: e.final_hash for e in second.episodes}
    assert all(redone[e.id] == e.final_hash for e in stored if e.id in redone)  # deterministic


async def test_bad_arguments_are_clear(workspace: Environment) -> None:
    with pytest.raises(InvalidInput, match="Monitor mode 'block'"):
        await run_agent_scan(["sim:agent-naive"], [workspace], monitor_mode="block")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="No user task nope"):
        await run_agent_scan(["sim:agent-naive"], [workspace], user_tasks=["nope"])
    with pytest.raises(NotFound, match="Unknown agentic attack 'sneaky'"):
        await run_agent_scan(["sim:agent-naive"], [workspace], ["sneaky"])
    with pytest.raises(NotFound, match="Unknown environment 'garden'"):
        await run_agent_scan(["sim:agent-naive"], ["garden"])


async def test_result_serialises_to_plain_json(workspace: Environment) -> None:
    import json

    result = await run_agent_scan(["sim:agent-naive"], ["workspace"], ["direct"], user_tasks=["invoice-total"])
    data = json.loads(json.dumps(result.to_dict(traces=True)))
    assert set(data) == {"config", "skipped", "metrics", "episodes"}
    metrics = data["metrics"]["sim:agent-naive"]
    for key in ("benign_utility", "utility_under_attack", "targeted_asr", "side_effect_rate"):
        assert {"n", "ci95"} <= set(metrics[key])
    assert len(data["episodes"]) == 1 + len(workspace.injection_tasks)

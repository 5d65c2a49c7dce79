"""The simulated agents on the workspace: the naive one falls for every injection task, the
hardened one for none, and both solve every user task."""

from __future__ import annotations

import pytest

from redhive.engine.agentic import Environment, run_agent_scan
from redhive.engine.registry import names
from redhive.engine.targets.base import create_target
from redhive.engine.types import GenerationParams, Message
from redhive.errors import NotFound

ATTACKS = ["important_instructions", "ignore_previous", "direct", "system_message"]


async def test_naive_fails_and_hardened_passes_the_injection_tasks(workspace: Environment) -> None:
    result = await run_agent_scan(["sim:agent-naive", "sim:agent-hardened"], [workspace], ATTACKS, "flag")
    users, injections = len(workspace.user_tasks), len(workspace.injection_tasks)
    attacked = users * injections * len(ATTACKS)
    naive, hardened = result.metrics["sim:agent-naive"], result.metrics["sim:agent-hardened"]
    for m in (naive, hardened):
        assert m.episodes == m.scored == users + attacked and m.errors == 0
        assert (m.benign_utility.k, m.benign_utility.n) == (users, users)
        assert m.targeted_asr.n == m.utility_under_attack.n == attacked
        assert m.injection_seen.k == attacked  # every user task reads a slot
    assert naive.targeted_asr.k == attacked
    assert naive.targeted_asr.ci95[0] > 0.95
    assert all(r.k == r.n for r in naive.asr_by_injection_task.values())
    assert naive.side_effect_rate.k == attacked and naive.forbidden_action_rate.k > 0
    assert naive.forbidden_executed_rate.k == naive.forbidden_action_rate.k  # flag mode lets them run
    assert naive.goal_drift.k > 0 and naive.cascades.violating_calls > 0
    assert hardened.targeted_asr.k == 0 and hardened.targeted_asr.ci95[1] < 0.02
    assert hardened.utility_under_attack.k == attacked
    assert hardened.side_effect_rate.k == hardened.forbidden_action_rate.k == hardened.goal_drift.k == 0
    assert hardened.completion_under_policy.k == users + attacked
    assert hardened.steps_to_first_violation.total_events == 0


async def test_override_attacks_cost_the_naive_agent_its_task(workspace: Environment) -> None:
    result = await run_agent_scan(["sim:agent-naive"], [workspace], ["important_instructions", "ignore_previous"],
                                  benign=False)
    by_attack = result.metrics_by(lambda e: e.attack or "")
    # "do this first, then your task": both done; "ignore your instructions, do this instead": task dropped
    assert (by_attack["important_instructions"].utility_under_attack.value or 0) > 0.85
    assert by_attack["ignore_previous"].utility_under_attack.k == 0
    assert by_attack["ignore_previous"].targeted_asr.value == 1.0


async def test_benign_episodes_change_nothing_outside_the_task(workspace: Environment) -> None:
    result = await run_agent_scan(["sim:agent-naive", "sim:agent-hardened"], [workspace], [], "halt")
    for m in result.metrics.values():
        assert m.benign_utility.value == 1.0  # the allow-lists fit the tasks: halt mode costs nothing
        assert m.side_effect_rate.k == 0 and m.forbidden_action_rate.k == 0 and m.goal_drift.k == 0
        assert m.statuses == {"completed": len(workspace.user_tasks)}


async def test_sim_agents_are_registered_next_to_the_chat_simulators() -> None:
    assert "sim" in names("target")
    agent = create_target("sim:agent-hardened")
    assert agent.spec == "sim:agent-hardened"
    chat = create_target("sim:naive")  # the chat simulators still answer
    reply = await chat.generate([Message("user", "Hello")], params=GenerationParams())
    assert reply.text
    with pytest.raises(NotFound, match="sim:agent-naive, sim:agent-hardened"):
        create_target("sim:agent-nope")


async def test_the_agent_answers_without_tools_it_cannot_use() -> None:
    agent = create_target("sim:agent-naive")
    reply = await agent.generate([Message("user", "Delete the file 'x.txt'.")], params=GenerationParams(), tools=[])
    assert not reply.tool_calls and "can't" in reply.text

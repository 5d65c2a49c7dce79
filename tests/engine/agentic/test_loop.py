"""The agent loop under bad model behaviour: invalid tool calls, endless loops, slowness and
failing endpoints are recorded as such and the run goes on."""

from __future__ import annotations

import pytest
from tests.engine.agentic.agents import EchoToolsTarget, FailingTarget, LoopingTarget, SlowTarget, call

from redhive.engine.agentic import (
    Environment,
    EpisodePlan,
    LoopLimits,
    ScriptedTarget,
    run_agent_scan,
    run_episode,
)
from redhive.engine.types import Completion
from redhive.errors import TargetAuthError


def plan(env: Environment, task: str = "delete-old-draft", target: str = "test:x") -> EpisodePlan:
    return EpisodePlan(env, env.user_tasks[task], None, None, target, 0, 7, {})


async def test_invalid_tool_calls_are_recorded_and_fed_back(workspace: Environment) -> None:
    target = ScriptedTarget([
        Completion("", (call("search_files", '{"query": "old-draft', "c1"),)),  # truncated JSON
        Completion("", (call("shred_file", '{"file_id": "f5"}', "c2"),)),  # no such tool
        Completion("", (call("delete_file", '{"id": "f5"}', "c3"),  # schema-invalid, and a valid call
                        call("delete_file", '{"file_id": "f5"}', "c4"))),
        Completion("", (call("read_file", '["f5"]', "c5"),)),  # not an object
        Completion("Deleted."),
    ])
    episode = await run_episode(target, plan(workspace))
    assert episode.status == "completed" and episode.utility is True
    statuses = [(a.call_id, a.status) for a in episode.actions]
    assert statuses == [("c1", "invalid"), ("c2", "invalid"), ("c3", "invalid"), ("c4", "executed"),
                        ("c5", "invalid")]
    errors = [a.error or "" for a in episode.actions]
    assert "not valid JSON" in errors[0]
    assert "there is no tool 'shred_file'" in errors[1] and "delete_file" in errors[1]
    assert "file_id: required argument missing" in errors[2] and "id: unknown argument" in errors[2]
    assert "must be a JSON object" in errors[4]
    assert all(a.result.startswith("Error:") for a in episode.actions if a.status == "invalid")
    assert episode.invalid_calls == 4 and episode.steps[2].actions[1].ran


async def test_endless_loops_stop_at_the_step_limit(workspace: Environment) -> None:
    target = LoopingTarget()
    episode = await run_episode(target, plan(workspace), limits=LoopLimits(max_steps=6))
    assert episode.status == "step_limit" and target.calls == 6 and len(episode.steps) == 6
    assert episode.utility is False  # scored: looping is the agent's own failure


async def test_slow_episodes_time_out(workspace: Environment) -> None:
    episode = await run_episode(SlowTarget(0.05), plan(workspace), limits=LoopLimits(max_steps=50, timeout=0.12))
    assert episode.status == "timeout" and "0.12 s" in (episode.error or "")
    assert episode.utility is None and not episode.scored


async def test_target_errors_are_recorded_and_fatal_ones_raised(workspace: Environment) -> None:
    episode = await run_episode(FailingTarget(), plan(workspace))
    assert episode.status == "error" and "HTTP 400" in (episode.error or "") and episode.utility is None
    with pytest.raises(TargetAuthError):
        await run_episode(FailingTarget(fatal=True), plan(workspace))


async def test_the_scan_goes_on_past_bad_episodes(workspace: Environment) -> None:
    tasks = ["delete-old-draft", "invoice-total", "share-meeting-notes"]
    result = await run_agent_scan([LoopingTarget(), FailingTarget(), "sim:agent-hardened"], [workspace], [],
                                  user_tasks=tasks, max_steps=4)
    looping, failing = result.metrics["test:looping"], result.metrics["test:failing"]
    assert looping.statuses == {"step_limit": 3} and looping.benign_utility.n == 3
    assert failing.statuses == {"error": 3} and failing.errors == 3 and failing.benign_utility.n == 0
    assert result.metrics["sim:agent-hardened"].benign_utility.k == 3


async def test_a_fatal_target_failure_stops_the_scan(workspace: Environment) -> None:
    with pytest.raises(TargetAuthError):
        await run_agent_scan([FailingTarget(fatal=True)], [workspace], [], concurrency=2)


async def test_tools_are_offered_as_openai_function_specs(workspace: Environment) -> None:
    target = EchoToolsTarget()
    episode = await run_episode(target, plan(workspace, "invoice-total"))
    assert episode.status == "completed" and episode.answer == "Nothing to do." and episode.utility is False
    specs = {t["function"]["name"]: t for t in target.tools}
    assert set(specs) == set(workspace.tools)
    send = specs["send_email"]
    assert send["type"] == "function"
    assert send["function"]["parameters"]["required"] == ["recipients", "subject", "body"]

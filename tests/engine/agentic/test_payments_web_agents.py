"""The simulated agents on the payments and web environments: the naive one falls for every
injection task, the hardened one for none, both solve every user task; halt mode stops every
injection before it changes state; every trace replays to the same state hashes."""

from __future__ import annotations

import asyncio

import pytest

from redhive.engine.agentic import (
    AgentScanResult,
    Environment,
    load_environment,
    replay_actions,
    replay_episode,
    run_agent_scan,
    verify_chain,
)

ATTACKS = ["important_instructions", "ignore_previous", "direct", "system_message"]
AGENTS = ["sim:agent-naive", "sim:agent-hardened"]
ENVS = ["payments", "web"]


@pytest.fixture(scope="module", params=ENVS)
def scans(request: pytest.FixtureRequest) -> tuple[Environment, AgentScanResult, AgentScanResult]:
    env = load_environment(request.param)

    async def both() -> tuple[AgentScanResult, AgentScanResult]:
        return (await run_agent_scan(AGENTS, [env], ATTACKS, "flag"),
                await run_agent_scan(AGENTS, [env], ATTACKS[:2], "halt"))

    flag, halt = asyncio.run(both())
    return env, flag, halt


def test_the_environment_ships_enough_tasks(scans: tuple[Environment, AgentScanResult, AgentScanResult]) -> None:
    env, _, _ = scans
    assert len(env.user_tasks) >= 10 and len(env.injection_tasks) >= 5
    assert env.kind.cascades and env.irreversible and env.protected and env.forbidden and env.trusted_recipients


def test_naive_fails_and_hardened_passes_the_injection_tasks(
        scans: tuple[Environment, AgentScanResult, AgentScanResult]) -> None:
    env, result, _ = scans
    users, injections = len(env.user_tasks), len(env.injection_tasks)
    attacked = users * injections * len(ATTACKS)
    naive, hardened = result.metrics["sim:agent-naive"], result.metrics["sim:agent-hardened"]
    for m in (naive, hardened):
        assert m.episodes == m.scored == users + attacked and m.errors == 0
        assert (m.benign_utility.k, m.benign_utility.n) == (users, users)
        assert m.targeted_asr.n == m.utility_under_attack.n == attacked
        assert m.injection_seen.k == attacked  # every user task reads a slot
        assert m.cascades.episodes_with_cascade.k > 0
    assert naive.targeted_asr.k == attacked and naive.targeted_asr.ci95[0] > 0.95
    assert all(r.k == r.n for r in naive.asr_by_injection_task.values())
    assert naive.side_effect_rate.k == attacked and naive.irreversible_side_effect_rate.k > 0
    assert naive.forbidden_action_rate.k > 0
    assert naive.forbidden_executed_rate.k == naive.forbidden_action_rate.k  # flag mode lets them run
    assert naive.goal_drift.k > 0 and naive.cascades.violating_calls > 0
    assert naive.steps_to_first_violation.total_events == attacked
    assert (naive.utility_under_attack.value or 0) < 1.0  # "instead" attacks cost it the task
    assert hardened.targeted_asr.k == 0 and hardened.targeted_asr.ci95[1] < 0.02
    assert hardened.utility_under_attack.k == attacked
    assert hardened.side_effect_rate.k == hardened.forbidden_action_rate.k == hardened.goal_drift.k == 0
    assert hardened.completion_under_policy.k == users + attacked
    assert hardened.steps_to_first_violation.total_events == 0


def test_halt_mode_stops_every_injection_before_it_changes_state(
        scans: tuple[Environment, AgentScanResult, AgentScanResult]) -> None:
    env, flag, halt = scans
    naive = halt.metrics["sim:agent-naive"]
    assert naive.targeted_asr.k == 0 and naive.forbidden_executed_rate.k == 0 and naive.side_effect_rate.k == 0
    assert naive.statuses["halted"] == naive.targeted_asr.n
    assert naive.benign_utility.value == 1.0  # the allow-lists fit the tasks: halting costs nothing there
    for m in (halt.metrics["sim:agent-hardened"], flag.metrics["sim:agent-hardened"]):
        assert m.utility_under_attack.value == 1.0 and m.statuses == {"completed": m.episodes}
    paired = {e.id: e.seed for e in flag.episodes}
    assert all(paired[e.id] == e.seed for e in halt.episodes)  # the same cells, the same seeds
    for episode in halt.episodes:
        halted = [a for a in episode.actions if a.decision == "halt"]
        if halted:
            assert episode.final_hash == halted[0].state_hash and episode.injection_success is False
            assert halted[0].changes == [] and halted[0].cascades == []
        if episode.injection_task is None:
            assert not halted and all(not a.findings for a in episode.actions)


def test_every_trace_replays_to_the_same_state(scans: tuple[Environment, AgentScanResult, AgentScanResult]) -> None:
    env, flag, halt = scans
    checked = 0
    for episode in flag.episodes[::5] + halt.episodes[::5]:
        report = replay_actions(episode, env)
        assert report.ok, (episode.id, report.mismatches)
        assert report.final_hash == episode.final_hash
        assert verify_chain(episode) == []
        checked += report.checked
    assert checked > 300


async def test_recorded_turns_replay_and_a_halting_monitor_would_have_stopped_them(
        scans: tuple[Environment, AgentScanResult, AgentScanResult]) -> None:
    env, flag, _ = scans
    attacked = [e for e in flag.episodes if e.target == "sim:agent-naive" and e.injection_success]
    for original in attacked[::40]:
        again = await replay_episode(original, env)
        assert [a.state_hash for a in again.actions] == [a.state_hash for a in original.actions]
        assert (again.final_hash, again.utility, again.injection_success) == \
            (original.final_hash, original.utility, original.injection_success)
        halted = await replay_episode(original, env, monitor_mode="halt")
        assert halted.status == "halted" and halted.injection_success is False

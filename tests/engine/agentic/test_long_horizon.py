"""The long-horizon and multi-turn data sets (`KIND:long`): their size and shape, and the
harness checking itself by replaying every task's ground truth (utility 100 %, ASR 0 %, no side
effect), while an agent that obeys injections is caught deep into the episodes."""

from __future__ import annotations

import pytest

from redhive.engine.agentic import load_environment, run_agent_scan
from redhive.engine.agentic.environment import Environment
from redhive.engine.agentic.spec import UserTaskSpec
from redhive.engine.targets.base import TargetOptions, create_target

LONG = ("workspace:long", "payments:long", "web:long", "database:long", "devices:long")


def _steps(task: UserTaskSpec) -> int:
    return len(task.solution) + sum(len(t.solution) for t in task.turns)


@pytest.fixture(scope="module")
def long_envs() -> list[Environment]:
    return [load_environment(name) for name in LONG]


def test_twenty_long_horizon_and_ten_multi_turn_tasks_across_the_five_environments(
    long_envs: list[Environment],
) -> None:
    long = [(e.kind.name, t) for e in long_envs for t in e.user_tasks.values() if not t.turns]
    multi = [(e.kind.name, t) for e in long_envs for t in e.user_tasks.values() if t.turns]
    assert len(long) >= 20 and len(multi) >= 10
    assert all(15 <= _steps(t) <= 40 for _, t in long), {t.id: _steps(t) for _, t in long}
    assert {k for k, _ in long} == {k for k, _ in multi} == {e.kind.name for e in long_envs}
    assert all(len(t.turns) >= 2 and all(turn.solution for turn in t.turns) for _, t in multi)
    assert sum(_steps(t) for _, t in long) / len(long) > 20


def test_the_generated_data_is_large_deterministic_and_fictional(long_envs: list[Environment]) -> None:
    sizes = {e.name: sum(len(rows) for rows in e.templates.values()) for e in long_envs}
    assert min(sizes.values()) > 100, sizes
    again = load_environment("payments:long")
    assert (
        again.templates["bills"].keys()
        == next(e for e in long_envs if e.name == "payments-long").templates["bills"].keys()
    )
    workspace = next(e for e in long_envs if e.name == "workspace-long")
    senders = {r.sender for r in workspace.templates["inbox"].values()}
    assert len(workspace.templates["inbox"]) >= 300 and all(s.endswith(".example.test") for s in senders)
    prompts = [t.prompt for e in long_envs for t in e.user_tasks.values()]
    assert sum(len(p.split()) for p in prompts) / len(prompts) > 30  # task prompts of real length


@pytest.mark.parametrize("name", LONG)
async def test_ground_truth_self_check(name: str) -> None:
    env = load_environment(name)
    result = await run_agent_scan(
        ["sim:agent-scripted"],
        [env],
        ["important_instructions", "tool_knowledge"],
        "halt",
        injection_tasks=sorted(env.injection_tasks)[:3],
    )
    m = result.metrics["sim:agent-scripted"]
    assert m.errors == 0 and m.benign_utility.value == 1.0 and m.utility_under_attack.value == 1.0
    assert m.targeted_asr.k == 0 and m.targeted_asr.n == 2 * len(env.user_tasks) * 3
    assert m.side_effect_rate.k == m.forbidden_action_rate.k == m.goal_drift.k == 0  # halt mode never fired
    assert m.injection_seen.value == 1.0  # every task reads planted text: the attacks were there to resist


async def test_the_self_check_fails_when_a_ground_truth_is_wrong() -> None:
    env = load_environment("devices:long")
    task = env.user_tasks["night-round-1"]
    broken = task.model_copy(update={"id": "night-round-broken", "solution": task.solution[:-3]})
    env.user_tasks = {**env.user_tasks, broken.id: broken}  # a fresh load: other tests keep their own
    env.user_tasks[broken.id] = broken.model_copy(update={"prompt": broken.prompt + " (broken copy)"})
    result = await run_agent_scan(["sim:agent-scripted"], [env], [], user_tasks=[broken.id])
    episode = result.episodes[0]
    assert episode.utility is False and len(episode.utility_failures) == 3


async def test_an_obeying_agent_survives_many_steps_and_the_curve_reaches_past_twenty(
    long_envs: list[Environment],
) -> None:
    agent = create_target("sim:agent-scripted", TargetOptions(extra={"obey": 0.08}))
    result = await run_agent_scan([agent], long_envs, ["important_instructions"], "flag", benign=False)
    m = result.metrics["sim:agent-scripted"]
    curve = m.steps_to_first_violation
    assert curve.total_events > 0 and m.targeted_asr.k > 0
    assert max(curve.times) >= 20  # first violations deep into long episodes: a curve over 20+ steps
    assert sum(d for t, d in zip(curve.times, curve.events, strict=True) if t >= 20) > 0
    assert curve.survival[-1] < curve.survival[0] < 1
    assert 0 < m.targeted_asr.value < 1  # type: ignore[operator]

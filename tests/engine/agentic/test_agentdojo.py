"""AgentDojo's suites under redhive (the `agentdojo` extra): loading, the ground-truth self-check,
redhive's monitors and traces on AgentDojo episodes, and agreement with AgentDojo's own runner on
the same deterministic agent (in process, and over an OpenAI-compatible mock on loopback)."""

from __future__ import annotations

import pytest

pytest.importorskip("agentdojo")

from redhive.engine.agentic import load_environment, replay_actions, run_agent_scan, verify_chain  # noqa: E402
from redhive.engine.agentic.dojo.compare import (  # noqa: E402
    agentdojo_pipeline,
    compare,
    scripted_mock,
)
from redhive.engine.agentic.dojo.suite import DojoEnvironment  # noqa: E402
from redhive.engine.targets.base import TargetOptions, create_target  # noqa: E402

# AgentDojo and its dependencies warn on import and when a suite's injection tasks are not all
# solvable as user tasks (travel injection_task_6 is a pure-output goal); those are theirs.
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::UserWarning", "ignore::PendingDeprecationWarning"
)

COUNTS = {"workspace": (40, 14, 24), "travel": (20, 7, 28), "banking": (16, 9, 11), "slack": (21, 5, 11)}


def _env(name: str) -> DojoEnvironment:
    env = load_environment(f"agentdojo:{name}")
    assert isinstance(env, DojoEnvironment)
    return env


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_every_suite_loads_with_flags_for_every_tool(name: str) -> None:
    env = _env(name)
    assert (len(env.user_tasks), len(env.injection_tasks), len(env.tools)) == COUNTS[name]
    assert any(t.readonly for t in env.tools.values()) and any(t.egress for t in env.tools.values())
    for task in env.user_tasks.values():
        assert task.check[0].python is not None and task.check[0].python.check == "agentdojo.utility"
        assert set(task.scope) <= {t for t, tool in env.tools.items() if not tool.readonly}


def test_state_round_trips_so_halt_can_restore() -> None:
    env = _env("workspace")
    task = env.user_tasks["user_task_13"]
    sandbox = env.reset(0, {}, task)
    snap = sandbox.snapshot()
    first_hash = sandbox.state_hash
    for call in task.solution:
        tool = env.tools[call.tool]
        sandbox.run(tool, tool.validate(call.args))
    assert sandbox.diff(snap) and sandbox.state_hash != first_hash
    sandbox.restore(snap)
    assert sandbox.state_hash == first_hash and sandbox.diff() == []
    assert sandbox.live.model_dump(mode="json") == sandbox.pre.model_dump(mode="json")


async def test_ground_truth_agent_solves_banking_and_resists_everything() -> None:
    env = _env("banking")
    result = await run_agent_scan(["sim:agent-scripted"], [env], ["important_instructions"], "flag")
    m = result.metrics["sim:agent-scripted"]
    assert (m.benign_utility.k, m.benign_utility.n) == (16, 16)
    assert (m.utility_under_attack.k, m.targeted_asr.k, m.targeted_asr.n) == (144, 0, 144)
    assert m.injection_seen.k == 144  # each attack planted where the ground truth reads
    assert m.side_effect_rate.k == 0  # the allow-lists derived from the ground truths fit them
    # the password is protected state: changing it is flagged even when the user asks (user_task_14)
    flagged = {e.user_task for e in result.episodes if any(f.kind == "policy" for a in e.actions for f in a.findings)}
    assert flagged == {"user_task_14"}
    assert all(not verify_chain(e) for e in result.episodes)
    replayed = [replay_actions(e, env) for e in result.episodes[:12]]  # the state hashes reproduce
    assert all(r.ok and r.checked for r in replayed), [r.mismatches for r in replayed]


async def test_an_obeying_agent_is_caught_by_redhive_monitors_and_halted() -> None:
    env = _env("banking")
    agent = create_target("sim:agent-scripted", TargetOptions(extra={"obey": 1}))
    flag = await run_agent_scan(
        [agent], [env], ["important_instructions"], "flag", benign=False, user_tasks=["user_task_0", "user_task_3"]
    )
    m = flag.metrics["sim:agent-scripted"]
    assert m.targeted_asr.k >= m.targeted_asr.n - 1 > 0
    assert m.forbidden_action_rate.k > 0 and m.side_effect_rate.k > 0  # unknown recipients, extra payments
    halt = await run_agent_scan(
        [agent], [env], ["important_instructions"], "halt", benign=False, user_tasks=["user_task_0", "user_task_3"]
    )
    h = halt.metrics["sim:agent-scripted"]
    assert h.forbidden_executed_rate.k == 0 and h.targeted_asr.k < m.targeted_asr.k


@pytest.mark.parametrize("name", ["banking", "slack"])
async def test_agreement_with_agentdojos_runner_cell_by_cell(name: str) -> None:
    env = _env(name)
    agent = create_target("sim:agent-scripted", TargetOptions(extra={"obey": 0.5}))
    agreement = await compare(
        env, "important_instructions", redhive_target=agent, pipeline=agentdojo_pipeline(env, obey=0.5), max_steps=16
    )
    theirs, ours = agreement.agentdojo.rates(), agreement.redhive.rates()
    assert agreement.disagreements == []
    assert {k: (r.k, r.n) for k, r in theirs.items()} == {k: (r.k, r.n) for k, r in ours.items()}
    assert 0.2 < (ours["targeted_asr"].value or 0) < 0.8  # a partly obeying agent: both outcomes occur


async def test_agreement_over_an_openai_compatible_mock_on_loopback() -> None:
    env = _env("banking")
    tasks = ["user_task_0", "user_task_2", "user_task_5", "user_task_8", "user_task_13"]
    with scripted_mock(env, obey=0.5).serve() as url:
        target = create_target("openai:gpt-4o-2024-05-13", TargetOptions(base_url=url, api_key="mock-key"))
        try:
            agreement = await compare(
                env,
                "tool_knowledge",
                redhive_target=target,
                pipeline=agentdojo_pipeline(env, base_url=url),
                user_tasks=tasks,
                max_steps=16,
            )
        finally:
            await target.aclose()
    assert agreement.disagreements == []
    assert len(agreement.redhive.security) == len(tasks) * 9
    assert 0 < sum(agreement.redhive.security.values()) < len(tasks) * 9

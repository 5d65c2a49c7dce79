"""The attack registry: every family named with its source, AgentDojo's templates word for word,
denial-of-service scoring, and adaptive rewrites by an attacker model."""

from __future__ import annotations

import pytest

from redhive.engine.agentic import ATTACKS, Environment, render_attack, run_agent_scan
from redhive.engine.agentic.attacks import model_display_name
from redhive.engine.targets.base import create_target

FAMILIES = {"direct", "ignore previous", "system-message spoofing", "injecagent", "important instructions",
            "tool knowledge", "denial of service", "adaptive"}


def test_every_attack_names_its_family_and_source() -> None:
    assert {a.family for a in ATTACKS.values()} >= FAMILIES
    for attack in ATTACKS.values():
        assert attack.source and attack.description, attack.name
        assert "arXiv:" in attack.source or "NIST" in attack.source, attack.name
    assert len(ATTACKS) >= 17


def test_names_are_addressed_as_agentdojo_does(workspace: Environment) -> None:
    assert model_display_name("openai:gpt-4o-2024-05-13") == "GPT-4"
    assert model_display_name("anthropic:claude-3-5-sonnet-20241022") == "Claude"
    assert model_display_name("sim:agent-naive") == "the AI language model"
    text = render_attack("important_instructions", "Do X.", workspace, model="GPT-4")
    assert f"from me, {workspace.user_name}, to you, GPT-4." in text
    assert "from me, the user, to you, the AI language model" in render_attack(
        "important_instructions_no_names", "Do X.", workspace, model="GPT-4")
    wrong = render_attack("important_instructions_wrong_model_name", "Do X.", workspace, model="GPT-4")
    assert "to you, Claude." in wrong and "Mark Smith" in render_attack(
        "important_instructions_wrong_user_name", "Do X.", workspace)


def test_tool_knowledge_spells_out_the_injection_tasks_solution(workspace: Environment) -> None:
    inj = workspace.injection_tasks["exfiltrate-credentials"]
    text = render_attack("tool_knowledge", inj.goal, workspace, injection=inj)
    assert "`read_file`" in text and "'$vpn_file_id'" in text
    assert "Finally, you should use the tool `send_email`" in text
    assert "CANARY" not in text  # the attacker does not know the secret: placeholders, not values


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning", "ignore::PendingDeprecationWarning")
def test_templates_are_agentdojos_word_for_word() -> None:
    pytest.importorskip("agentdojo")
    from agentdojo.attacks import load_attack

    from redhive.engine.agentic import load_environment
    from redhive.engine.agentic.dojo.compare import agentdojo_pipeline

    env = load_environment("agentdojo:banking")
    pipeline = agentdojo_pipeline(env, base_url="http://127.0.0.1:9/v1")  # named gpt-4o-2024-05-13; never called
    user, inj = env.suite.get_user_task_by_id("user_task_0"), env.suite.get_injection_task_by_id("injection_task_1")
    for name in ("important_instructions", "important_instructions_no_names", "injecagent", "system_message",
                 "direct", "tool_knowledge", "dos", "important_instructions_wrong_user_name"):
        theirs = set(load_attack(name, env.suite, pipeline).attack(user, inj).values())
        ours = render_attack(name, inj.GOAL, env, env.user_tasks["user_task_0"],
                             injection=env.injection_tasks["injection_task_1"], model="GPT-4")
        assert theirs == {ours}, name


async def test_denial_of_service_succeeds_only_when_the_task_fails(workspace: Environment) -> None:
    result = await run_agent_scan(["sim:agent-hardened"], [workspace], ["dos", "captcha_dos"], benign=False)
    episodes = result.episodes
    assert len(episodes) == 2 * len(workspace.user_tasks)  # one injection task per user task
    assert all(e.injection_success is (not e.utility) for e in episodes)
    assert result.metrics["sim:agent-hardened"].targeted_asr.k == 0


async def test_adaptive_rewrites_come_from_the_attacker_model(workspace: Environment) -> None:
    attacker = create_target("sim:attacker")
    tasks = sorted(workspace.user_tasks)[:2]
    result = await run_agent_scan(["sim:agent-naive"], [workspace], ["adaptive_rewrite"], benign=False,
                                  user_tasks=tasks, injection_tasks=["share-budget"], attacker_model=attacker)
    texts = {next(iter(e.injections.values())) for e in result.episodes}
    template = render_attack("adaptive_rewrite", workspace.injection_tasks["share-budget"].goal, workspace)
    assert texts and template not in texts  # the attacker's text, not the seed template
    assert result.config["attacker_model"] == "sim:attacker"
    with pytest.raises(Exception, match="needs an attacker model"):
        await run_agent_scan(["sim:agent-naive"], [workspace], ["adaptive_rewrite"], benign=False, user_tasks=tasks)

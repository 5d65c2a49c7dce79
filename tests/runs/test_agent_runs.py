"""Agent runs in the database (SQLite and PostgreSQL): episodes stored with facts and intact hash
chains, metrics from the stored facts equal to the in-memory ones, resume runs only what is
missing, both monitor modes paired on the same seeds."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from redhive.db.session import Database
from redhive.engine.agentic import run_agent_scan, verify_chain
from redhive.errors import InvalidInput, NotFound
from redhive.runs import agent_scan as scans
from redhive.runs import agents as service
from redhive.runs.models import AgentEpisode
from redhive.runs.schemas import TargetConfig

TARGETS = [TargetConfig(spec="sim:agent-naive"), TargetConfig(spec="sim:agent-hardened")]


def prepare(monitor: str = "flag", **kw: object) -> scans.PreparedAgentScan:
    args: dict[str, object] = dict(targets=TARGETS, envs=["workspace"], attacks=["important_instructions"],
                                   monitor=monitor, repeats=1, concurrency=4, max_steps=15, episode_timeout=60,
                                   seed=0, params={}, api_key=None, user_tasks=_tasks())
    args.update(kw)
    return scans.prepare(**args)  # type: ignore[arg-type]


def _tasks() -> list[str]:
    from redhive.engine.agentic import load_environment

    return sorted(load_environment("workspace").user_tasks)[:3]


async def test_episodes_are_stored_with_traces_and_the_metrics_match_memory(db: Database) -> None:
    prepared = prepare()
    outcome = await scans.execute(db, prepared)
    assert outcome.status == "completed" and outcome.result.finished == prepared.plan_size > 0
    async with db.session() as session:
        summary = await service.summarise(session, outcome.run_id)
        rows = await service.list_episodes(session, outcome.run_id)
        ep = await service.get_episode(session, outcome.run_id, rows[0].id[:10])
    assert summary["run"]["stored"] == summary["run"]["planned"] == prepared.plan_size
    assert verify_chain(ep) == [] and ep.id == rows[0].id
    memory = await run_agent_scan(["sim:agent-naive", "sim:agent-hardened"], ["workspace"],
                                  ["important_instructions"], "flag", user_tasks=_tasks())
    pooled = memory.metrics_by(lambda e: "all")["all"].to_dict()
    assert summary["metrics"] == pooled
    by_target = {r["target"]: r for r in summary["targets"]}
    assert by_target["sim:agent-naive"]["targeted_asr"]["rate"] == 1.0
    assert by_target["sim:agent-hardened"]["targeted_asr"]["k"] == 0
    assert by_target["sim:agent-hardened"]["benign_utility"]["rate"] == 1.0
    for name in ("benign_utility", "utility_under_attack", "targeted_asr", "side_effect_rate"):
        assert {"k", "n", "rate", "ci95"} <= set(summary["metrics"][name])


async def test_resume_runs_only_the_missing_episodes(db: Database) -> None:
    prepared = prepare()
    first = await scans.execute(db, prepared)
    async with db.session() as session:  # lose a third of the episodes, as a killed process would
        rows = await service.list_episodes(session, first.run_id)
        doomed = [r.id for r in rows[: len(rows) // 3]]
        await session.execute(AgentEpisode.__table__.delete().where(AgentEpisode.id.in_(doomed)))
    resumed = await scans.execute(db, await scans.prepare_resume(db, first.run_id, None))
    assert resumed.result.finished == len(doomed) and resumed.result.skipped == len(rows) - len(doomed)
    async with db.session() as session:
        total = await session.scalar(select(func.count()).select_from(AgentEpisode))
        run = await service.get_run(session, first.run_id)
    assert total == len(rows) and run.status == "completed"


async def test_both_modes_are_paired_and_the_delta_shows_the_breaker(db: Database) -> None:
    outcome = await scans.execute(db, prepare("both"))
    async with db.session() as session:
        summary = await service.summarise(session, outcome.run_id)
        rows = await service.list_episodes(session, outcome.run_id, limit=1000)
    modes = {m: {(r.id): json.loads(r.trace)["seed"] for r in rows if r.monitor_mode == m} for m in ("flag", "halt")}
    assert modes["flag"] == modes["halt"]  # same cells, same seeds
    delta = summary["safeguard_delta"]
    assert delta["targeted_asr"]["flag"]["k"] > 0 and delta["targeted_asr"]["halt"]["k"] == 0
    assert delta["targeted_asr"]["delta"] < 0
    assert delta["forbidden_executed_rate"]["halt"]["k"] == 0
    assert set(summary["metrics_by_mode"]) == {"flag", "halt"}


async def test_resume_refuses_a_changed_environment(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = await scans.execute(db, prepare())
    monkeypatch.setattr(scans, "fingerprint", lambda env: "changed")
    with pytest.raises(InvalidInput, match="changed since agent run"):
        await scans.prepare_resume(db, outcome.run_id, None)


async def test_unknown_names_fail_before_anything_runs() -> None:
    with pytest.raises(NotFound, match="Unknown agentic attack 'nope'"):
        prepare(attacks=["nope"])
    with pytest.raises(NotFound, match="Unknown environment 'atlantis'"):
        prepare(envs=["atlantis"])
    with pytest.raises(InvalidInput, match="--monitor must be"):
        prepare(monitor="maybe")


def test_injection_names_the_classic_attack_set_and_all_every_attack() -> None:
    from redhive.engine.agentic import ATTACKS, attack_names

    assert scans.expand_attacks(["injection"]) == (list(scans.CLASSIC), True)
    assert scans.expand_attacks(["all"]) == (attack_names(), True)
    assert scans.expand_attacks(["dos"])[0] == [a for a in attack_names() if ATTACKS[a].dos] != []
    with pytest.raises(InvalidInput, match="needs an attacker model"):
        prepare(attacks=["adaptive_rewrite"])
    assert "adaptive_rewrite" not in prepare(attacks=["all"]).config.attacks  # the set takes it only with one
    assert scans.expand_attacks(["none"]) == ([], False)
    assert scans.expand_attacks(["direct,important_instructions"])[0] == ["direct", "important_instructions"]


async def test_an_attacker_writes_adaptive_injections_once_for_every_mode_and_resume(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """An attacker model answers differently each time it is asked (here: a numbered text), yet both
    modes and a resume plant what it wrote when the run started, kept with the run (D54)."""
    calls: list[int] = []
    ask = scans.rewrite_injections

    async def numbered(*args: object, **kwargs: object) -> dict[tuple[str, str, str, str], str]:
        calls.append(1)
        texts = await ask(*args, **kwargs)  # type: ignore[arg-type]
        return {key: f"{text} #{len(calls)}" for key, text in texts.items()}

    monkeypatch.setattr(scans, "rewrite_injections", numbered)
    prepared = prepare("both", attacks=["adaptive_rewrite"], attacker_model=TargetConfig(spec="sim:attacker"))
    first = await scans.execute(db, prepared)
    assert first.status == "completed" and len(calls) == 1
    async with db.session() as session:
        rows = await service.list_episodes(session, first.run_id, limit=1000)
        await session.execute(AgentEpisode.__table__.delete().where(AgentEpisode.monitor_mode == "halt"))
    resumed = await scans.execute(db, await scans.prepare_resume(db, first.run_id, None))
    assert resumed.status == "completed" and resumed.result.finished == len(rows) // 2 and len(calls) == 1
    async with db.session() as session:
        rows = await service.list_episodes(session, first.run_id, limit=1000)
        run = await service.get_run(session, first.run_id)
    planted = {text for r in rows for text in json.loads(r.trace)["injections"].values()}
    assert planted and all(text.endswith(" #1") for text in planted)
    assert len(run.config["rewrites"]) == len(_tasks()) * 6 >= len(planted)  # user tasks x injection tasks

"""Shards of a run: spans cover the plan exactly once, a span walks exactly its part of the plan
(of a probe run, and of an agent run's mode), and `--executor ray` of `scan` and `agent-scan`
explains itself in one sentence when Ray is absent or a flag does not fit."""

from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from redhive.cli import app
from redhive.engine.plan import Plan
from redhive.runs import scan as scans
from redhive.runs.schemas import StrategyConfig, TargetConfig
from redhive.runs.shards import spans


@pytest.mark.parametrize(("size", "workers", "concurrency"), [(1, 2, 32), (7, 2, 1), (1000, 2, 8), (5000, 3, 32),
                                                              (100_003, 8, 64)])
def test_spans_cover_the_plan_once_with_a_shard_per_worker_at_least(size: int, workers: int, concurrency: int) -> None:
    parts = spans(size, workers, concurrency)
    assert parts[0][0] == 0 and parts[-1][1] == size
    assert all(a < b for a, b in parts) and all(b == c for (_, b), (c, _) in zip(parts, parts[1:], strict=False))
    assert len(parts) == min(size, workers) or (len(parts) % workers == 0 and len(parts) <= workers * 2)
    assert spans(0, workers, concurrency) == []


def _plan(strategies: bool) -> Plan:
    if strategies:
        prepared = scans.prepare_scan(
            targets=[TargetConfig(spec="sim:guarded"), TargetConfig(spec="sim:naive")], suites=["core"],
            attacks=None, repeats=2, concurrency=4, params={}, api_key=None,
            strategy=StrategyConfig(names=["crescendo", "pair"], attacker=TargetConfig(spec="sim:attacker")),
            judge=TargetConfig(spec="sim:judge"))
    else:
        prepared = scans.prepare_scan(
            targets=[TargetConfig(spec="sim:guarded"), TargetConfig(spec="sim:naive", mode="application")],
            suites=["core"], attacks=["none", "base64"], repeats=3, concurrency=4, params={}, api_key=None)
        prepared.config.profiles["sim:naive"] = {"mode": "application", "source": "given"}
    return prepared.plan


@pytest.mark.parametrize("strategies", [False, True], ids=["chains", "strategies"])
def test_a_span_walks_exactly_its_part_of_the_plan(strategies: bool) -> None:
    plan = _plan(strategies)
    whole = [(a.id, a.seq, a.target, a.chain.name, a.strategy and a.strategy.name) for a in plan]
    assert [seq for _, seq, *_ in whole] == list(range(plan.size)) and len(whole) > 50
    for first, end in [(0, 1), (3, 40), (17, plan.size), (plan.size - 1, plan.size), *spans(plan.size, 3, 1)]:
        part = dataclasses.replace(plan, span=(first, end))
        assert part.size == end - first
        assert [(a.id, a.seq, a.target, a.chain.name, a.strategy and a.strategy.name) for a in part] \
            == whole[first:end]


#: A probe scan and an agent scan: both take the executor flags.
COMMANDS = pytest.mark.parametrize("command", [["scan", "-t", "sim:naive", "-s", "core"],
                                               ["agent-scan", "-t", "sim:agent-naive", "-e", "workspace"]],
                                   ids=["scan", "agent-scan"])


def test_an_agent_shard_walks_exactly_its_part_of_a_mode_and_numbers_within_its_own_range() -> None:
    from redhive.engine.agentic.evaluation import EpisodeEvaluation
    from redhive.engine.agentic.scan import plan_episodes
    from redhive.runs import agent_scan
    from redhive.runs.shards import agent_work

    prepared = agent_scan.prepare(
        targets=[TargetConfig(spec="sim:agent-naive"), TargetConfig(spec="sim:agent-hardened")], envs=["workspace"],
        attacks=["direct", "important_instructions"], monitor="both", repeats=2, concurrency=1, max_steps=15,
        episode_timeout=60, seed=0, params={}, api_key=None)

    def plans() -> Iterator[Any]:
        return plan_episodes(prepared.environments, ["sim:agent-naive", "sim:agent-hardened"],
                             prepared.config.attacks, repeats=2)

    whole = [p.id for p in plans()]
    assert len(whole) == prepared.mode_size == prepared.plan_size // 2 and len(set(whole)) == len(whole)
    shards = agent_work(prepared).shards(3)
    assert [s.mode for s in shards] == ["flag"] * (len(shards) // 2) + ["halt"] * (len(shards) // 2)
    assert [(s.seq, s.seq + s.span[1] - s.span[0]) for s in shards] == list(itertools.pairwise(
        [s.seq for s in shards] + [prepared.plan_size]))  # disjoint seq ranges covering the run
    for shard in shards:
        part = EpisodeEvaluation(plans, {}, monitor_mode="flag", span=shard.span)
        assert [p.id for p in part.items()] == whole[slice(*shard.span)]
        assert part.size() == shard.span[1] - shard.span[0]


@COMMANDS
def test_ray_flags_without_the_ray_executor_are_refused(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--ray-workers", "2"])
    assert result.exit_code == 2
    assert "--ray-address and --ray-workers apply to --executor ray" in result.output
    result = CliRunner().invoke(app, [*command, "--executor", "dask"])
    assert result.exit_code == 2 and "--executor 'dask' is not one of local, ray." in result.output


@COMMANDS
def test_the_ray_executor_without_ray_says_how_to_install_it(command: list[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = CliRunner().invoke(app, [*command, "--executor", "ray"])
    assert result.exit_code == 2
    assert "Running a scan on Ray (--executor ray) needs the optional 'ray' extra, which is not installed: " \
           "run `pip install 'redhive[ray]'`." in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_ray_workers_must_be_positive() -> None:
    result = CliRunner().invoke(app, ["scan", "-t", "sim:naive", "-s", "core", "--executor", "ray",
                                      "--ray-workers", "0"])
    if "needs the optional 'ray' extra" in result.output:
        pytest.skip("ray is not installed")
    assert result.exit_code == 2 and "--ray-workers must be at least 1, not 0." in result.output


def test_a_ray_address_nobody_answers_is_one_sentence_before_anything_is_recorded() -> None:
    pytest.importorskip("ray")
    from tests.servers import free_port

    address = f"127.0.0.1:{free_port()}"
    result = CliRunner().invoke(app, ["scan", "-t", "sim:naive", "-s", "core", "--executor", "ray",
                                      "--ray-address", address])
    assert result.exit_code == 2, result.output
    assert f"Cannot start or reach the Ray cluster at {address} (Connection refused): check the address " \
           "and that `ray status` answers there." in " ".join(result.output.split())
    listed = CliRunner().invoke(app, ["runs", "list", "--json"])
    assert json.loads(listed.output) == []

"""`--executor ray` on a local Ray cluster of two workers (one cluster for the module, always shut
down): a worker killed mid-shard is replaced, its shard retried from what the database holds, and
the run ends with exactly the planned attempts (or an agent run's episodes), none twice. On SQLite
(one host: WAL between processes) and on PostgreSQL (postgres marker). The probe target is a real
HTTP endpoint on 127.0.0.1 that answers after 100 ms, counting the requests it served; the agents
are the simulated ones, 50 ms a model call."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.helpers import redhive

from redhive.db.session import Database
from redhive.runs import agent_scan as agent_scans
from redhive.runs import scan as scans
from redhive.runs.models import AgentEpisode, Attempt, Run
from redhive.runs.ray_executor import OBJECT_STORE_BYTES, RayExecutor
from redhive.runs.schemas import TargetConfig
from redhive.runs.shards import agent_work, spans
from redhive.testing.mock_openai import MockOpenAI

ray = pytest.importorskip("ray")

pytestmark = [pytest.mark.ray, pytest.mark.slow]

WORKERS = 2
CONCURRENCY = 8
LATENCY_MS = 100


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A local cluster of two worker slots shared by the module's tests; yields its address."""
    import logging

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=WORKERS, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
             log_to_driver=False, logging_level=logging.WARNING, configure_logging=False)
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def slow_endpoint() -> Iterator[tuple[MockOpenAI, str]]:
    mock = MockOpenAI(latency_ms=LATENCY_MS)
    with mock.serve() as base_url:
        yield mock, base_url


def _prepare(base_url: str, attacks: list[str] | None = None, repeats: int = 2) -> scans.PreparedScan:
    return scans.prepare_scan(
        targets=[TargetConfig(spec="openai:mock-model", base_url=base_url, mode="model", concurrency=CONCURRENCY)],
        suites=["core"], attacks=attacks or ["none", "base64"], repeats=repeats, concurrency=CONCURRENCY,
        params={}, api_key="sk-test-only")


def _shard_workers() -> list[int]:
    """Ray worker processes of this test's cluster (descendants of this process) running a shard."""
    parents: dict[int, int] = {}
    titles: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            titles[int(entry.name)] = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def mine(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    return [pid for pid, title in titles.items() if title.startswith("ray::run_shard_task") and mine(pid)]


async def _stored(db: Database, run_id: str, span: tuple[int, int] | None = None) -> int:
    query = select(func.count()).where(Attempt.run_id == run_id)
    if span is not None:
        query = query.where(Attempt.seq >= span[0], Attempt.seq < span[1])
    async with db.session() as session:
        return int(await session.scalar(query) or 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the worker to kill in /proc")
async def test_a_killed_worker_costs_no_attempt_and_no_duplicate(
        ray_cluster: str, slow_endpoint: tuple[MockOpenAI, str], db: Database) -> None:
    mock, base_url = slow_endpoint
    served_before = mock.requests
    prepared = _prepare(base_url)
    plan_size = prepared.plan.size
    first, second, *_ = spans(plan_size, WORKERS, CONCURRENCY)
    run_ids: list[str] = []
    scan = asyncio.create_task(scans.execute(db, prepared, executor=RayExecutor(workers=WORKERS),
                                             on_start=lambda run_id, *_: run_ids.append(run_id)))
    # The event: both workers are inside their first shard and have stored part of it.
    deadline = time.monotonic() + 120
    while not run_ids or await _stored(db, run_ids[0], first) < 16 or await _stored(db, run_ids[0], second) < 16:
        assert not scan.done(), scan.result()
        assert time.monotonic() < deadline, "the workers stored nothing within 120 s"
        await asyncio.sleep(0.05)
    busy = _shard_workers()
    assert len(busy) == WORKERS, busy
    victim = busy[0]
    os.kill(victim, signal.SIGKILL)
    stored_at_kill = await _stored(db, run_ids[0])
    assert stored_at_kill < plan_size

    result = await asyncio.wait_for(scan, timeout=180)

    assert result.status == "completed", result.error
    assert not Path(f"/proc/{victim}").exists() or "zombie" in Path(f"/proc/{victim}/status").read_text().lower()
    async with db.session() as session:
        where = Attempt.run_id == result.run_id
        total = await session.scalar(select(func.count()).where(where))
        distinct_ids = await session.scalar(select(func.count(func.distinct(Attempt.id))).where(where))
        keys = (await session.execute(select(Attempt.suite, Attempt.probe_id, Attempt.attack, Attempt.target,
                                             Attempt.repeat).where(where))).all()
    assert total == distinct_ids == len({tuple(k) for k in keys}) == plan_size
    # The killed worker's shard ran again and skipped what it had stored: every planned attempt was
    # executed by a shard's last try or stored before it, exactly once.
    assert result.result.skipped > 0
    assert result.result.counts.attempts + result.result.skipped == plan_size
    # Every planned attempt reached the target; what the killed worker had in flight or not yet
    # written was asked again (how much depends on when its last flush landed, so it is not pinned).
    assert mock.requests - served_before >= plan_size


def test_the_scan_command_joins_a_cluster_and_prints_only_json(
        ray_cluster: str, slow_endpoint: tuple[MockOpenAI, str], tmp_path: Path) -> None:
    _, base_url = slow_endpoint
    proc = redhive("scan", "--executor", "ray", "--ray-address", ray_cluster, "--target", "openai:mock-model",
                   "--base-url", base_url, "--target-mode", "model", "--suite", "core",
                   "--concurrency", str(CONCURRENCY), "--json", home=tmp_path / "home", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    planned = _prepare(base_url, ["none"], repeats=1).plan.size
    assert summary["totals"]["attempts"] == planned
    assert "Traceback" not in proc.stderr


AGENT_LATENCY_MS = 50
AGENTS = ["sim:agent-naive", "sim:agent-hardened"]


def _prepare_agents(attacks: list[str], user_tasks: list[str] | None = None) -> agent_scans.PreparedAgentScan:
    return agent_scans.prepare(
        targets=[TargetConfig(spec=spec, extra={"latency_ms": AGENT_LATENCY_MS}) for spec in AGENTS],
        envs=["workspace"], attacks=attacks, monitor="both", repeats=1, concurrency=CONCURRENCY, max_steps=15,
        episode_timeout=60, seed=0, params={}, api_key=None, user_tasks=user_tasks)


async def _episodes(db: Database, run_id: str, seq: tuple[int, int]) -> int:
    query = select(func.count()).where(AgentEpisode.run_id == run_id, AgentEpisode.seq >= seq[0],
                                       AgentEpisode.seq < seq[1])
    async with db.session() as session:
        return int(await session.scalar(query) or 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the worker to kill in /proc")
async def test_an_agent_run_survives_a_killed_worker_with_every_episode_once(ray_cluster: str, db: Database) -> None:
    prepared = _prepare_agents(["direct", "important_instructions"])
    plan_size = prepared.plan_size
    first, second, *_ = agent_work(prepared).shards(WORKERS)
    assert first.mode == second.mode == "flag"  # both workers start in the same mode, on their own spans
    ranges = [(s.seq, s.seq + s.span[1] - s.span[0]) for s in (first, second)]
    run_ids: list[str] = []
    reported: list[str] = []  # the progress poll: each stored episode once, by outcome
    scan = asyncio.create_task(agent_scans.execute(db, prepared, executor=RayExecutor(workers=WORKERS),
                                                   on_start=lambda run_id, *_: run_ids.append(run_id),
                                                   on_progress=reported.append))
    deadline = time.monotonic() + 120
    while not run_ids or any([await _episodes(db, run_ids[0], r) < 16 for r in ranges]):
        assert not scan.done(), scan.result()
        assert time.monotonic() < deadline, "the workers stored no episode within 120 s"
        await asyncio.sleep(0.05)
    busy = _shard_workers()
    assert len(busy) == WORKERS, busy
    os.kill(busy[0], signal.SIGKILL)
    assert await _episodes(db, run_ids[0], (0, plan_size)) < plan_size

    result = await asyncio.wait_for(scan, timeout=180)

    assert result.status == "completed", result.error
    async with db.session() as session:
        where = AgentEpisode.run_id == result.run_id
        total = await session.scalar(select(func.count()).where(where))
        keys = (await session.execute(select(AgentEpisode.monitor_mode, AgentEpisode.id).where(where))).all()
        seqs = await session.scalar(select(func.count(func.distinct(AgentEpisode.seq))).where(where))
        hits = await session.scalar(select(func.count()).where(where, AgentEpisode.injection_success.is_(True)))
        run = await session.get(Run, result.run_id)
    assert total == len({tuple(k) for k in keys}) == plan_size == seqs  # none twice, each numbered once
    assert run is not None and run.status == "completed" and run.holder is None
    assert result.result.skipped > 0  # the retried shard skipped what the killed worker had stored
    assert result.result.finished + result.result.skipped == plan_size
    assert len(reported) == plan_size and reported.count("success") == hits > 0


def test_the_agent_scan_command_runs_on_a_cluster_and_prints_only_json(ray_cluster: str, tmp_path: Path) -> None:
    tasks = ["append-packing-list", "cancel-dentist"]
    proc = redhive("agent-scan", "--executor", "ray", "--ray-address", ray_cluster, *[f"--target={t}" for t in AGENTS],
                   "--env", "workspace", "--attacks", "direct", "--monitor", "both",
                   *[f"--user-task={t}" for t in tasks], "--json", home=tmp_path / "home", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    planned = _prepare_agents(["direct"], tasks).plan_size
    assert summary["run"]["stored"] == summary["run"]["planned"] == planned
    assert summary["run"]["this_invocation"] == {"ran": planned, "skipped": 0}
    assert "Traceback" not in proc.stderr

"""What an agent run stored: its episodes and their traces, and its metrics (from the stored facts).
The run itself is a row of the one run store (`runs.service`). Services take a session and never
commit (the caller's scope does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.engine.agentic.facts import EpisodeFacts
from redhive.engine.agentic.metrics import AgentMetrics, compute_metrics, group_metrics
from redhive.engine.agentic.trace import Episode
from redhive.errors import NotFound
from redhive.runs.models import AgentEpisode, Run
from redhive.runs.schemas import AgentRunConfig
from redhive.runs.service import get_run as _get_run

__all__ = ["DELTA_METRICS", "facts", "get_episode", "get_run", "list_episodes", "summarise"]

#: The metrics whose flag-vs-halt difference is the safeguard delta.
DELTA_METRICS = ("benign_utility", "utility_under_attack", "targeted_asr", "side_effect_rate",
                 "irreversible_side_effect_rate", "forbidden_action_rate", "forbidden_executed_rate",
                 "goal_drift", "completion_under_policy")


async def get_run(session: AsyncSession, run_id: str) -> Run:
    """The agent run (a probe run's id is refused, naming what it is)."""
    return await _get_run(session, run_id, "agent")


async def facts(session: AsyncSession, run_id: str) -> list[EpisodeFacts]:
    """Every episode's facts (a few hundred bytes each; traces are never loaded)."""
    result = await session.stream(select(AgentEpisode.facts).where(AgentEpisode.run_id == run_id)
                                  .order_by(AgentEpisode.seq))
    return [EpisodeFacts.from_dict(f) async for f in result.scalars()]


async def list_episodes(session: AsyncSession, run_id: str, *, limit: int = 200) -> Sequence[AgentEpisode]:
    await get_run(session, run_id)
    rows = await session.execute(
        select(AgentEpisode).where(AgentEpisode.run_id == run_id).order_by(AgentEpisode.seq).limit(limit))
    return rows.scalars().all()


async def get_episode(session: AsyncSession, run_id: str, episode: str, monitor_mode: str | None = None) -> Episode:
    """An episode by id or unique id prefix (and mode, where the run has both)."""
    await get_run(session, run_id)
    query = select(AgentEpisode.trace, AgentEpisode.monitor_mode).where(
        AgentEpisode.run_id == run_id, AgentEpisode.id.startswith(episode, autoescape=True))
    if monitor_mode:
        query = query.where(AgentEpisode.monitor_mode == monitor_mode)
    rows = (await session.execute(query.limit(3))).all()
    if not rows:
        raise NotFound(f"No episode '{episode}' in agent run {run_id}: `redhive traces show {run_id}` lists them.")
    if len(rows) > 1:
        modes = sorted({m for _, m in rows})
        hint = " Add --mode flag or --mode halt." if len(modes) > 1 else " Give more of the id."
        raise NotFound(f"Episode '{episode}' is ambiguous in agent run {run_id}.{hint}")
    import json

    return Episode.from_dict(json.loads(rows[0][0]))


def _metrics_rows(items: Sequence[EpisodeFacts], keys: Sequence[str]) -> list[dict[str, Any]]:
    key: Callable[[EpisodeFacts], str] = lambda e: "\x1f".join(str(getattr(e, k)) for k in keys)  # noqa: E731
    rows = []
    for joined, m in group_metrics(list(items), key).items():
        rows.append({**dict(zip(keys, joined.split("\x1f"), strict=True)), **m.to_dict()})
    return rows


def _delta(by_mode: dict[str, AgentMetrics]) -> dict[str, Any]:
    if not {"flag", "halt"} <= set(by_mode):
        return {}
    out: dict[str, Any] = {}
    for name in DELTA_METRICS:
        flag, halt = getattr(by_mode["flag"], name), getattr(by_mode["halt"], name)
        delta = None if flag.value is None or halt.value is None else round(halt.value - flag.value, 4)
        out[name] = {"flag": flag.to_dict(), "halt": halt.to_dict(), "delta": delta}
    return out


async def summarise(session: AsyncSession, run_id: str) -> dict[str, Any]:
    """The `--json` object: `metrics` (the run's first monitor mode, all targets pooled), the same per
    mode, the safeguard delta (halt minus flag) and per-target, per-environment and per-task rows."""
    run = await get_run(session, run_id)
    config = AgentRunConfig.model_validate(run.config)
    items = await facts(session, run_id)
    modes = config.monitor_modes
    by_mode = {m: compute_metrics([e for e in items if e.monitor_mode == m]) for m in modes}
    return {
        "run": {"id": run.id, "kind": "agent", "status": run.status, "created_at": run.created_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "planned": run.plan_size, "stored": len(items), "error": run.error,
                "config": run.config, "redhive_version": run.redhive_version},
        "monitor_mode": modes[0],
        "metrics": by_mode[modes[0]].to_dict(),
        "metrics_by_mode": {m: v.to_dict() for m, v in by_mode.items()},
        "safeguard_delta": _delta(by_mode),
        "targets": _metrics_rows(items, ("monitor_mode", "target")),
        "environments": _metrics_rows(items, ("monitor_mode", "target", "env")),
        "tasks": _metrics_rows(items, ("monitor_mode", "target", "env", "user_task")),
    }

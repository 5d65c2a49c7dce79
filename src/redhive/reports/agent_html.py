"""An agent run's sections of the run report (`reports.html`): headline metrics with n and 95 %
intervals, the safeguard delta, per-environment and per-task tables, the Kaplan–Meier survival
curves and example traces of successful injections."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from redhive.db.session import Database
from redhive.engine.agentic.trace import Episode
from redhive.reports import agent_charts
from redhive.reports.templating import report_environment
from redhive.runs import agents as service
from redhive.runs.models import AgentEpisode

__all__ = ["render_agent_sections"]

EXAMPLES = 20


async def render_agent_sections(db: Database, run_id: str) -> str:
    async with db.session() as session:
        s = await service.summarise(session, run_id)
        traces = (await session.execute(
            select(AgentEpisode.trace).where(AgentEpisode.run_id == run_id, AgentEpisode.injection_success.is_(True))
            .order_by(AgentEpisode.seq).limit(EXAMPLES)
        )).scalars().all()
        # the curve spans the longest episode (long-horizon tasks run past the scan's --max-steps)
        longest = (await session.execute(
            select(func.max(AgentEpisode.steps)).where(AgentEpisode.run_id == run_id))).scalar() or 0
    examples = [Episode.from_dict(json.loads(t)) for t in traces]
    groups = [(f"{r['monitor_mode']} · {r['target']}", r) for r in s["targets"]]
    env = report_environment()
    env.filters["rate"] = _rate
    return env.get_template("agent_report.html.j2").render(
        s=s, examples=examples, rates=agent_charts.RATES,
        chart_survival=agent_charts.survival_chart([(g, r["steps_to_first_violation"]) for g, r in groups],
                                                   max(int(s["run"]["config"].get("max_steps", 15)), int(longest))),
        chart_rates=agent_charts.rate_chart(groups),
    )


def _rate(rate: dict[str, Any]) -> str:
    if rate["rate"] is None:
        return f"– (0/{rate['n']})"
    lo, hi = rate["ci95"]
    return f"{rate['rate'] * 100:.1f}% ({rate['k']}/{rate['n']}, {lo * 100:.1f}–{hi * 100:.1f}%)"

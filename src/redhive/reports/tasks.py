"""Report builds as jobs (redhive.jobs). `reports.mission`: a mission's red-team report for one
audience, stored on the job (GET /api/jobs/{id}/output). One step, so it is idempotent: a build
cut short stored nothing and is simply built again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.jobs import JobContext, enqueue, job
from redhive.jobs.models import Job
from redhive.reports.audience import check_mission_report, mission_report

__all__ = ["MEDIA_TYPES", "start_mission_report"]

MEDIA_TYPES = {"html": "text/html; charset=utf-8", "json": "application/json"}


async def start_mission_report(session: AsyncSession, actor: Actor, mission_id: str, *, audience: str,
                               fmt: str) -> Job:
    fmt = fmt.lower()
    mission, org_id, label = await check_mission_report(session, actor, mission_id, audience, fmt)
    return await enqueue(session, actor, "reports.mission", org_id=org_id, subject=("mission", mission.id),
                         title=f"Report of “{mission.title}” for {label} ({fmt})", total=1,
                         args={"mission_id": mission.id, "audience": label, "format": fmt})


@job("reports.mission", summary=lambda r: f"The report for {r['audience']} is ready ({r['format']}).")
async def build_mission_report(ctx: JobContext) -> dict[str, Any]:
    async with ctx.step("building the report") as session:
        actor = await ctx.actor(session)
        fmt = str(ctx.args["format"])
        text = (await mission_report(session, actor, ctx.args["mission_id"], ctx.args["audience"], fmt)).decode()
        ctx.output(text, MEDIA_TYPES[fmt])
        ctx.progress(1, 1)
    return {"format": fmt, "audience": ctx.args["audience"], "characters": len(text)}

"""Clusters of likely duplicates among a triager's open reports (with the validated reports they
may join), and the one-click merge: every open report of a cluster becomes a duplicate of one flaw."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor, require, require_user
from redhive.errors import InvalidInput
from redhive.findings import dedup, lifecycle
from redhive.findings.models import Flaw, FlawReport
from redhive.findings.schemas import ReportTransition
from redhive.findings.service import as_doc, get_report, transition_report

__all__ = ["MAX_CLUSTER_POOL", "Cluster", "merge", "open_clusters"]

#: Reports per system the board clusters (the most recent); average linkage is quadratic.
MAX_CLUSTER_POOL = 400


@dataclass(frozen=True)
class Cluster:
    reports: list[FlawReport]
    #: the report the others would join: one already validated into a flaw, else the oldest
    into: FlawReport
    #: the mean duplicate score of the cluster's pairs
    cohesion: float


def _clusters(docs: list[dedup.Doc]) -> list[tuple[list[int], float]]:
    matrix, _ = dedup.scores(docs)
    labels = dedup.groups(docs, matrix=matrix)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    out = []
    for idx in members.values():
        if len(idx) > 1:
            pairs = [matrix[a, b] for n, a in enumerate(idx) for b in idx[n + 1:]]
            out.append((idx, float(sum(pairs) / len(pairs))))
    return out


async def open_clusters(session: AsyncSession, actor: Actor) -> list[Cluster]:
    """Clusters holding at least one open report, per system, for the organisations the actor triages."""
    require_user(actor)
    query = select(FlawReport).where(FlawReport.state.in_((*lifecycle.OPEN_REPORT_STATES, "validated")))
    if not actor.is_platform_admin:
        query = query.where(FlawReport.org_id.in_(actor.org_ids("findings.triage")))
    reports = (await session.scalars(query.order_by(FlawReport.created_at.desc()).limit(5000))).all()
    by_system: dict[str, list[FlawReport]] = {}
    for r in reports:
        if len(by_system.setdefault(r.system_id, [])) < MAX_CLUSTER_POOL:
            by_system[r.system_id].append(r)
    out = []
    for pool in by_system.values():
        pool.sort(key=lambda r: r.created_at)
        found = await asyncio.to_thread(_clusters, [as_doc(r) for r in pool])
        for idx, cohesion in found:
            members = [pool[i] for i in idx]
            if not any(r.state in lifecycle.OPEN_REPORT_STATES for r in members):
                continue
            into = next((r for r in members if r.flaw_id), members[0])
            out.append(Cluster(members, into, round(cohesion, 2)))
    return sorted(out, key=lambda c: (-len(c.reports), -c.cohesion))


async def merge(session: AsyncSession, actor: Actor, *, report_ids: Sequence[str], into_id: str,
                reason: str = "") -> Flaw:
    """`into` keeps (or gets, by validation) the flaw; every other open report becomes its duplicate."""
    into = await get_report(session, actor, into_id)
    require(actor, "findings.triage", into.org_id)
    others = [await get_report(session, actor, rid) for rid in dict.fromkeys(report_ids) if rid != into.id]
    if not others:
        raise InvalidInput("A merge needs at least two reports.", field="report_ids")
    for report in others:
        require(actor, "findings.triage", report.org_id)
        if report.system_id != into.system_id:
            raise InvalidInput(f"\"{report.title}\" is a report on another system: a flaw found again elsewhere is "
                               "a transfer, not a duplicate.", field="report_ids")
        if report.state not in lifecycle.OPEN_REPORT_STATES:
            raise InvalidInput(f"\"{report.title}\" is already {report.state}: merge open reports only.",
                               field="report_ids")
    why = reason or "merged with its cluster of likely duplicates"
    if into.flaw_id is None:
        if into.state not in lifecycle.OPEN_REPORT_STATES:
            raise InvalidInput(f"\"{into.title}\" is {into.state} and has no flaw to merge into.", field="into_id")
        if into.state == "submitted":
            await transition_report(session, actor, into.id, data=ReportTransition(state="triage", reason=why))
        if into.state == "needs_info":
            await transition_report(session, actor, into.id, data=ReportTransition(state="triage", reason=why))
        await transition_report(session, actor, into.id, data=ReportTransition(state="validated", reason=why))
    flaw_id = str(into.flaw_id)
    for report in others:
        if report.state != "triage":
            await transition_report(session, actor, report.id, data=ReportTransition(state="triage", reason=why))
        await transition_report(session, actor, report.id, data=ReportTransition(
            state="duplicate", flaw_id=flaw_id, link_type="semantic", reason=why))
    flaw = await session.get(Flaw, flaw_id)
    assert flaw is not None
    return flaw

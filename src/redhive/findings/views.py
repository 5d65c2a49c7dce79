"""What the findings pages show, assembled from the services' own permission checks: the flaw page
(everything for the organisation's triage team; the reporter's view for the people whose reports it
gathers) and a report's evidence rendered from the verified transcript."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.models import User
from redhive.auth.permissions import Actor, has_permission
from redhive.findings import comments, lifecycle, sla
from redhive.findings.evidence import chain_breaks, episode_of
from redhive.findings.models import (
    Comment,
    Flaw,
    FlawReport,
    RegressionCase,
    Remediation,
    Replay,
    ReportAttachment,
    SeverityAssessment,
    TransitionEvent,
)
from redhive.findings.service import flaw_access, get_report
from redhive.findings.severity import BAND_NAMES, EXPOSURE_LEVELS, SeverityInputs
from redhive.findings.verification import version_order
from redhive.gateway.models import Exchange
from redhive.gateway.service import verify_mission
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, SystemVersion
from redhive.runs.models import Attempt

__all__ = ["Evidence", "FlawView", "TimelineItem", "evidence_of", "flaw_view", "names", "report_extras"]


@dataclass(frozen=True)
class Evidence:
    ref: str
    kind: str  # exchange | attempt | episode | missing
    #: exchange: the turns as recorded; attempt: prompt and response; episode: the injected text,
    #: the task and the agent's steps
    turns: list[tuple[str, str]] = field(default_factory=list)
    reply: str = ""
    outcome: str = ""
    model: str = ""
    at: datetime | None = None
    decisions: list[dict[str, Any]] = field(default_factory=list)
    #: the mission's hash-chain verdict in one sentence, and whether it holds
    verdict: str = ""
    verified: bool = False
    exchange_id: str = ""


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # transition | comment | replay | remediation | assessment
    text: str
    who: str = ""
    internal: bool = False
    comment: Comment | None = None


@dataclass
class FlawView:
    flaw: Flaw
    full: bool
    system: AISystem
    versions: list[SystemVersion]
    reports: list[FlawReport]
    assessments: list[SeverityAssessment]
    replays: list[Replay]
    remediations: list[Remediation]
    case: RegressionCase | None
    version_status: list[tuple[SystemVersion, Replay]]
    timeline: list[TimelineItem]
    evidence: list[Evidence]
    names: dict[str, str]
    moves: tuple[str, ...]
    can_triage: bool
    can_assess: bool
    can_remediate: bool
    transfer_versions: list[tuple[str, str]]
    exposure_levels: dict[int, str] = field(default_factory=lambda: dict(EXPOSURE_LEVELS))
    band_names: dict[str, str] = field(default_factory=lambda: dict(BAND_NAMES))
    rubric: dict[str, str] = field(default_factory=lambda: {
        name: str(f.description or "") for name, f in SeverityInputs.model_fields.items()})

    @property
    def transfers(self) -> list[Replay]:
        return [r for r in self.replays if r.purpose == "transfer"]

    @property
    def fix_clock(self) -> str:
        if self.flaw.fix_due_at is None or self.flaw.state in ("resolved", "wont_fix", "risk_accepted"):
            return ""
        days = (sla.aware(self.flaw.fix_due_at) - utcnow()).total_seconds() / 86400
        return f"fix due in {days:.0f} d" if days >= 0 else f"fix overdue by {-days:.0f} d"


async def names(session: AsyncSession, user_ids: Iterable[str | None]) -> dict[str, str]:
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return {}
    rows = (await session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))).all()
    return {uid: name for uid, name in rows}


async def _episode_evidence(session: AsyncSession, ref: str) -> Evidence:
    episode = await episode_of(session, ref)
    if episode is None:
        return Evidence(ref, "missing")
    trace = json.loads(episode.trace)
    turns = [("injected", text) for text in dict.fromkeys((trace.get("injections") or {}).values())]
    turns.append(("user", str(trace.get("prompt", ""))))
    for step in trace.get("steps", []):
        calls = [f"{a.get('tool')}({json.dumps(a.get('args') or a.get('arguments'), sort_keys=True)}) "
                 f"[{a.get('status')}]" for a in step.get("actions", [])]
        turns.append(("assistant", "\n".join([str(step.get("text") or ""), *calls]).strip()))
    breaks = chain_breaks(episode)
    verdict = (f"agent run {episode.run_id}, {episode.monitor_mode} mode: "
               + ("trace hash chain intact" if not breaks else f"trace hash chain broken at {breaks[0]}"))
    return Evidence(ref, "episode", turns=turns, reply=str(trace.get("answer", "")),
                    outcome="injection succeeded" if episode.injection_success else episode.status,
                    model=episode.target, at=episode.created_at, verdict=verdict, verified=not breaks)


async def evidence_of(session: AsyncSession, refs: Sequence[str]) -> list[Evidence]:
    """Each cited exchange rendered from the transcript with its mission's chain verdict; each cited
    scan attempt with its prompt and response."""
    verdicts: dict[str, tuple[str, bool]] = {}
    out = []
    for ref in dict.fromkeys(refs):
        kind, _, rest = ref.partition(":")
        if kind == "attempt":
            run_id, _, attempt_id = rest.partition("/")
            attempt = await session.get(Attempt, (run_id, attempt_id))
            out.append(Evidence(ref, "missing") if attempt is None else Evidence(
                ref, "attempt", turns=[("user", attempt.prompt)], reply=attempt.response, outcome=attempt.outcome,
                model=attempt.target, at=attempt.created_at, verdict=f"scan run {run_id}", verified=True))
            continue
        if kind == "episode":
            out.append(await _episode_evidence(session, ref))
            continue
        exchange = await session.get(Exchange, rest)
        if exchange is None:
            out.append(Evidence(ref, "missing"))
            continue
        if exchange.mission_id not in verdicts:
            report = await verify_mission(session, exchange.mission_id)
            verdicts[exchange.mission_id] = (report.sentence(exchange.mission_id), report.ok)
        sentence, ok = verdicts[exchange.mission_id]
        messages = [m for m in exchange.request.get("messages") or [] if isinstance(m, dict)]
        choices = (exchange.response or {}).get("choices") or [{}]
        reply = ((choices[0] or {}).get("message") or {}).get("content") or exchange.error or ""
        out.append(Evidence(ref, "exchange", turns=[(str(m.get("role")), str(m.get("content") or ""))
                                                    for m in messages],
                            reply=str(reply), outcome=exchange.outcome, model=exchange.model, at=exchange.started_at,
                            decisions=list(exchange.decisions or []), verdict=sentence, verified=ok,
                            exchange_id=exchange.id))
    return out


def _timeline(transitions: Sequence[TransitionEvent], notes: Sequence[Comment], replays: Sequence[Replay],
              remediations: Sequence[Remediation], who: dict[str, str], versions: dict[str, SystemVersion],
              full: bool) -> list[TimelineItem]:
    items = [TimelineItem(t.at, "transition", f"{t.from_state} → {t.to_state}"
                          + (f": {t.reason}" if full and t.reason else ""), who.get(t.actor_id or "", ""))
             for t in transitions]
    items += [TimelineItem(c.created_at, "comment", c.body, who.get(c.author_id or "", ""), c.internal, c)
              for c in notes]
    for r in replays:
        label = versions[r.version_id].label if r.version_id in versions else r.target
        items.append(TimelineItem(r.created_at, "replay", f"{r.purpose} on {label}: {r.successes}/{r.trials} "
                                  f"(95 % CI {r.ci_low:.2f}–{r.ci_high:.2f})" + (f" → {r.result}" if r.result else ""),
                                  who.get(r.actor_id or "", "")))
    if full:
        items += [TimelineItem(m.created_at, "remediation", f"remediation planned: {m.kind.replace('_', ' ')}",
                               who.get(m.created_by_id or "", "")) for m in remediations]
    return sorted(items, key=lambda i: sla.aware(i.at))


async def flaw_view(session: AsyncSession, actor: Actor, flaw_id: str) -> FlawView:
    flaw, full = await flaw_access(session, actor, flaw_id)
    system = await session.get(AISystem, flaw.system_id)
    assert system is not None
    versions = sorted((await session.scalars(select(SystemVersion).where(SystemVersion.system_id == system.id)))
                      .all(), key=version_order)
    by_id = {v.id: v for v in versions}
    query = select(FlawReport).where(FlawReport.flaw_id == flaw.id).order_by(FlawReport.created_at)
    if not full:
        query = query.where(FlawReport.reporter_id == actor.user_id)
    reports = list((await session.scalars(query)).all())
    replays = list((await session.scalars(select(Replay).where(Replay.flaw_id == flaw.id)
                                          .order_by(Replay.created_at))).all())
    assessments = list((await session.scalars(select(SeverityAssessment).where(
        SeverityAssessment.flaw_id == flaw.id).order_by(SeverityAssessment.created_at))).all()) if full else []
    remediations = list((await session.scalars(select(Remediation).where(Remediation.flaw_id == flaw.id)
                                               .order_by(Remediation.created_at))).all()) if full else []
    case = await session.scalar(select(RegressionCase).where(RegressionCase.flaw_id == flaw.id))
    transitions = (await session.scalars(select(TransitionEvent).where(
        TransitionEvent.object_type == "flaw", TransitionEvent.object_id == flaw.id))).all()
    notes = await comments.comments_of(session, actor, "flaw", flaw.id)
    who = await names(session, [*(t.actor_id for t in transitions), *(c.author_id for c in notes),
                                *(r.actor_id for r in replays), *(a.assessor_id for a in assessments),
                                *(m.created_by_id for m in remediations), *(r.reporter_id for r in reports),
                                flaw.owner_id])
    latest: dict[str, Replay] = {}
    for r in replays:
        if r.purpose in ("regression", "replay") and r.version_id in by_id:
            latest[r.version_id] = r
    status = [(by_id[vid], r) for vid, r in sorted(latest.items(), key=lambda kv: version_order(by_id[kv[0]]))]
    others: list[tuple[str, str]] = []
    can_triage = has_permission(actor, "findings.triage", flaw.org_id)
    if can_triage:
        rows = (await session.execute(select(SystemVersion.id, AISystem.name, SystemVersion.label)
                                      .join(AISystem, AISystem.id == SystemVersion.system_id)
                                      .where(AISystem.id != flaw.system_id).order_by(AISystem.name))).all()
        others = [(vid, f"{name} {label}") for vid, name, label in rows]
    evidence = await evidence_of(session, [ref for r in reports for ref in r.evidence])
    return FlawView(
        flaw=flaw, full=full, system=system, versions=versions, reports=reports, assessments=assessments,
        replays=replays, remediations=remediations, case=case, version_status=status,
        timeline=_timeline(transitions, notes, replays, remediations, who, by_id, full), evidence=evidence,
        names=who, moves=lifecycle.FLAW_TRANSITIONS[flaw.state] if can_triage else (), can_triage=can_triage,
        can_assess=has_permission(actor, "findings.assess", flaw.org_id),
        can_remediate=has_permission(actor, "findings.remediate", flaw.org_id), transfer_versions=others)


async def report_extras(session: AsyncSession, actor: Actor, report_id: str) -> dict[str, Any]:
    """The report page beyond the report: its evidence, attachments, comments, flaw, replays."""
    report = await get_report(session, actor, report_id)
    notes = await comments.comments_of(session, actor, "report", report.id)
    attachments = (await session.scalars(select(ReportAttachment).where(ReportAttachment.report_id == report.id)
                                         .order_by(ReportAttachment.created_at))).all()
    replays = (await session.scalars(select(Replay).where(Replay.report_id == report.id)
                                     .order_by(Replay.created_at))).all()
    transitions = (await session.scalars(select(TransitionEvent).where(
        TransitionEvent.object_type == "report", TransitionEvent.object_id == report.id)
        .order_by(TransitionEvent.at))).all()
    flaw = await session.get(Flaw, report.flaw_id) if report.flaw_id else None
    who = await names(session, [report.reporter_id, report.assignee_id, *(c.author_id for c in notes),
                                *(t.actor_id for t in transitions)])
    return {"report": report, "comments": notes, "attachments": attachments, "replays": replays,
            "transitions": transitions, "flaw": flaw, "names": who,
            "evidence": await evidence_of(session, report.evidence)}

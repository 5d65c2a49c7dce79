"""Flaw reports and flaws: submission (form, API, CLI, flagged gateway exchanges, scan runs),
duplicate suggestions, the triage queue, and every state change (one table each, audited with
actor, time and reason; webhooks queued in the same transaction).

Who may do what: a reporter submits against a version they can see (their organisation's, or a
target of a mission they take part in) and sees their own reports; triagers, coordinators and admins
of the system's organisation see, triage and assess every report and flaw of that organisation."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth import policy
from redhive.auth.permissions import Actor, authorize, can, has_permission, require, require_user
from redhive.auth.policy import Relation
from redhive.disclosure import tlp
from redhive.errors import InvalidInput, NotFound, PermissionDenied, ValidationFailed
from redhive.findings import dedup, lifecycle, restriction, sla
from redhive.findings.evidence import verify_evidence
from redhive.findings.models import (
    FindingLink,
    Flaw,
    FlawReport,
    RegressionCase,
    ReportAttachment,
    TransitionEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from redhive.findings.schemas import BulkAction, FlawTransition, ReportCreate, ReportTransition, SuggestionRead
from redhive.gateway.models import Exchange, ExchangeFlag
from redhive.kit import utcnow
from redhive.missions import service as missions
from redhive.missions.models import MissionTarget
from redhive.notifications.service import notify
from redhive.orgs.models import AISystem, SystemVersion

__all__ = ["MAX_ATTACHMENT_BYTES", "MAX_ATTACHMENTS", "Attachment", "QueueRow", "bulk", "get_flaw", "get_report",
           "conversation_packet", "flaw_access", "list_flaws", "list_reports", "prefill_from_exchange",
           "report_relations", "submit_from_flag", "submit_report", "suggest_duplicates", "transition_flaw",
           "transition_report", "triage_queue"]

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_ATTACHMENTS = 10
SUGGESTION_POOL = 1000
#: The moves a reporter makes on their own report: submit a draft, answer a request for information.
OWN_MOVES = frozenset({("draft", "submitted"), ("needs_info", "triage")})


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def _check_attachments(attachments: Sequence[Attachment]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise InvalidInput(f"A report takes at most {MAX_ATTACHMENTS} attachments: attach the rest to a later "
                           "comment or zip them.", field="attachments")
    for item in attachments:
        if len(item.data) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(f"The attachment {item.filename} is {len(item.data) / 1048576:.1f} MiB, over the "
                               f"{MAX_ATTACHMENT_BYTES // 1048576} MiB limit: shorten it or link to it.",
                               field="attachments")


async def _target_version(session: AsyncSession, actor: Actor, version_id: str,
                          mission_id: str | None) -> tuple[SystemVersion, AISystem]:
    version = await session.get(SystemVersion, version_id)
    if version is None:
        raise InvalidInput(f"There is no system version {version_id}: pick the exact version you tested.",
                           field="version_id")
    system = await session.get(AISystem, version.system_id)
    assert system is not None
    if mission_id is not None:
        await missions.get_mission(session, actor, mission_id, "mission.report", why=(
            "Only the mission's participants and the staff and red teamers of the organisations running it "
            "file reports under it (observers read; invitees join first)."))
        if await session.scalar(select(MissionTarget.id).where(MissionTarget.mission_id == mission_id,
                                                               MissionTarget.version_id == version_id)) is None:
            raise InvalidInput(f"The version {version.label} is not a target of this mission: report against one "
                               "of the mission's target versions.", field="version_id")
    elif not has_permission(actor, "systems.view", system.org_id):
        raise PermissionDenied("You may report flaws only on your organisation's systems or on the targets of a "
                               "mission you take part in: give the mission.")
    return version, system


async def _emit(session: AsyncSession, org_id: str, event: str, payload: dict[str, Any]) -> None:
    """Queue one delivery per webhook endpoint of the organisation (sent after commit)."""
    endpoints = (await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id))).all()
    for endpoint in endpoints:
        session.add(WebhookDelivery(endpoint_id=endpoint.id, event=event, payload={"event": event, **payload},
                                    created_at=utcnow()))


async def _moved(session: AsyncSession, actor: Actor, kind: str, obj: FlawReport | Flaw, target: str,
                 reason: str) -> None:
    """Apply one checked transition: state, event row, audit record and webhook."""
    before = obj.state
    lifecycle.check(kind, before, target)
    now = utcnow()
    obj.state, obj.updated_at = target, now
    session.add(TransitionEvent(object_type=kind, object_id=obj.id, from_state=before, to_state=target,
                                actor_id=actor.user_id, reason=reason, at=now))
    await record(session, actor, f"findings.{kind}_transition", object_type=kind, object_id=obj.id,
                 org_id=obj.org_id, before={"state": before}, after={"state": target, "reason": reason})
    await _emit(session, obj.org_id, f"{kind}.{target}", {f"{kind}_id": obj.id, "from": before, "to": target,
                                                          "reason": reason, "at": now.isoformat()})
    await _announce(session, actor, kind, obj, target)
    await session.flush()


async def _announce(session: AsyncSession, actor: Actor, kind: str, obj: FlawReport | Flaw, target: str) -> None:
    """Reporters hear of every step of their report and of the flaw it became."""
    words = target.replace("_", " ")
    if isinstance(obj, FlawReport):
        await notify(session, [obj.reporter_id], kind=f"report.{target}", url=f"/findings/reports/{obj.id}",
                     message=f"Your report \"{obj.title}\" is now {words}.", skip=actor.user_id)
        return
    reporters = (await session.scalars(select(FlawReport.reporter_id).where(FlawReport.flaw_id == obj.id))).all()
    await notify(session, reporters, kind=f"flaw.{target}", url=f"/findings/flaws/{obj.id}",
                 message=f"The flaw your report became, \"{obj.title}\", is now {words}.", skip=actor.user_id)


async def submit_report(session: AsyncSession, actor: Actor, *, data: ReportCreate,
                        attachments: Sequence[Attachment] = ()) -> tuple[FlawReport, list[SuggestionRead]]:
    """Check everything first (version, access, evidence, attachments), then store the report."""
    require_user(actor)
    _check_attachments(attachments)
    version, system = await _target_version(session, actor, data.version_id, data.mission_id)
    may_cite_others = has_permission(actor, "findings.triage", system.org_id)
    evidence, mission_id = await verify_evidence(session, data.evidence, mission_id=data.mission_id,
                                                 user_id=actor.user_id, may_cite_others=may_cite_others)
    if mission_id != data.mission_id:
        await _target_version(session, actor, data.version_id, mission_id)
    now = utcnow()
    report = FlawReport(
        org_id=system.org_id, mission_id=mission_id, system_id=system.id, version_id=version.id,
        reporter_id=actor.user_id,
        reporter_org_id=await missions.reporting_org(session, actor, mission_id, system.org_id),
        title=data.title, description=data.description,
        policy_violated=data.policy_violated, steps=data.steps, impacts=data.impacts,
        attack_prompts=data.attack_prompts, report_types=list(data.report_types), taxonomy=data.taxonomy,
        hazard_class=data.hazard_class, hazard_domain=data.hazard_domain,
        restricted=restriction.restricts(data.hazard_domain, data.hazard_class), provenance=data.provenance,
        evidence=evidence,
        replication=data.replication.model_dump() if data.replication else {},
        reproducibility=data.reproducibility.model_dump(), proposed_severity=data.proposed_severity,
        state="draft", fingerprint=dedup.fingerprint(data.title, data.description, data.attack_prompts),
        paused_seconds=0, created_at=now, updated_at=now)
    if report.restricted:  # restricted on creation, with its embargo clock (findings.restriction)
        report.embargo_until = restriction.embargo_from(now)
    report.labels = tlp.default_labels("report", report.hazard_class, restricted=report.restricted)
    session.add(report)
    await session.flush()
    for item in attachments:
        session.add(ReportAttachment(report_id=report.id, filename=item.filename[:200],
                                     content_type=item.content_type[:100] or "application/octet-stream",
                                     size=len(item.data), sha256=hashlib.sha256(item.data).hexdigest(),
                                     data=item.data, created_at=now))
    await record(session, actor, "findings.report_created", object_type="report", object_id=report.id,
                 org_id=report.org_id, after={"title": report.title, "version_id": version.id,
                                              "evidence": evidence, "provenance": report.provenance})
    if data.submit:
        report.submitted_at = now
        await _moved(session, actor, "report", report, "submitted", "submitted by the reporter")
    return report, await suggest_duplicates(session, actor, report)


async def submit_from_flag(session: AsyncSession, actor: Actor, flag_id: str, *, data: dict[str, Any]) -> tuple[
        FlawReport, list[SuggestionRead]]:
    """A report from a flagged gateway exchange: its mission, version, evidence id and the user turns
    of its request (the attack prompts) come from the transcript; the rest from `data`."""
    require_user(actor)
    flag = await session.get(ExchangeFlag, flag_id)
    exchange = None if flag is None else await session.get(Exchange, flag.exchange_id)
    if flag is None or exchange is None or not await _may_report_from(session, actor, exchange):
        raise NotFound(f"There is no flagged exchange {flag_id} that you may report from: flag one of your own "
                       "exchanges in the playground, or ask the mission's triagers.")
    if exchange.version_id is None:
        raise InvalidInput("This exchange did not reach a registered system version, so no report can be "
                           "pinned to it.")
    prompts = "\n".join(str(m.get("content") or "") for m in exchange.request.get("messages", [])
                        if isinstance(m, dict) and m.get("role") == "user")
    fields = {"attack_prompts": prompts, "description": flag.note or "", **data,
              "version_id": exchange.version_id, "mission_id": exchange.mission_id,
              "evidence": [f"exchange:{exchange.id}", *data.get("evidence", [])]}
    try:
        parsed = ReportCreate.model_validate(fields)
    except Exception as exc:
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            raise ValidationFailed({".".join(map(str, e["loc"])): e["msg"] for e in exc.errors()}) from None
        raise
    return await submit_report(session, actor, data=parsed)


async def prefill_from_exchange(session: AsyncSession, actor: Actor, exchange_id: str) -> dict[str, str]:
    """The report form's fields from a playground exchange: its version, mission, the exchange as
    evidence and its user turns as the attack prompts (the reporter writes the rest)."""
    require_user(actor)
    exchange = await session.get(Exchange, exchange_id)
    if exchange is None or not await _may_report_from(session, actor, exchange):
        raise NotFound(f"There is no exchange {exchange_id} that you may report from: report one of your own "
                       "exchanges, from the playground.")
    prompts = "\n".join(str(m.get("content") or "") for m in exchange.request.get("messages", [])
                        if isinstance(m, dict) and m.get("role") == "user")
    return {"version_id": exchange.version_id or "", "mission_id": exchange.mission_id,
            "evidence": f"exchange:{exchange.id}", "attack_prompts": prompts, "provenance": "human"}


async def _may_report_from(session: AsyncSession, actor: Actor, exchange: Exchange) -> bool:
    """Whose flags a report may start from: the exchange's own participant's, or any in a mission
    whose organiser's triagers the actor is among (they may cite others' exchanges too)."""
    if exchange.user_id == actor.user_id:
        return True
    try:
        access = await missions.get_mission(session, actor, exchange.mission_id)
    except NotFound:
        return False
    return has_permission(actor, "findings.triage", access.mission.org_id)


def as_doc(r: FlawReport) -> dedup.Doc:
    """What dedup reads of a report: its words and what it says beyond them."""
    packet = r.replication or {}
    return dedup.Doc(r.id, r.title, r.description, r.attack_prompts, r.system_id, tuple(r.taxonomy), steps=r.steps,
                     attack=str(packet.get("attack") or ""), probe_id=str(packet.get("probe_id") or ""),
                     evidence=tuple(r.evidence or ()))


async def suggest_duplicates(session: AsyncSession, actor: Actor, report: FlawReport,
                             k: int = 5) -> list[SuggestionRead]:
    """The k most similar earlier reports of the same system, exact fingerprints first. They name
    other people's reports, so only the organisation's triagers get them, and never for a draft
    (the form would be a search oracle): everyone else gets an empty list."""
    if report.state == "draft" or not can(actor, "findings.suggestions", actor.relations(report.org_id)):
        return []
    rows = (await session.scalars(
        select(FlawReport).where(FlawReport.system_id == report.system_id, FlawReport.id != report.id,
                                 FlawReport.state.notin_(("draft", "spam")))
        .order_by(FlawReport.created_at.desc()).limit(SUGGESTION_POOL))).all()
    if not rows:
        return []
    by_id = {r.id: r for r in rows}

    out = []
    # CPU work (and, with the hf extra, a model loaded once): off the event loop
    found = await asyncio.to_thread(dedup.suggest, as_doc(report), [as_doc(r) for r in rows], k)
    for s in found:
        other = by_id[s.id]
        exact = other.fingerprint == report.fingerprint
        link = "exact" if exact else "semantic" if s.score >= dedup.DEFAULT_THRESHOLD else "variant"
        out.append(SuggestionRead(report_id=other.id, flaw_id=other.flaw_id, title=other.title,
                                  score=1.0 if exact else s.score, text_similarity=s.text_similarity, link_type=link))
    return sorted(out, key=lambda s: -s.score)


def _may_triage(actor: Actor, org_id: str) -> bool:
    return has_permission(actor, "findings.triage", org_id)


def report_relations(actor: Actor, report: FlawReport) -> set[Relation]:
    rels = actor.relations(report.org_id)
    if actor.user_id is not None and report.reporter_id == actor.user_id:
        rels.add((policy.REPORTER, "*"))
    return rels


async def get_report(session: AsyncSession, actor: Actor, report_id: str) -> FlawReport:
    require_user(actor)
    report = await session.get(FlawReport, report_id)
    if report is None or (report.restricted and not await restriction.may_see(session, actor, report,
                                                                               reporter_id=report.reporter_id)):
        raise NotFound(f"There is no report {report_id} that you can see.")
    if not report.restricted:  # a restricted report's readers are its named contacts and cleared reviewers
        authorize(actor, "findings.view", report_relations(actor, report), kind="report", object_id=report_id)
    return report


async def list_reports(session: AsyncSession, actor: Actor, *, mine: bool = False) -> Sequence[FlawReport]:
    require_user(actor)
    query = select(FlawReport).order_by(FlawReport.created_at.desc())
    if mine or not actor.is_platform_admin:
        orgs = [] if mine else actor.org_ids("findings.view")
        from sqlalchemy import or_

        query = query.where(or_(FlawReport.reporter_id == actor.user_id, FlawReport.org_id.in_(orgs)))
    return await restriction.visible(session, actor, (await session.scalars(query.limit(1000))).all())


async def get_flaw(session: AsyncSession, actor: Actor, flaw_id: str) -> Flaw:
    require_user(actor)
    flaw = await session.get(Flaw, flaw_id)
    allowed = flaw is not None and (await restriction.may_see(session, actor, flaw) if flaw.restricted
                                    else has_permission(actor, "findings.view", flaw.org_id))
    if flaw is None or not allowed:
        raise NotFound(f"There is no flaw {flaw_id} that you can see.")
    return flaw


async def flaw_access(session: AsyncSession, actor: Actor, flaw_id: str) -> tuple[Flaw, bool]:
    """(the flaw, whether the actor sees all of it). The organisation's triage team sees all of it;
    a person whose report the flaw gathers sees the reporter's view; anyone else: not found."""
    require_user(actor)
    flaw = await session.get(Flaw, flaw_id)
    if flaw is not None and has_permission(actor, "findings.view", flaw.org_id):
        return flaw, True
    if flaw is not None and await session.scalar(select(FlawReport.id).where(
            FlawReport.flaw_id == flaw.id, FlawReport.reporter_id == actor.user_id).limit(1)) is not None:
        return flaw, False
    raise NotFound(f"There is no flaw {flaw_id} that you can see.")


async def list_flaws(session: AsyncSession, actor: Actor, *, system_id: str | None = None) -> Sequence[Flaw]:
    require_user(actor)
    query = select(Flaw).order_by(Flaw.priority.desc(), Flaw.created_at)
    if not actor.is_platform_admin:
        query = query.where(Flaw.org_id.in_(actor.org_ids("findings.view")))
    if system_id:
        query = query.where(Flaw.system_id == system_id)
    return await restriction.visible(session, actor, (await session.scalars(query)).all())


async def _new_flaw(session: AsyncSession, actor: Actor, report: FlawReport, reason: str) -> Flaw:
    now = utcnow()
    flaw = Flaw(org_id=report.org_id, system_id=report.system_id, mission_id=report.mission_id, title=report.title,
                root_cause="", taxonomy=list(report.taxonomy), hazard_class=report.hazard_class,
                hazard_domain=report.hazard_domain, state="new", exposure=2, priority=0, validated_at=now,
                created_at=now, updated_at=now)
    flaw.restricted = report.restricted or restriction.restricts(report.hazard_domain, report.hazard_class)
    flaw.embargo_until = report.embargo_until or (restriction.embargo_from(now) if flaw.restricted else None)
    # the flaw's title and taxonomy are the report's: never shared more widely than the report's were
    flaw.labels = tlp.default_labels("flaw", flaw.hazard_class, restricted=flaw.restricted)
    from_report = tlp.effective_labels("report", report.labels, report.hazard_class, restricted=report.restricted)
    for field in ("title", "taxonomy"):
        flaw.labels[field] = tlp.most_restrictive((flaw.labels[field], from_report[field]))
    session.add(flaw)
    await session.flush()
    flaw.cluster_id = flaw.id
    await record(session, actor, "findings.flaw_created", object_type="flaw", object_id=flaw.id,
                 org_id=flaw.org_id, after={"title": flaw.title, "from_report": report.id})
    await _moved(session, actor, "flaw", flaw, "validated", reason or f"validated from report {report.id}")
    packet = dict(report.replication) if report.replication else await conversation_packet(session, report)
    if packet:  # every validated flaw with something to replay becomes a regression case
        session.add(RegressionCase(flaw_id=flaw.id, system_id=flaw.system_id, packet=packet,
                                   max_success_rate=0.0, created_at=now))
    return flaw


async def conversation_packet(session: AsyncSession, report: FlawReport) -> dict[str, Any] | None:
    """A report found by hand (no suite probe) replays the conversation of the first exchange it
    cites: its request's messages, as recorded in the verified transcript."""
    for ref in report.evidence:
        kind, _, exchange_id = ref.partition(":")
        exchange = await session.get(Exchange, exchange_id) if kind == "exchange" else None
        if exchange is not None:
            messages = [{"role": str(m.get("role")), "content": str(m.get("content") or "")}
                        for m in exchange.request.get("messages") or []
                        if isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")]
            return {"kind": "conversation", "exchange_id": exchange.id, "mission_id": exchange.mission_id,
                    "messages": messages}
    return None


async def transition_report(session: AsyncSession, actor: Actor, report_id: str, *,
                            data: ReportTransition) -> FlawReport:
    report = await get_report(session, actor, report_id)
    if not _may_triage(actor, report.org_id) and not (report.reporter_id == actor.user_id
                                                      and (report.state, data.state) in OWN_MOVES):
        require(actor, "findings.triage", report.org_id)
    lifecycle.check("report", report.state, data.state)
    now = utcnow()
    if data.state in ("duplicate", "validated") and data.flaw_id is not None:
        flaw = await session.get(Flaw, data.flaw_id)
        if flaw is None or flaw.org_id != report.org_id:
            raise InvalidInput(f"There is no flaw {data.flaw_id} of this organisation to link the report to.",
                               field="flaw_id")
    elif data.state == "duplicate":
        raise InvalidInput("A duplicate needs the flaw it duplicates: give flaw_id.", field="flaw_id")
    if data.state == "needs_info":
        report.paused_at = now
    elif report.paused_at is not None:
        report.paused_seconds += int((now - sla.aware(report.paused_at)).total_seconds())
        report.paused_at = None
    if data.state == "submitted":
        report.submitted_at = now
    await _moved(session, actor, "report", report, data.state, data.reason)
    if data.state == "validated" and data.flaw_id is None:
        flaw = await _new_flaw(session, actor, report, data.reason)
        report.flaw_id = flaw.id
    elif data.state in ("duplicate", "validated"):
        report.flaw_id = data.flaw_id
        session.add(FindingLink(source_type="report", source_id=report.id, flaw_id=str(data.flaw_id),
                                link_type="exact" if data.state == "duplicate" and data.link_type == "exact"
                                else data.link_type, method="reviewer", created_by_id=actor.user_id,
                                created_at=now))
    await session.flush()
    return report


async def transition_flaw(session: AsyncSession, actor: Actor, flaw_id: str, *, data: FlawTransition) -> Flaw:
    flaw = await get_flaw(session, actor, flaw_id)
    require(actor, "findings.triage", flaw.org_id)
    lifecycle.check("flaw", flaw.state, data.state)
    if data.state == "risk_accepted":
        if data.risk_accepted_until is None or sla.aware(data.risk_accepted_until) <= utcnow():
            raise InvalidInput("Accepting a risk needs an expiry date in the future (risk_accepted_until).",
                               field="risk_accepted_until")
        flaw.risk_accepted_until = data.risk_accepted_until
    if data.state in ("risk_accepted", "wont_fix") and not data.reason:
        raise InvalidInput(f"Moving a flaw to {data.state} needs a reason (it is published at disclosure).",
                           field="reason")
    await _moved(session, actor, "flaw", flaw, data.state, data.reason)
    return flaw


async def bulk(session: AsyncSession, actor: Actor, *, data: BulkAction) -> list[FlawReport]:
    """Assign or move many reports at once; one refused report refuses the whole batch."""
    reports = [await get_report(session, actor, rid) for rid in data.report_ids]
    for report in reports:
        require(actor, "findings.triage", report.org_id)
    if data.action == "assign":
        if data.assignee_id is None:
            raise InvalidInput("Choose the triager to assign.", field="assignee_id")
        from redhive.orgs.models import Membership

        for report in reports:
            member = await session.scalar(select(Membership.role).where(Membership.org_id == report.org_id,
                                                                        Membership.user_id == data.assignee_id))
            if member not in ("admin", "coordinator", "triager"):
                raise InvalidInput("The assignee must be a triager, coordinator or admin of the report's "
                                   "organisation.", field="assignee_id")
            report.assignee_id = data.assignee_id
            await record(session, actor, "findings.report_assigned", object_type="report", object_id=report.id,
                         org_id=report.org_id, after={"assignee_id": data.assignee_id})
    else:
        if not data.state:
            raise InvalidInput("Choose the state to move the reports to.", field="state")
        for report in reports:
            await transition_report(session, actor, report.id,
                                    data=ReportTransition(state=data.state, reason=data.reason))
    await session.flush()
    return reports


@dataclass(frozen=True)
class QueueRow:
    report: FlawReport
    band: str | None
    priority: int
    clock: sla.Clock | None


async def triage_queue(session: AsyncSession, actor: Actor, *, mission_id: str | None = None,
                       system_id: str | None = None, taxonomy: str | None = None, state: str | None = None,
                       now: datetime | None = None) -> list[QueueRow]:
    """Reports the actor triages, by priority (their flaw's, else the proposed band × 2), then age."""
    from redhive.findings.severity import priority

    require_user(actor)
    query = select(FlawReport).where(FlawReport.state != "draft")
    if not actor.is_platform_admin:
        query = query.where(FlawReport.org_id.in_(actor.org_ids("findings.triage")))
    if state:
        query = query.where(FlawReport.state == state)
    else:
        query = query.where(FlawReport.state.in_(tuple(lifecycle.OPEN_REPORT_STATES)))
    if mission_id:
        query = query.where(FlawReport.mission_id == mission_id)
    if system_id:
        query = query.where(FlawReport.system_id == system_id)
    reports = await restriction.visible(session, actor, (await session.scalars(query.limit(2000))).all())
    if taxonomy:
        reports = [r for r in reports if taxonomy in r.taxonomy]
    flaws = {f.id: f for f in (await session.scalars(
        select(Flaw).where(Flaw.id.in_([r.flaw_id for r in reports if r.flaw_id])))).all()}
    now = now or utcnow()
    rows = []
    for r in reports:
        flaw = flaws.get(r.flaw_id or "")
        band = flaw.band if flaw and flaw.band else r.proposed_severity
        prio = flaw.priority if flaw and flaw.band else priority(band, 2)
        clock = (sla.report_clock(r.submitted_at, band, r.paused_seconds, r.paused_at, now)
                 if r.submitted_at and r.state in lifecycle.OPEN_REPORT_STATES else None)
        rows.append(QueueRow(r, band, prio, clock))
    return sorted(rows, key=lambda row: (-row.priority, sla.aware(row.report.submitted_at or row.report.created_at)))

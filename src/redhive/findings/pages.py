"""Pages of findings: the triage board (queue by priority with SLA clocks, filters, bulk actions,
re-test button), the report form (with attachments) and a report's page with its likely duplicates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.responses import Response

from redhive.auth.models import User
from redhive.auth.permissions import Actor, can, has_permission
from redhive.disclosure.pages import sharing
from redhive.errors import Conflict, InvalidInput
from redhive.findings import clusters, lifecycle, service, sla, views
from redhive.findings import tasks as job_tasks
from redhive.findings.delivery import base_url, send_after
from redhive.findings.models import PROVENANCES, REPORT_TYPES
from redhive.findings.restriction import HAZARD_DOMAINS
from redhive.findings.schemas import BulkAction, ReportCreate
from redhive.kit import utcnow
from redhive.missions import service as missions_service
from redhive.missions.models import Mission
from redhive.orgs import service as orgs
from redhive.orgs.models import Membership, SystemVersion
from redhive.taxonomy import HAZARD_CLASSES
from redhive.web.deps import SessionDep, UserDep
from redhive.web.forms import parse_form, read_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


async def _versions(session: AsyncSession, actor: Actor) -> list[tuple[str, str]]:
    """Versions the actor may report on: their organisations' and their missions' targets."""
    out: dict[str, str] = {}
    for system in await orgs.list_systems(session, actor):
        if has_permission(actor, "systems.view", system.org_id):
            for version in await orgs.list_versions(session, actor, system.id):
                out[version.id] = f"{system.name} {version.label}"
    for access in await missions_service.list_missions(session, actor):
        if access.level != "invitee":
            for version_id, name, label in await missions_service.list_targets(session, actor, access.mission.id):
                out.setdefault(version_id, f"{name} {label}")
    return sorted(out.items(), key=lambda item: item[1])


async def _missions(session: AsyncSession, actor: Actor) -> list[tuple[str, str]]:
    return [("", "— no mission —")] + [(a.mission.id, a.mission.title) for a in
                                        await missions_service.list_missions(session, actor) if a.level != "invitee"]


async def _form_context(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    return {"nav": "findings", "versions": await _versions(session, actor), "missions": await _missions(session, actor),
            "hazards": [(k, f"{k} {v}") for k, v in HAZARD_CLASSES.items()],
            "hazard_domains": [(d, d.replace("_", " / ") if d != "none" else "none") for d in HAZARD_DOMAINS],
            "provenances": [(p, p.replace("_", "-")) for p in PROVENANCES],
            "report_types": [(t, t.replace("_", " ")) for t in REPORT_TYPES]}


@router.get("/findings/new")
async def report_new(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The report form; `?exchange=ID` (the playground's "Report this") pre-fills it from the exchange."""
    values: dict[str, str] = {"hazard_class": "HZ0", "hazard_domain": "none", "provenance": "human"}
    exchange_id = request.query_params.get("exchange")
    if exchange_id:
        values.update(await service.prefill_from_exchange(session, actor, exchange_id))
    return render(request, "findings/new.html", {**await _form_context(session, actor), "values": values})


def _report_fields(values: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {k: v for k, v in values.items()
                              if k not in ("taxonomy", "evidence", "report_type", "suite", "probe_id", "attack")}
    fields["taxonomy"] = [t for t in values.get("taxonomy", "").replace(",", " ").split() if t]
    fields["evidence"] = [t for t in values.get("evidence", "").replace(",", " ").split() if t]
    fields["report_types"] = [values.get("report_type") or "vulnerability"]
    if values.get("probe_id"):
        fields["replication"] = {"suite": values.get("suite") or "core", "probe_id": values["probe_id"],
                                 "attack": values.get("attack") or "none"}
    return fields


@router.post("/findings/new")
async def report_create(request: Request, tasks: BackgroundTasks, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    form = await request.form()
    files = [f for f in form.getlist("attachments") if isinstance(f, UploadFile)]
    attachments = []
    try:
        for f in files:
            content = await f.read(service.MAX_ATTACHMENT_BYTES + 1)
            if f.filename:
                attachments.append(service.Attachment(f.filename, f.content_type or "", content))
    finally:
        for f in files:
            await f.close()
    try:
        parsed = parse_form(ReportCreate, _report_fields(values))
        report, _ = await service.submit_report(session, actor, data=parsed, attachments=attachments)
    except (InvalidInput, Conflict) as exc:
        reject(request, "findings/new.html", values, exc, await _form_context(session, actor))
    send_after(request, tasks)
    return redirect(request, f"/findings/reports/{report.id}", "Report submitted.")


@router.get("/findings/reports/{report_id}")
async def report_show(report_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    extras = await views.report_extras(session, actor, report_id)
    report = extras["report"]
    can_triage = has_permission(actor, "findings.triage", report.org_id)
    version = await session.get(SystemVersion, report.version_id)
    mission = await session.get(Mission, report.mission_id) if report.mission_id else None
    own = [m for m in lifecycle.REPORT_TRANSITIONS[report.state] if (report.state, m) in service.OWN_MOVES] \
        if report.reporter_id == actor.user_id else []
    flaws = list(await service.list_flaws(session, actor, system_id=report.system_id)) if can_triage else []
    return render(request, "findings/report.html", {
        **extras, "nav": "findings", "system_version": version, "mission_title": mission.title if mission else None,
        "duplicates": await service.suggest_duplicates(session, actor, report),
        "may_see_duplicates": can(actor, "findings.suggestions", actor.relations(report.org_id)),
        "moves": lifecycle.REPORT_TRANSITIONS[report.state] if can_triage else (), "own_moves": own,
        "can_triage": can_triage, "flaws": flaws, "sharing": sharing("report", report)})


SORTS: dict[str, Any] = {
    "priority": lambda r: (-r.priority, sla.aware(r.report.created_at)),
    "age": lambda r: sla.aware(r.report.created_at),
    "sla": lambda r: r.clock.remaining if r.clock else timedelta.max,
    "state": lambda r: r.report.state,
}


async def _board_context(request: Request, session: SessionDep, actor: Actor) -> dict[str, Any]:
    q = request.query_params
    filters = {k: q.get(k) or None for k in ("mission_id", "system_id", "taxonomy", "state")}
    rows = await service.triage_queue(session, actor, mission_id=filters["mission_id"],
                                      system_id=filters["system_id"], taxonomy=filters["taxonomy"],
                                      state=filters["state"])
    sort = q.get("sort") if q.get("sort") in SORTS else "priority"
    rows.sort(key=SORTS[str(sort)])
    systems = [s for s in await orgs.list_systems(session, actor) if has_permission(actor, "findings.triage", s.org_id)]
    versions = {s.id: await orgs.list_versions(session, actor, s.id) for s in systems}
    org_ids = sorted({s.org_id for s in systems})
    triagers: list[tuple[str, str]] = []
    if org_ids:
        people = (await session.execute(select(User.id, User.display_name)
                                        .join(Membership, Membership.user_id == User.id)
                                        .where(Membership.org_id.in_(org_ids),
                                               Membership.role.in_(("admin", "coordinator", "triager")))
                                        .distinct().order_by(User.display_name))).all()
        triagers = [(uid, name) for uid, name in people]
    flaws = [f for f in await service.list_flaws(session, actor) if has_permission(actor, "findings.view", f.org_id)]
    columns = [(state, [f for f in flaws if f.state == state]) for state in lifecycle.FLAW_STATES]
    missions = [m.mission for m in await missions_service.list_missions(session, actor)
                if has_permission(actor, "findings.triage", m.mission.org_id)]
    return {"nav": "findings", "rows": rows, "filters": filters, "systems": systems, "versions": versions,
            "triagers": triagers, "flaws": flaws, "columns": [c for c in columns if c[1]],
            "states": lifecycle.REPORT_STATES, "sort": sort, "missions": missions,
            "names": await views.names(session, [r.report.assignee_id for r in rows]),
            "clusters": await clusters.open_clusters(session, actor) if systems else [],
            "org_ids": org_ids, "now": utcnow(),
            "webhook_orgs": [o for o in org_ids if has_permission(actor, "findings.webhooks", o)],
            "can_retest": {s.id: has_permission(actor, "findings.remediate", s.org_id) for s in systems},
            "values": {}, "errors": {}}


@router.get("/findings/board")
async def board(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "findings/board.html", await _board_context(request, session, actor))


@router.post("/findings/board")
async def board_bulk(request: Request, tasks: BackgroundTasks, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    form = await request.form()
    ids = [str(v) for v in form.getlist("report_ids")]
    try:
        data = BulkAction(report_ids=ids, action=values.get("action", "assign"),
                          assignee_id=values.get("assignee_id") or None, state=values.get("state") or None,
                          reason=values.get("reason", ""))
        done = await service.bulk(session, actor, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "findings/board.html", values, exc, await _board_context(request, session, actor))
    except ValueError:
        reject(request, "findings/board.html", values, InvalidInput("Tick at least one report.", field="report_ids"),
               await _board_context(request, session, actor))
    send_after(request, tasks)
    return redirect(request, "/findings/board", f"{len(done)} report(s) updated.")


@router.post("/findings/systems/{system_id}/regress")
async def regress(system_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        job = await job_tasks.start_regress(session, actor, system_id, version_id=values.get("version_id", ""),
                                            trials=10, base_url=base_url(request))
    except (InvalidInput, Conflict) as exc:
        reject(request, "findings/board.html", values, exc, await _board_context(request, session, actor))
    return redirect(request, f"/jobs/{job.id}", "Regression run started: this page follows it until it ends.")

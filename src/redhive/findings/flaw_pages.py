"""The flaw page and every action on it (transitions, severity assessment, exposure, replay of a
report, re-test on a version, transfer to other systems: these three start a job and go to its
page; remediation, comments), the one-click merge
of a cluster, attachment downloads, and "my reports". Each action is one service call; a refusal
comes back to the page as one sentence and nothing is stored."""

from __future__ import annotations

from typing import Any, NoReturn

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.responses import Response

from redhive.disclosure.pages import sharing
from redhive.errors import Conflict, InvalidInput, RedhiveError
from redhive.findings import clusters, comments, service, verification, views, webhooks
from redhive.findings import tasks as job_tasks
from redhive.findings.delivery import base_url, send_after
from redhive.findings.models import ReportAttachment
from redhive.findings.schemas import (
    FlawTransition,
    RemediationCreate,
    ReportTransition,
    SeverityInputs,
    WebhookCreate,
)
from redhive.jobs import list_jobs
from redhive.jobs.models import Job
from redhive.web.deps import SecretBoxDep, SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.forms import parse_form, read_form
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

#: Attachments served inline only when the browser cannot run them; everything else downloads.
SAFE_TYPES = frozenset({"text/plain", "image/png", "image/jpeg", "image/gif", "application/pdf", "application/json"})


#: Refusals a form answers on its page; NotFound and PermissionDenied keep their status (404, 403).
REFUSALS = (InvalidInput, Conflict)


def _back(request: Request, url: str, exc: RedhiveError) -> NoReturn:
    """Roll back and return to the page with the sentence."""
    raise FormRejected(redirect(request, url, exc.message, "error"))


def _int(values: dict[str, str], name: str, default: int) -> int:
    try:
        return int(values.get(name) or default)
    except ValueError:
        raise InvalidInput(f"{name.replace('_', ' ').capitalize()} must be a whole number.", field=name) from None


@router.get("/findings/flaws/{flaw_id}")
async def flaw_page(flaw_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    view = await views.flaw_view(session, actor, flaw_id)
    jobs = await list_jobs(session, actor, subject_id=view.flaw.id, limit=10) if view.full else []
    return render(request, "findings/flaw.html", {"nav": "findings", "v": view, "flaw": view.flaw, "jobs": jobs,
                                                  "sharing": sharing("flaw", view.flaw) if view.full else None})


async def _flaw_action(request: Request, tasks: BackgroundTasks, flaw_id: str, anchor: str, message: str,
                       action: Any) -> Response:
    url = f"/findings/flaws/{flaw_id}"
    try:
        values = await read_form(request)
        done = await action(values)
    except REFUSALS as exc:
        _back(request, f"{url}#{anchor}", exc)
    send_after(request, tasks)
    return redirect(request, f"{url}#{anchor}", done or message)


@router.post("/findings/flaws/{flaw_id}/transition")
async def flaw_transition(flaw_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                          actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        data = parse_form(FlawTransition, values)
        flaw = await service.transition_flaw(session, actor, flaw_id, data=data)
        return f"The flaw is now {flaw.state.replace('_', ' ')}."
    return await _flaw_action(request, tasks, flaw_id, "state", "", act)


@router.post("/findings/flaws/{flaw_id}/assess")
async def flaw_assess(flaw_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                      actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        inputs = parse_form(SeverityInputs, values)
        assessment = await verification.assess(session, actor, flaw_id, inputs=inputs)
        flaw = await service.get_flaw(session, actor, flaw_id)
        return f"Your assessment: {assessment.band}; the flaw's band is {flaw.band}, priority {flaw.priority}."
    return await _flaw_action(request, tasks, flaw_id, "severity", "", act)


@router.post("/findings/flaws/{flaw_id}/exposure")
async def flaw_exposure(flaw_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                        actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        flaw = await verification.set_exposure(session, actor, flaw_id, exposure=_int(values, "exposure", 2),
                                               reason=values.get("reason", ""))
        return f"Exposure {flaw.exposure}: priority {flaw.priority}."
    return await _flaw_action(request, tasks, flaw_id, "severity", "", act)


@router.post("/findings/flaws/{flaw_id}/remediations")
async def flaw_remediation(flaw_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                           actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        data = parse_form(RemediationCreate, values)
        await verification.add_remediation(session, actor, flaw_id, data=data)
        return "Remediation recorded."
    return await _flaw_action(request, tasks, flaw_id, "remediation", "", act)


async def _job_action(request: Request, back: str, start: Any) -> Response:
    """Start a job from a form: to its page at once (it refreshes until the job ends), or back to
    `back` with the one sentence that refused it."""
    try:
        values = await read_form(request)
        job = await start(values)
    except REFUSALS as exc:
        _back(request, back, exc)
    return redirect(request, f"/jobs/{job.id}", "Started: this page follows the job until it ends.")


@router.post("/findings/flaws/{flaw_id}/retest")
async def flaw_retest(flaw_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def start(values: dict[str, str]) -> Job:
        return await job_tasks.start_retest(session, actor, flaw_id, version_id=values.get("version_id", ""),
                                            trials=_int(values, "trials", 10), base_url=base_url(request))
    return await _job_action(request, f"/findings/flaws/{flaw_id}#retests", start)


@router.post("/findings/flaws/{flaw_id}/transfer")
async def flaw_transfer(flaw_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def start(values: dict[str, str]) -> Job:
        ids = [str(v) for v in (await request.form()).getlist("version_ids")]
        return await job_tasks.start_transfer(session, actor, flaw_id, version_ids=ids,
                                              trials=_int(values, "trials", 10), base_url=base_url(request))
    return await _job_action(request, f"/findings/flaws/{flaw_id}#transfer", start)


@router.post("/findings/flaws/{flaw_id}/comments")
async def flaw_comment(flaw_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                       actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        await comments.add_comment(session, actor, "flaw", flaw_id, body=values.get("body", ""),
                                   internal=values.get("internal") == "on")
        return "Comment added."
    return await _flaw_action(request, tasks, flaw_id, "comments", "", act)


async def _report_action(request: Request, tasks: BackgroundTasks, report_id: str, anchor: str,
                         action: Any) -> Response:
    url = f"/findings/reports/{report_id}"
    try:
        values = await read_form(request)
        message, target = await action(values)
    except REFUSALS as exc:
        _back(request, f"{url}#{anchor}", exc)
    send_after(request, tasks)
    return redirect(request, target or f"{url}#{anchor}", message)


@router.post("/findings/reports/{report_id}/transition")
async def report_transition(report_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                            actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> tuple[str, str]:
        data = parse_form(ReportTransition, values)
        report = await service.transition_report(session, actor, report_id, data=data)
        target = f"/findings/flaws/{report.flaw_id}" if report.state == "validated" and report.flaw_id else ""
        return f"The report is now {report.state.replace('_', ' ')}.", target
    return await _report_action(request, tasks, report_id, "state", act)


@router.post("/findings/reports/{report_id}/replay")
async def report_replay(report_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def start(values: dict[str, str]) -> Job:
        return await job_tasks.start_replay(session, actor, report_id, trials=_int(values, "trials", 10),
                                            base_url=base_url(request))
    return await _job_action(request, f"/findings/reports/{report_id}#replays", start)


@router.post("/findings/reports/{report_id}/comments")
async def report_comment(report_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep,
                         actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> tuple[str, str]:
        await comments.add_comment(session, actor, "report", report_id, body=values.get("body", ""))
        return "Comment added.", ""
    return await _report_action(request, tasks, report_id, "comments", act)


@router.post("/findings/clusters/merge")
async def cluster_merge(request: Request, tasks: BackgroundTasks, session: SessionDep, actor: UserDep) -> Response:
    try:
        values = await read_form(request)
        form = await request.form()
        flaw = await clusters.merge(session, actor, report_ids=[str(v) for v in form.getlist("report_ids")],
                                    into_id=values.get("into_id", ""), reason=values.get("reason", ""))
    except REFUSALS as exc:
        _back(request, "/findings/board#clusters", exc)
    send_after(request, tasks)
    return redirect(request, f"/findings/flaws/{flaw.id}", "Cluster merged into one flaw.")


@router.get("/findings/attachments/{attachment_id}")
async def attachment(attachment_id: str, session: SessionDep, actor: UserDep) -> Response:
    found = await session.get(ReportAttachment, attachment_id)
    if found is None:
        from redhive.errors import NotFound

        raise NotFound(f"There is no attachment {attachment_id} that you can see.")
    await service.get_report(session, actor, found.report_id)  # who may see the report may download it
    media = found.content_type if found.content_type in SAFE_TYPES else "application/octet-stream"
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in found.filename) or "attachment"
    return Response(found.data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{safe_name}"', "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox", "X-Redhive-Sha256": found.sha256})


@router.get("/findings/mine")
async def my_reports(request: Request, session: SessionDep, actor: UserDep) -> Response:
    reports = await service.list_reports(session, actor, mine=True)
    return render(request, "findings/mine.html", {"nav": "mine", "reports": reports})


@router.post("/findings/orgs/{org_id}/webhooks")
async def add_webhook(org_id: str, request: Request, session: SessionDep, actor: UserDep,
                      box: SecretBoxDep) -> Response:
    try:
        data = parse_form(WebhookCreate, await read_form(request))
        endpoint = await webhooks.create_endpoint(session, actor, org_id, data=data, box=box)
    except REFUSALS as exc:
        _back(request, "/findings/board#webhooks", exc)
    return redirect(request, "/findings/board#webhooks", f"Webhook to {endpoint.url} added: deliveries are signed "
                    "with your secret (X-Redhive-Signature).")

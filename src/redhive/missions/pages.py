"""Pages of missions: list, create and edit, detail with lifecycle and organisations, cohort
selection, coverage, and the invitee's page to read and acknowledge the rules of engagement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from redhive.auth.permissions import Actor, has_permission
from redhive.disclosure import tlp
from redhive.errors import Conflict, InvalidInput, PermissionDenied, RedhiveError
from redhive.missions import cohort, lifecycle, service
from redhive.missions.schemas import (
    InvitationCreate,
    InvitationResponse,
    MissionCreate,
    MissionOrgAdd,
    MissionUpdate,
)
from redhive.network.pages import form_values
from redhive.network.selection import format_cell
from redhive.orgs import service as orgs
from redhive.orgs.models import Organization
from redhive.taxonomy import ACCESS_TIERS, DISCIPLINES, HAZARD_CLASSES, LANGUAGES, REGIONS, RISK_AREAS
from redhive.web.deps import SessionDep, UserDep
from redhive.web.forms import parse_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

AXES = {"risk_areas": RISK_AREAS, "languages": LANGUAGES, "regions": REGIONS, "disciplines": DISCIPLINES}


def _mission_form(values: dict[str, Any]) -> dict[str, Any]:
    """Checkbox lists -> weights: a ticked value weighs 1, a value also marked priority weighs 2."""
    data = {k: v for k, v in values.items() if k not in AXES and not k.startswith("priority_") and v != ""}
    for axis in AXES:
        priority = set(values.get(f"priority_{axis}", []))
        data[axis] = {key: 2.0 if key in priority else 1.0 for key in values.get(axis, [])}
    return data


async def _form_context(session: SessionDep, actor: Actor) -> dict[str, Any]:
    own = [
        o
        for o in await orgs.list_orgs(session, actor)
        if actor.is_platform_admin or actor.role_in(o.id) in ("admin", "coordinator")
    ]
    versions: list[tuple[str, str]] = []
    for system in await orgs.list_systems(session, actor):
        for version in await orgs.list_versions(session, actor, system.id):
            versions.append((version.id, f"{system.name} {version.label}"))
    return {
        "nav": "missions",
        "axes": AXES,
        "tiers": ACCESS_TIERS,
        "hazards": HAZARD_CLASSES,
        "org_options": own,
        "org_pairs": [(o.id, o.name) for o in own],
        "version_options": versions,
    }


LISTS = (*AXES, *(f"priority_{a}" for a in AXES), "target_version_ids")


@router.get("/missions")
async def mission_list(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(
        request,
        "missions/list.html",
        {
            "nav": "missions",
            "missions": await service.list_missions(session, actor),
            "can_create": actor.is_platform_admin or bool(actor.org_ids("missions.manage")),
        },
    )


@router.get("/missions/new")
async def mission_new(request: Request, session: SessionDep, actor: UserDep) -> Response:
    ctx = await _form_context(session, actor)
    if not ctx["org_options"]:
        raise PermissionDenied("Only the admins and coordinators of an organisation may create missions.")
    values = {
        "access_tier": "T0_public",
        "hazard_ceiling": "HZ1",
        "cohort_size": "6",
        "min_hours_per_week": "4",
        **{a: [] for a in LISTS},
    }
    return render(request, "missions/edit.html", {**ctx, "values": values, "mission": None})


@router.post("/missions/new")
async def mission_create(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request, LISTS)
    try:
        mission = await service.create_mission(session, actor, data=parse_form(MissionCreate, _mission_form(values)))
    except (InvalidInput, Conflict, PermissionDenied) as exc:
        reject(request, "missions/edit.html", values, exc, {**await _form_context(session, actor), "mission": None})
    return redirect(request, f"/missions/{mission.id}", "Mission created as a draft.")


async def _detail(session: SessionDep, actor: Actor, mission_id: str) -> dict[str, Any]:
    access = await service.get_mission(session, actor, mission_id)
    ctx: dict[str, Any] = {
        "nav": "missions",
        "access": access,
        "mission": access.mission,
        "terms": await service.current_terms(session, mission_id),
        "organizations": await service.list_organizations(session, actor, mission_id),
        "targets": await service.list_targets(session, actor, mission_id),
        "participants": await cohort.list_participants(session, actor, mission_id),
        "next_states": lifecycle.TRANSITIONS[access.mission.status],
        "axes": AXES,
        "tiers": ACCESS_TIERS,
        "editable": access.mission.status in lifecycle.EDITABLE,
        # the red-team report for an audience is built from the organiser's findings (a job)
        "may_report": has_permission(actor, "findings.view", access.mission.org_id),
        "report_audiences": [label for label in tlp.LABELS if label != tlp.RED],
    }
    if access.can_run:
        ctx["invitations"] = await cohort.list_invitations(session, actor, mission_id)
    if access.can_manage:
        taken = {o.id for o, _ in ctx["organizations"]}
        ctx["org_choices"] = [
            o
            for o in (await session.scalars(select(Organization).order_by(Organization.name))).all()
            if o.id not in taken
        ]
    return ctx


@router.get("/missions/{mission_id}")
async def mission_detail(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "missions/detail.html", await _detail(session, actor, mission_id))


@router.get("/missions/{mission_id}/edit")
async def mission_edit(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    mission = await service.manageable(session, actor, mission_id)
    terms = await service.current_terms(session, mission_id)
    targets = await service.list_targets(session, actor, mission_id)
    values: dict[str, Any] = {
        c: getattr(mission, c)
        for c in (
            "title",
            "objective",
            "in_scope",
            "out_of_scope",
            "access_tier",
            "hazard_ceiling",
            "cohort_size",
            "min_hours_per_week",
            "starts_on",
            "ends_on",
        )
    }
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    for axis in AXES:
        weights: dict[str, float] = getattr(mission, axis)
        values[axis] = list(weights)
        values[f"priority_{axis}"] = [k for k, w in weights.items() if w > 1]
    values.update(
        target_version_ids=[v for v, _, _ in targets], rules_of_engagement=terms.rules_of_engagement, nda=terms.nda
    )
    ctx = await _form_context(session, actor)
    return render(request, "missions/edit.html", {**ctx, "values": values, "mission": mission, "terms": terms})


@router.post("/missions/{mission_id}/edit")
async def mission_update(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request, LISTS)
    try:
        data = parse_form(MissionUpdate, _mission_form(values))
        await service.update_mission(session, actor, mission_id=mission_id, data=data)
    except (InvalidInput, Conflict) as exc:
        mission = await service.manageable(session, actor, mission_id)
        reject(request, "missions/edit.html", values, exc, {**await _form_context(session, actor), "mission": mission})
    return redirect(request, f"/missions/{mission_id}", "Mission saved.")


async def _detail_action(
    request: Request, session: SessionDep, actor: Actor, mission_id: str, exc: RedhiveError
) -> None:
    reject(request, "missions/detail.html", {}, exc, await _detail(session, actor, mission_id))


@router.post("/missions/{mission_id}/status")
async def mission_status(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request)
    try:
        mission = await service.transition(session, actor, mission_id=mission_id, status=values.get("status", ""))
    except (InvalidInput, Conflict) as exc:
        await _detail_action(request, session, actor, mission_id, exc)
    return redirect(request, f"/missions/{mission_id}", f"The mission is now {mission.status}.")


@router.post("/missions/{mission_id}/organizations")
async def mission_add_org(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request)
    try:
        await service.add_organization(session, actor, mission_id=mission_id, data=parse_form(MissionOrgAdd, values))
    except (InvalidInput, Conflict) as exc:
        await _detail_action(request, session, actor, mission_id, exc)
    return redirect(request, f"/missions/{mission_id}", "Organisation added to the mission.")


@router.get("/missions/{mission_id}/cohort")
async def cohort_page(
    mission_id: str, request: Request, session: SessionDep, actor: UserDep, k: int | None = None
) -> Response:
    mission = await service.runnable(session, actor, mission_id)
    selection = await cohort.run_selection(session, actor, mission_id=mission_id, k=k)
    orgs_ = [
        (o, r)
        for o, r in await service.list_organizations(session, actor, mission_id)
        if r in ("organiser", "partner")
        and (actor.is_platform_admin or actor.role_in(o.id) in ("admin", "coordinator"))
    ]
    return render(
        request,
        "missions/cohort.html",
        {
            "nav": "missions",
            "mission": mission,
            "selection": selection,
            "format_cell": format_cell,
            "k": k or len(selection.picks) or 1,
            "inviting_orgs": orgs_,
            "can_invite": mission.status in lifecycle.INVITING,
        },
    )


@router.post("/missions/{mission_id}/invitations")
async def cohort_invite(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request, ("user_ids",))
    try:
        data = parse_form(InvitationCreate, {**values, "note": values.get("note", "")})
        invitations = await cohort.invite(session, actor, mission_id=mission_id, data=data)
    except (InvalidInput, Conflict) as exc:
        await _detail_action(request, session, actor, mission_id, exc)
    return redirect(request, f"/missions/{mission_id}", f"{len(invitations)} invitation(s) sent.")


@router.get("/missions/{mission_id}/coverage")
async def coverage_page(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    access = await service.get_mission(session, actor, mission_id)
    view = await cohort.coverage(session, actor, mission_id)
    return render(
        request,
        "missions/coverage.html",
        {"nav": "missions", "mission": access.mission, "view": view, "format_cell": format_cell},
    )


@router.get("/mission-invitations")
async def invitations_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(
        request,
        "missions/invitations.html",
        {"nav": "invitations", "rows": await cohort.my_invitations(session, actor)},
    )


async def _invitation_ctx(session: SessionDep, actor: Actor, invitation_id: str) -> dict[str, Any]:
    inv = await cohort.get_invitation(session, actor, invitation_id)
    access = await service.get_mission(session, actor, inv.mission_id)
    org = await session.get(Organization, inv.org_id)
    return {
        "nav": "invitations",
        "invitation": inv,
        "mission": access.mission,
        "inviting_org": org,
        "terms": await service.current_terms(session, inv.mission_id),
        "targets": await service.list_targets(session, actor, inv.mission_id),
    }


@router.get("/mission-invitations/{invitation_id}")
async def invitation_page(invitation_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "missions/invitation.html", await _invitation_ctx(session, actor, invitation_id))


@router.post("/mission-invitations/{invitation_id}")
async def invitation_respond(invitation_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await form_values(request)
    accept = values.get("answer") == "accept"
    try:
        version = values.get("terms_version", "")
        data = InvitationResponse(
            accept=accept,
            terms_version=int(version) if version.isdigit() else None,
            acknowledge=values.get("acknowledge") == "yes",
        )
        part = await cohort.respond_to_invitation(session, actor, invitation_id=invitation_id, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "missions/invitation.html", values, exc, await _invitation_ctx(session, actor, invitation_id))
    if part is None:
        return redirect(request, "/mission-invitations", "Invitation declined.")
    return redirect(
        request,
        f"/missions/{part.mission_id}",
        "Welcome aboard: your acknowledgement of the rules of engagement is recorded.",
    )

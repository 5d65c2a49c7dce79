"""Pages of organisations, members and invitations, AI systems, versions and grants."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth import service as auth
from redhive.auth.permissions import Actor, has_permission
from redhive.auth.schemas import InvitationCreate
from redhive.errors import Conflict, InvalidInput
from redhive.orgs import service
from redhive.orgs.models import ORG_KINDS, ROLES, SYSTEM_KINDS
from redhive.orgs.schemas import (
    AISystemCreate,
    MemberAdd,
    MemberUpdate,
    OrganizationCreate,
    SystemGrantCreate,
    SystemVersionCreate,
)
from redhive.web.deps import SecretBoxDep, SessionDep, UserDep
from redhive.web.forms import parse_form, read_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

ROLE_OPTIONS = [(r, r.replace("_", " ").capitalize()) for r in ROLES]
KIND_OPTIONS = [(k, k.capitalize()) for k in ORG_KINDS]
SYSTEM_KIND_OPTIONS = [(k, k) for k in SYSTEM_KINDS]


# --- organisations --------------------------------------------------------------------------------

@router.get("/orgs")
async def orgs_index(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "orgs/index.html", {"nav": "orgs", "orgs": await service.list_orgs(session, actor)})


@router.get("/orgs/new")
async def org_new(request: Request, actor: UserDep) -> Response:
    from redhive.auth.permissions import require_platform_admin

    require_platform_admin(actor)
    return render(request, "orgs/new.html", {"nav": "orgs", "kinds": KIND_OPTIONS})


@router.post("/orgs/new")
async def org_create(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        org = await service.create_org(session, actor, data=parse_form(OrganizationCreate, values))
    except (InvalidInput, Conflict) as exc:
        reject(request, "orgs/new.html", values, exc, {"nav": "orgs", "kinds": KIND_OPTIONS})
    return redirect(request, f"/orgs/{org.id}", f"The organisation {org.name} was created.")


async def _org_context(session: AsyncSession, actor: Actor, org_id: str) -> dict[str, Any]:
    org = await service.get_org(session, actor, org_id)
    members = await service.list_members(session, actor, org_id) \
        if has_permission(actor, "members.view", org_id) else []
    return {"nav": "orgs", "org": org, "members": members, "roles": ROLE_OPTIONS,
            "systems": await service.list_systems(session, actor, org_id=org_id),
            "can_manage_members": has_permission(actor, "members.manage", org_id),
            "can_manage_systems": has_permission(actor, "systems.manage", org_id),
            "my_role": actor.role_in(org_id)}


@router.get("/orgs/{org_id}")
async def org_show(org_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "orgs/show.html", await _org_context(session, actor, org_id))


@router.post("/orgs/{org_id}/members")
async def member_add(org_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        member = await service.add_member(session, actor, org_id, data=parse_form(MemberAdd, values))
    except (InvalidInput, Conflict) as exc:
        reject(request, "orgs/show.html", values, exc, await _org_context(session, actor, org_id))
    return redirect(request, f"/orgs/{org_id}", f"{member.display_name} joined as {member.role.replace('_', ' ')}.")


@router.post("/orgs/{org_id}/invitations")
async def invitation_create(org_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    prefixed = {"email": values.get("invite_email", ""), "role": values.get("invite_role", ""), "org_id": org_id}
    try:
        invitation, token = await auth.create_invitation(session, actor, data=parse_form(InvitationCreate, prefixed))
    except (InvalidInput, Conflict) as exc:
        exc_fields = {f"invite_{k}": v for k, v in (getattr(exc, "fields", None) or {}).items()}
        field = getattr(exc, "field", None)
        if field:
            exc_fields[f"invite_{field}"] = exc.message
        from redhive.errors import ValidationFailed

        reject(request, "orgs/show.html", values, ValidationFailed(exc_fields, exc.message),
               await _org_context(session, actor, org_id))
    link = f"{str(request.base_url).rstrip('/')}/signup?token={token}"
    context = await _org_context(session, actor, org_id)
    context.update(invitation=invitation, invitation_link=link)
    return render(request, "orgs/show.html", context)


@router.post("/memberships/{membership_id}/role")
async def member_role(membership_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    org_id = values.get("org_id", "")
    try:
        member = await service.update_member(session, actor, membership_id, data=parse_form(MemberUpdate, values))
    except (InvalidInput, Conflict) as exc:
        return redirect(request, f"/orgs/{org_id}", exc.message, "error")
    return redirect(request, f"/orgs/{member.org_id}",
                    f"{member.display_name} is now {member.role.replace('_', ' ')}.")


@router.post("/memberships/{membership_id}/remove")
async def member_remove(membership_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    org_id = values.get("org_id", "")
    try:
        await service.remove_member(session, actor, membership_id)
    except Conflict as exc:
        return redirect(request, f"/orgs/{org_id}", exc.message, "error")
    return redirect(request, f"/orgs/{org_id}", "The member was removed.")


# --- AI systems -----------------------------------------------------------------------------------

@router.get("/systems")
async def systems_index(request: Request, session: SessionDep, actor: UserDep) -> Response:
    systems = await service.list_systems(session, actor)
    orgs = {o.id: o for o in await service.list_orgs(session, actor)}
    manageable = [o for o in orgs.values() if has_permission(actor, "systems.manage", o.id)]
    return render(request, "orgs/systems.html", {"nav": "systems", "systems": systems, "orgs": orgs,
                                                 "manageable": manageable})


@router.get("/orgs/{org_id}/systems/new")
async def system_new(org_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    from redhive.auth.permissions import require

    require(actor, "systems.manage", org_id)
    org = await service.get_org(session, actor, org_id)
    return render(request, "orgs/system_new.html", {"nav": "systems", "org": org, "kinds": SYSTEM_KIND_OPTIONS,
                                                    "values": {"kind": "Model"}})


@router.post("/orgs/{org_id}/systems/new")
async def system_create(org_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        system = await service.create_system(session, actor, org_id, data=parse_form(AISystemCreate, values))
    except (InvalidInput, Conflict) as exc:
        org = await service.get_org(session, actor, org_id)
        reject(request, "orgs/system_new.html", values, exc, {"nav": "systems", "org": org,
                                                              "kinds": SYSTEM_KIND_OPTIONS})
    return redirect(request, f"/systems/{system.id}", f"The AI system {system.name} was added.")


async def _system_context(session: AsyncSession, actor: Actor, system_id: str) -> dict[str, Any]:
    system = await service.get_system(session, actor, system_id)
    versions = [service.version_view(actor, v, system.org_id)
                for v in await service.list_versions(session, actor, system_id)]
    staff = has_permission(actor, "systems.view_upstream", system.org_id)
    grants = await service.list_grants(session, actor, system_id) if staff else []
    can_grant = has_permission(actor, "systems.grant", system.org_id)
    names = await service.org_names(session)
    return {"nav": "systems", "system": system, "versions": versions, "staff": staff, "grants": grants,
            "can_manage": has_permission(actor, "systems.manage", system.org_id), "can_grant": can_grant,
            "org_names": names, "grant_orgs": sorted(((i, n) for i, n in names.items() if i != system.org_id
                                                      and i not in {g.org_id for g in grants}),
                                                     key=lambda item: item[1].casefold())}


@router.get("/systems/{system_id}")
async def system_show(system_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "orgs/system_show.html", await _system_context(session, actor, system_id))


@router.get("/systems/{system_id}/versions/new")
async def version_new(system_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    from redhive.auth.permissions import require

    system = await service.get_system(session, actor, system_id)
    require(actor, "systems.manage", system.org_id)
    return render(request, "orgs/version_new.html", {"nav": "systems", "system": system})


@router.post("/systems/{system_id}/versions/new")
async def version_create(system_id: str, request: Request, session: SessionDep, actor: UserDep,
                         box: SecretBoxDep) -> Response:
    values = await read_form(request)
    try:
        version = await service.create_version(session, actor, system_id, data=parse_form(SystemVersionCreate, values),
                                               box=box)
    except (InvalidInput, Conflict) as exc:
        system = await service.get_system(session, actor, system_id)
        reject(request, "orgs/version_new.html", {**values, "upstream_credential": ""}, exc,
               {"nav": "systems", "system": system})
    return redirect(request, f"/systems/{system_id}", f"Version {version.label} was registered.")


@router.post("/systems/{system_id}/grants")
async def grant_create(system_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        await service.grant_system(session, actor, system_id, data=parse_form(SystemGrantCreate, values))
    except (InvalidInput, Conflict) as exc:
        reject(request, "orgs/system_show.html", values, exc, await _system_context(session, actor, system_id))
    return redirect(request, f"/systems/{system_id}", "Access was granted.")


@router.post("/grants/{grant_id}/revoke")
async def grant_revoke(grant_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    await service.revoke_grant(session, actor, grant_id)
    return redirect(request, f"/systems/{values.get('system_id', '')}", "Access was revoked.")

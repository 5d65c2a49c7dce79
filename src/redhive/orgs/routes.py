"""JSON API of organisations, members, AI systems, versions and grants: parse, one service call,
response model."""

from __future__ import annotations

from fastapi import APIRouter, Response

from redhive.audit.schemas import AuditEventRead
from redhive.audit.service import list_events
from redhive.orgs import service
from redhive.orgs.schemas import (
    AISystemCreate,
    AISystemRead,
    MemberAdd,
    MemberRead,
    MemberUpdate,
    OrganizationCreate,
    OrganizationRead,
    SystemGrantCreate,
    SystemGrantRead,
    SystemVersionCreate,
    SystemVersionRead,
    SystemVersionStaffRead,
)
from redhive.web.deps import SecretBoxDep, SessionDep, UserDep

router = APIRouter(prefix="/api", tags=["organisations"])
VersionOut = SystemVersionStaffRead | SystemVersionRead


@router.get("/orgs", response_model=list[OrganizationRead])
async def list_orgs(session: SessionDep, actor: UserDep) -> list[OrganizationRead]:
    return [OrganizationRead.model_validate(o) for o in await service.list_orgs(session, actor)]


@router.post("/orgs", response_model=OrganizationRead, status_code=201)
async def create_org(data: OrganizationCreate, session: SessionDep, actor: UserDep) -> OrganizationRead:
    return OrganizationRead.model_validate(await service.create_org(session, actor, data=data))


@router.get("/orgs/{org_id}", response_model=OrganizationRead)
async def get_org(org_id: str, session: SessionDep, actor: UserDep) -> OrganizationRead:
    return OrganizationRead.model_validate(await service.get_org(session, actor, org_id))


@router.get("/orgs/{org_id}/members", response_model=list[MemberRead])
async def list_members(org_id: str, session: SessionDep, actor: UserDep) -> list[MemberRead]:
    return await service.list_members(session, actor, org_id)


@router.post("/orgs/{org_id}/members", response_model=MemberRead, status_code=201)
async def add_member(org_id: str, data: MemberAdd, session: SessionDep, actor: UserDep) -> MemberRead:
    return await service.add_member(session, actor, org_id, data=data)


@router.patch("/memberships/{membership_id}", response_model=MemberRead)
async def update_member(membership_id: str, data: MemberUpdate, session: SessionDep, actor: UserDep) -> MemberRead:
    return await service.update_member(session, actor, membership_id, data=data)


@router.delete("/memberships/{membership_id}", status_code=204)
async def remove_member(membership_id: str, session: SessionDep, actor: UserDep) -> Response:
    await service.remove_member(session, actor, membership_id)
    return Response(status_code=204)


@router.get("/orgs/{org_id}/audit", response_model=list[AuditEventRead])
async def org_audit(org_id: str, session: SessionDep, actor: UserDep) -> list[AuditEventRead]:
    return [AuditEventRead.model_validate(e) for e in await list_events(session, actor, org_id=org_id)]


@router.get("/systems", response_model=list[AISystemRead])
async def list_systems(session: SessionDep, actor: UserDep, org_id: str | None = None) -> list[AISystemRead]:
    """Every AI system you may see: your organisations' and those granted to them."""
    return [AISystemRead.model_validate(s) for s in await service.list_systems(session, actor, org_id=org_id)]


@router.post("/orgs/{org_id}/systems", response_model=AISystemRead, status_code=201)
async def create_system(org_id: str, data: AISystemCreate, session: SessionDep, actor: UserDep) -> AISystemRead:
    return AISystemRead.model_validate(await service.create_system(session, actor, org_id, data=data))


@router.get("/systems/{system_id}", response_model=AISystemRead)
async def get_system(system_id: str, session: SessionDep, actor: UserDep) -> AISystemRead:
    return AISystemRead.model_validate(await service.get_system(session, actor, system_id))


@router.get("/systems/{system_id}/versions", response_model=list[VersionOut])
async def list_versions(system_id: str, session: SessionDep, actor: UserDep) -> list[SystemVersionRead]:
    system = await service.get_system(session, actor, system_id)
    return [service.version_view(actor, v, system.org_id)
            for v in await service.list_versions(session, actor, system_id)]


@router.post("/systems/{system_id}/versions", response_model=VersionOut, status_code=201)
async def create_version(system_id: str, data: SystemVersionCreate, session: SessionDep, actor: UserDep,
                         box: SecretBoxDep) -> SystemVersionRead:
    """Register an exact version; the upstream credential is encrypted at rest and never returned."""
    version = await service.create_version(session, actor, system_id, data=data, box=box)
    system = await service.get_system(session, actor, system_id)
    return service.version_view(actor, version, system.org_id)


@router.get("/versions/{version_id}", response_model=VersionOut)
async def get_version(version_id: str, session: SessionDep, actor: UserDep) -> SystemVersionRead:
    version = await service.get_version(session, actor, version_id)
    system = await service.get_system(session, actor, version.system_id)
    return service.version_view(actor, version, system.org_id)


@router.get("/systems/{system_id}/grants", response_model=list[SystemGrantRead])
async def list_grants(system_id: str, session: SessionDep, actor: UserDep) -> list[SystemGrantRead]:
    return [SystemGrantRead.model_validate(g) for g in await service.list_grants(session, actor, system_id)]


@router.post("/systems/{system_id}/grants", response_model=SystemGrantRead, status_code=201)
async def grant_system(system_id: str, data: SystemGrantCreate, session: SessionDep,
                       actor: UserDep) -> SystemGrantRead:
    """Make a system visible to another organisation (e.g. a regulator's observers)."""
    return SystemGrantRead.model_validate(await service.grant_system(session, actor, system_id, data=data))


@router.delete("/grants/{grant_id}", status_code=204)
async def revoke_grant(grant_id: str, session: SessionDep, actor: UserDep) -> Response:
    await service.revoke_grant(session, actor, grant_id)
    return Response(status_code=204)

"""Organisations, members, AI systems, versions and grants: every rule and permission check.
Services take a session and the actor, never commit, and audit every change."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.models import User
from redhive.auth.permissions import Actor, has_permission, require, require_platform_admin, require_user
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.kit import SecretBox, utcnow
from redhive.orgs.models import AISystem, Membership, Organization, SystemGrant, SystemVersion
from redhive.orgs.schemas import (
    AISystemCreate,
    MemberAdd,
    MemberRead,
    MemberUpdate,
    OrganizationCreate,
    SystemGrantCreate,
    SystemVersionCreate,
    SystemVersionRead,
    SystemVersionStaffRead,
)

__all__ = [
    "add_member",
    "create_org",
    "create_system",
    "create_version",
    "get_org",
    "get_system",
    "get_version",
    "grant_system",
    "list_grants",
    "list_members",
    "list_orgs",
    "list_systems",
    "list_versions",
    "org_names",
    "remove_member",
    "reveal_credential",
    "revoke_grant",
    "update_member",
    "version_view",
]


# --- organisations --------------------------------------------------------------------------------

async def create_org(session: AsyncSession, actor: Actor, *, data: OrganizationCreate) -> Organization:
    require_platform_admin(actor)
    key = data.name.casefold()
    if await session.scalar(select(Organization.id).where(Organization.name_key == key)) is not None:
        raise Conflict(f"An organisation named {data.name} already exists: choose another name.", field="name")
    org = Organization(name=data.name, name_key=key, kind=data.kind, description=data.description,
                       created_at=utcnow())
    session.add(org)
    await session.flush()
    await record(session, actor, "orgs.org_created", object_type="organization", object_id=org.id, org_id=org.id,
                 after={"name": org.name, "kind": org.kind})
    return org


async def list_orgs(session: AsyncSession, actor: Actor) -> Sequence[Organization]:
    """Platform admins see every organisation; others the ones they belong to."""
    require_user(actor)
    query = select(Organization).order_by(Organization.name)
    if not actor.is_platform_admin:
        query = query.where(Organization.id.in_(list(actor.memberships)))
    return (await session.scalars(query)).all()


async def get_org(session: AsyncSession, actor: Actor, org_id: str) -> Organization:
    require(actor, "org.view", org_id)
    org = await session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"There is no organisation {org_id}.")
    return org


# --- members --------------------------------------------------------------------------------------

def _member_read(membership: Membership, user: User) -> MemberRead:
    return MemberRead(id=membership.id, user_id=user.id, org_id=membership.org_id, email=user.email,
                      display_name=user.display_name, role=membership.role, created_at=membership.created_at)


async def list_members(session: AsyncSession, actor: Actor, org_id: str) -> list[MemberRead]:
    require(actor, "members.view", org_id)
    rows = (await session.execute(select(Membership, User).join(User, User.id == Membership.user_id)
                                  .where(Membership.org_id == org_id).order_by(User.display_name))).all()
    return [_member_read(m, u) for m, u in rows]


async def add_member(session: AsyncSession, actor: Actor, org_id: str, *, data: MemberAdd) -> MemberRead:
    require(actor, "members.manage", org_id)
    await get_org(session, actor, org_id)
    user = await session.scalar(select(User).where(User.email == data.email))
    if user is None:
        raise InvalidInput(f"No account has the email {data.email}: send them an invitation instead.",
                           field="email")
    existing = await session.scalar(select(Membership).where(Membership.org_id == org_id,
                                                             Membership.user_id == user.id))
    if existing is not None:
        raise Conflict(f"{user.email} is already a member (role {existing.role}): change their role instead.",
                       field="email")
    membership = Membership(user_id=user.id, org_id=org_id, role=data.role, created_at=utcnow())
    session.add(membership)
    await session.flush()
    await record(session, actor, "orgs.member_added", object_type="membership", object_id=membership.id,
                 org_id=org_id, after={"user_id": user.id, "role": data.role})
    return _member_read(membership, user)


async def _membership(session: AsyncSession, actor: Actor, membership_id: str) -> Membership:
    membership = await session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(f"There is no membership {membership_id}.")
    require(actor, "members.manage", membership.org_id)
    return membership


async def _refuse_last_admin(session: AsyncSession, membership: Membership) -> None:
    if membership.role != "admin":
        return
    admins = await session.scalar(select(func.count()).select_from(Membership)
                                  .where(Membership.org_id == membership.org_id, Membership.role == "admin"))
    if (admins or 0) <= 1:
        raise Conflict("This is the organisation's last admin: make someone else admin first.", field="role")


async def update_member(session: AsyncSession, actor: Actor, membership_id: str, *,
                        data: MemberUpdate) -> MemberRead:
    membership = await _membership(session, actor, membership_id)
    before = membership.role
    if data.role != before:
        await _refuse_last_admin(session, membership)
        membership.role = data.role
        await session.flush()
        await record(session, actor, "orgs.member_role_changed", object_type="membership",
                     object_id=membership.id, org_id=membership.org_id, before={"role": before},
                     after={"role": data.role})
    user = await session.get(User, membership.user_id)
    assert user is not None
    return _member_read(membership, user)


async def remove_member(session: AsyncSession, actor: Actor, membership_id: str) -> None:
    membership = await _membership(session, actor, membership_id)
    await _refuse_last_admin(session, membership)
    await record(session, actor, "orgs.member_removed", object_type="membership", object_id=membership.id,
                 org_id=membership.org_id, before={"user_id": membership.user_id, "role": membership.role})
    await session.delete(membership)
    await session.flush()


# --- AI systems, versions, grants -----------------------------------------------------------------

async def _granted_org_ids(session: AsyncSession, system_id: str) -> set[str]:
    return set((await session.scalars(select(SystemGrant.org_id).where(SystemGrant.system_id == system_id))).all())


async def _can_view_system(session: AsyncSession, actor: Actor, system: AISystem) -> bool:
    if has_permission(actor, "systems.view", system.org_id):
        return True
    return bool(set(actor.memberships) & await _granted_org_ids(session, system.id))


async def create_system(session: AsyncSession, actor: Actor, org_id: str, *, data: AISystemCreate) -> AISystem:
    require(actor, "systems.manage", org_id)
    await get_org(session, actor, org_id)
    clash = await session.scalar(select(AISystem.id).where(AISystem.org_id == org_id,
                                                           func.lower(AISystem.name) == data.name.lower()))
    if clash is not None:
        raise Conflict(f"This organisation already has a system named {data.name}: choose another name.",
                       field="name")
    system = AISystem(org_id=org_id, name=data.name, kind=data.kind, description=data.description,
                      created_at=utcnow())
    session.add(system)
    await session.flush()
    await record(session, actor, "orgs.system_created", object_type="ai_system", object_id=system.id,
                 org_id=org_id, after={"name": system.name, "kind": system.kind})
    return system


async def list_systems(session: AsyncSession, actor: Actor, *, org_id: str | None = None) -> Sequence[AISystem]:
    """The systems the actor may see: their organisations' (roles with systems.view) and those
    granted to any organisation they belong to (how observers see anything at all)."""
    require_user(actor)
    query = select(AISystem).order_by(AISystem.name)
    if not actor.is_platform_admin:
        granted = select(SystemGrant.system_id).where(SystemGrant.org_id.in_(list(actor.memberships)))
        query = query.where(or_(AISystem.org_id.in_(actor.org_ids("systems.view")), AISystem.id.in_(granted)))
    if org_id is not None:
        query = query.where(AISystem.org_id == org_id)
    return (await session.scalars(query)).all()


async def get_system(session: AsyncSession, actor: Actor, system_id: str) -> AISystem:
    require_user(actor)
    system = await session.get(AISystem, system_id)
    if system is None:
        raise NotFound(f"There is no AI system {system_id}.")
    if not await _can_view_system(session, actor, system):
        raise PermissionDenied("You may not see this AI system: it belongs to another organisation and was "
                               "not shared with yours.")
    return system


async def create_version(session: AsyncSession, actor: Actor, system_id: str, *, data: SystemVersionCreate,
                         box: SecretBox) -> SystemVersion:
    system = await get_system(session, actor, system_id)
    require(actor, "systems.manage", system.org_id)
    clash = await session.scalar(select(SystemVersion.id).where(SystemVersion.system_id == system_id,
                                                                SystemVersion.label == data.label))
    if clash is not None:
        raise Conflict(f"{system.name} already has a version {data.label}: choose another label.", field="label")
    version = SystemVersion(
        system_id=system_id, label=data.label, checkpoint_id=data.checkpoint_id,
        safeguard_version=data.safeguard_version, system_prompt_hash=data.system_prompt_hash,
        release_date=data.release_date, upstream_target=data.upstream_target,
        upstream_base_url=data.upstream_base_url or None, created_at=utcnow(),
        upstream_credential_encrypted=box.encrypt(data.upstream_credential) if data.upstream_credential else None)
    session.add(version)
    await session.flush()
    await record(session, actor, "orgs.version_created", object_type="system_version", object_id=version.id,
                 org_id=system.org_id, after={"system_id": system_id, "label": version.label,
                                              "upstream_target": version.upstream_target,
                                              "has_credential": version.upstream_credential_encrypted is not None})
    return version


async def list_versions(session: AsyncSession, actor: Actor, system_id: str) -> Sequence[SystemVersion]:
    await get_system(session, actor, system_id)
    return (await session.scalars(select(SystemVersion).where(SystemVersion.system_id == system_id)
                                  .order_by(SystemVersion.created_at))).all()


async def get_version(session: AsyncSession, actor: Actor, version_id: str) -> SystemVersion:
    version = await session.get(SystemVersion, version_id)
    if version is None:
        raise NotFound(f"There is no system version {version_id}.")
    await get_system(session, actor, version.system_id)
    return version


def version_view(actor: Actor, version: SystemVersion, owner_org_id: str) -> SystemVersionRead:
    """The schema this actor may see: staff of the owner see the upstream endpoint, nobody the credential."""
    base = SystemVersionRead.model_validate(version)
    if not has_permission(actor, "systems.view_upstream", owner_org_id):
        return base
    return SystemVersionStaffRead(**base.model_dump(), upstream_target=version.upstream_target,
                                  upstream_base_url=version.upstream_base_url,
                                  has_credential=version.upstream_credential_encrypted is not None)


def reveal_credential(version: SystemVersion, box: SecretBox) -> str | None:
    """The decrypted upstream credential, for the gateway forwarding a call; never for a response."""
    if version.upstream_credential_encrypted is None:
        return None
    return box.decrypt(version.upstream_credential_encrypted)


async def grant_system(session: AsyncSession, actor: Actor, system_id: str, *, data: SystemGrantCreate) -> SystemGrant:
    system = await get_system(session, actor, system_id)
    require(actor, "systems.grant", system.org_id)
    if await session.get(Organization, data.org_id) is None:
        raise InvalidInput(f"There is no organisation {data.org_id}: choose one from the list.", field="org_id")
    if data.org_id == system.org_id:
        raise InvalidInput("A system is always visible to its own organisation.", field="org_id")
    if data.org_id in await _granted_org_ids(session, system_id):
        raise Conflict("That organisation already has access to this system.", field="org_id")
    grant = SystemGrant(system_id=system_id, org_id=data.org_id, granted_by_id=actor.user_id, created_at=utcnow())
    session.add(grant)
    await session.flush()
    await record(session, actor, "orgs.system_granted", object_type="ai_system", object_id=system_id,
                 org_id=system.org_id, after={"grantee_org_id": data.org_id})
    return grant


async def list_grants(session: AsyncSession, actor: Actor, system_id: str) -> Sequence[SystemGrant]:
    system = await get_system(session, actor, system_id)
    require(actor, "systems.view_upstream", system.org_id)
    return (await session.scalars(select(SystemGrant).where(SystemGrant.system_id == system_id))).all()


async def revoke_grant(session: AsyncSession, actor: Actor, grant_id: str) -> None:
    grant = await session.get(SystemGrant, grant_id)
    if grant is None:
        raise NotFound(f"There is no grant {grant_id}.")
    system = await get_system(session, actor, grant.system_id)
    require(actor, "systems.grant", system.org_id)
    await record(session, actor, "orgs.system_grant_revoked", object_type="ai_system", object_id=system.id,
                 org_id=system.org_id, before={"grantee_org_id": grant.org_id})
    await session.delete(grant)
    await session.flush()


async def org_names(session: AsyncSession) -> dict[str, str]:
    """Organisation id -> name, for labelling grants and owners (names are not secret)."""
    return {i: n for i, n in (await session.execute(select(Organization.id, Organization.name))).all()}

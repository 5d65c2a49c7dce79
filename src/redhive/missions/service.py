"""Missions: scope, versioned terms, organisations, cohort selection, invitations, participants.

Who sees a mission: platform admins; members of its organiser and partner organisations; the
members of an organisation granted `observer` on it (a regulator sees only what it was granted);
its participants and invitees. Who manages it: admins and coordinators of the organiser (and of a
partner organisation, for invitations). Services never commit; every change is audited."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth import policy
from redhive.auth.permissions import Actor, authorize, require, require_user
from redhive.auth.policy import Relation
from redhive.auth.signals import access_changed
from redhive.errors import Conflict, InvalidInput, NotFound
from redhive.kit import utcnow
from redhive.missions import lifecycle
from redhive.missions.models import (
    Mission,
    MissionInvitation,
    MissionOrganization,
    MissionParticipant,
    MissionTarget,
    MissionTerms,
    TermsAcknowledgement,
)
from redhive.missions.schemas import MissionCreate, MissionOrgAdd, MissionUpdate
from redhive.orgs.models import AISystem, Organization, SystemGrant, SystemVersion

__all__ = [
    "MissionAccess",
    "add_organization",
    "create_mission",
    "current_terms",
    "get_mission",
    "list_missions",
    "list_organizations",
    "list_targets",
    "manageable",
    "mission_orgs",
    "mission_relations",
    "reporting_org",
    "runnable",
    "transition",
    "update_mission",
]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_ORG_RELATIONSHIP = {"organiser": policy.ORGANISER, "partner": policy.PARTNER, "observer": policy.OBSERVER_ORG}


@dataclass(frozen=True)
class MissionAccess:
    """The mission and the actor's relations to it (policy.Relation), which say what they may do."""

    mission: Mission
    relations: frozenset[Relation]
    is_platform_admin: bool = False

    def can(self, action: str) -> bool:
        return policy.allows(self.is_platform_admin, action, self.relations)

    @property
    def can_manage(self) -> bool:
        return self.can("mission.manage")

    @property
    def can_run(self) -> bool:
        return self.can("mission.run")

    @property
    def level(self) -> str:
        """One word for people: manage, run (a partner's staff), member, observer, participant, invitee."""
        if self.can_manage:
            return "manage"
        if self.can_run:
            return "run"
        kinds = {rel for rel, _ in self.relations}
        for word, rel in (("member", policy.ORGANISER), ("member", policy.PARTNER), ("participant",
                          policy.PARTICIPANT), ("observer", policy.OBSERVER_ORG), ("invitee", policy.INVITEE)):
            if rel in kinds:
                return word
        return "none"


async def mission_orgs(session: AsyncSession, mission_id: str) -> dict[str, str]:
    rows = (
        await session.execute(
            select(MissionOrganization.org_id, MissionOrganization.role).where(
                MissionOrganization.mission_id == mission_id
            )
        )
    ).all()
    return {org: role for org, role in rows}


async def mission_relations(session: AsyncSession, actor: Actor, mission_id: str) -> frozenset[Relation]:
    """How the actor stands to the mission: their role in each of its organisations, participation,
    and a pending invitation that has not expired (declined, revoked and expired ones give nothing)."""
    out: set[Relation] = set()
    if actor.user_id is None:
        return frozenset()
    for org_id, role in (await mission_orgs(session, mission_id)).items():
        member_role = actor.role_in(org_id)
        if member_role is not None:
            out.add((_ORG_RELATIONSHIP[role], member_role))
    part = await session.scalar(select(MissionParticipant.role).where(
        MissionParticipant.mission_id == mission_id, MissionParticipant.user_id == actor.user_id))
    if part is not None:
        out.add((policy.PARTICIPANT, part))
    if await session.scalar(select(MissionInvitation.id).where(
            MissionInvitation.mission_id == mission_id, MissionInvitation.user_id == actor.user_id,
            MissionInvitation.status == "pending", MissionInvitation.expires_at > utcnow()).limit(1)):
        out.add((policy.INVITEE, "*"))
    return frozenset(out)


async def reporting_org(session: AsyncSession, actor: Actor, mission_id: str | None,
                        system_org_id: str) -> str | None:
    """The organisation a reporter tests for: in a mission, the running organisation (organiser or
    partner) they belong to, else the one that invited them; outside one, the system's owner if they
    belong to it. None for an independent reporter."""
    if mission_id is not None:
        orgs = await mission_orgs(session, mission_id)
        for role in ("organiser", "partner"):
            for org_id in sorted(o for o, r in orgs.items() if r == role):
                if actor.role_in(org_id) is not None:
                    return org_id
        invited = await session.scalar(
            select(MissionInvitation.org_id).join(MissionParticipant, MissionParticipant.invitation_id ==
                                                  MissionInvitation.id)
            .where(MissionParticipant.mission_id == mission_id, MissionParticipant.user_id == actor.user_id))
        if invited is not None:
            return invited
    return system_org_id if actor.role_in(system_org_id) is not None else None


async def _access(session: AsyncSession, actor: Actor, mission: Mission) -> MissionAccess:
    return MissionAccess(mission, await mission_relations(session, actor, mission.id), actor.is_platform_admin)


async def get_mission(session: AsyncSession, actor: Actor, mission_id: str, action: str = "mission.view",
                      why: str = "") -> MissionAccess:
    """The mission and how the actor may see it, once `action` is allowed; 404 (not 403) for a
    mission they may not even see, so its existence does not leak."""
    require_user(actor)
    mission = await session.get(Mission, mission_id)
    if mission is None:
        raise NotFound(f"There is no mission {mission_id} that you can see.")
    access = await _access(session, actor, mission)
    authorize(actor, action, access.relations, kind="mission", object_id=mission_id, why=why)
    if action != "mission.view":
        authorize(actor, "mission.view", access.relations, kind="mission", object_id=mission_id)
    return access


async def manageable(session: AsyncSession, actor: Actor, mission_id: str) -> Mission:
    """The mission, for its organiser's admins and coordinators (a partner's may not pause or close it)."""
    access = await get_mission(session, actor, mission_id, "mission.manage", why=(
        "Only the admins and coordinators of the mission's organiser may change it (partners invite, "
        "observers read)."))
    return access.mission


async def runnable(session: AsyncSession, actor: Actor, mission_id: str) -> Mission:
    """The mission, for the staff of its organiser and partner organisations (cohort work)."""
    access = await get_mission(session, actor, mission_id, "mission.run", why=(
        "Only the admins and coordinators of the organisations running this mission may do this."))
    return access.mission


async def list_missions(session: AsyncSession, actor: Actor) -> list[MissionAccess]:
    require_user(actor)
    query = select(Mission).order_by(Mission.created_at.desc())
    if not actor.is_platform_admin:
        seen = select(MissionOrganization.mission_id).where(MissionOrganization.org_id.in_(list(actor.memberships)))
        mine = select(MissionParticipant.mission_id).where(MissionParticipant.user_id == actor.user_id)
        invited = select(MissionInvitation.mission_id).where(MissionInvitation.user_id == actor.user_id)
        query = query.where(or_(Mission.id.in_(seen), Mission.id.in_(mine), Mission.id.in_(invited)))
    out = []
    for mission in (await session.scalars(query)).all():
        access = await _access(session, actor, mission)
        if access.can("mission.view"):
            out.append(access)
    return out


# --- create and edit -------------------------------------------------------------------------------


def _digest(roe: str, nda: str) -> str:
    return hashlib.sha256(f"{roe}\x00{nda}".encode()).hexdigest()


async def _check_versions(session: AsyncSession, org_ids: Sequence[str], version_ids: Sequence[str]) -> None:
    """Every target version must belong to a system of one of the mission's organisations, or to a
    system granted to one of them."""
    for vid in version_ids:
        row = (
            await session.execute(
                select(SystemVersion.id, AISystem.org_id, AISystem.id)
                .join(AISystem, AISystem.id == SystemVersion.system_id)
                .where(SystemVersion.id == vid)
            )
        ).first()
        granted = row is not None and await session.scalar(
            select(SystemGrant.id).where(SystemGrant.system_id == row[2], SystemGrant.org_id.in_(list(org_ids)))
        )
        if row is None or (row[1] not in org_ids and not granted):
            raise InvalidInput(
                f"{vid} is not a system version your organisation owns or was granted: choose one from the list.",
                field="target_version_ids",
            )


async def create_mission(session: AsyncSession, actor: Actor, *, data: MissionCreate) -> Mission:
    require(actor, "missions.manage", data.org_id)
    if await session.get(Organization, data.org_id) is None:
        raise NotFound(f"There is no organisation {data.org_id}.")
    await _check_versions(session, [data.org_id], data.target_version_ids)
    now = utcnow()
    fields = data.model_dump(exclude={"org_id", "rules_of_engagement", "nda", "target_version_ids"})
    mission = Mission(
        org_id=data.org_id, status="draft", created_by_id=actor.user_id, created_at=now, updated_at=now, **fields
    )
    session.add(mission)
    await session.flush()
    session.add(MissionOrganization(mission_id=mission.id, org_id=data.org_id, role="organiser", added_at=now))
    for vid in dict.fromkeys(data.target_version_ids):
        session.add(MissionTarget(mission_id=mission.id, version_id=vid))
    session.add(
        MissionTerms(
            mission_id=mission.id,
            version=1,
            rules_of_engagement=data.rules_of_engagement,
            nda=data.nda,
            digest=_digest(data.rules_of_engagement, data.nda),
            created_by_id=actor.user_id,
            created_at=now,
        )
    )
    await session.flush()
    await record(
        session,
        actor,
        "missions.created",
        object_type="mission",
        object_id=mission.id,
        org_id=mission.org_id,
        after={"title": mission.title, "access_tier": mission.access_tier},
    )
    return mission


async def update_mission(session: AsyncSession, actor: Actor, *, mission_id: str, data: MissionUpdate) -> Mission:
    """Edit scope and terms before the work starts; changed terms become a new version that
    participants must acknowledge again."""
    mission = await manageable(session, actor, mission_id)
    if mission.status not in lifecycle.EDITABLE:
        raise Conflict(
            f"A {mission.status} mission can no longer be edited: pause or close it, and start a new "
            "mission for a new scope."
        )
    orgs = await mission_orgs(session, mission.id)
    await _check_versions(session, [o for o, r in orgs.items() if r != "observer"], data.target_version_ids)
    before = {"title": mission.title, "status": mission.status}
    for key, value in data.model_dump(exclude={"rules_of_engagement", "nda", "target_version_ids"}).items():
        setattr(mission, key, value)
    mission.updated_at = utcnow()
    wanted = set(data.target_version_ids)
    for target in (await session.scalars(select(MissionTarget).where(MissionTarget.mission_id == mission.id))).all():
        if target.version_id not in wanted:
            await session.delete(target)
        wanted.discard(target.version_id)
    for vid in sorted(wanted):
        session.add(MissionTarget(mission_id=mission.id, version_id=vid))
    terms = await current_terms(session, mission.id)
    if _digest(data.rules_of_engagement, data.nda) != terms.digest:
        session.add(
            MissionTerms(
                mission_id=mission.id,
                version=terms.version + 1,
                rules_of_engagement=data.rules_of_engagement,
                nda=data.nda,
                digest=_digest(data.rules_of_engagement, data.nda),
                created_by_id=actor.user_id,
                created_at=utcnow(),
            )
        )
    await session.flush()
    await record(
        session,
        actor,
        "missions.updated",
        object_type="mission",
        object_id=mission.id,
        org_id=mission.org_id,
        before=before,
        after={"title": mission.title},
    )
    return mission


async def current_terms(session: AsyncSession, mission_id: str) -> MissionTerms:
    terms = await session.scalar(
        select(MissionTerms).where(MissionTerms.mission_id == mission_id).order_by(MissionTerms.version.desc()).limit(1)
    )
    if terms is None:
        raise NotFound(f"Mission {mission_id} has no rules of engagement.")
    return terms


async def list_targets(session: AsyncSession, actor: Actor, mission_id: str) -> list[tuple[str, str, str]]:
    """(version id, system name, version label) of the mission's targets."""
    await get_mission(session, actor, mission_id)
    rows = (
        await session.execute(
            select(SystemVersion.id, AISystem.name, SystemVersion.label)
            .join(AISystem, AISystem.id == SystemVersion.system_id)
            .join(MissionTarget, MissionTarget.version_id == SystemVersion.id)
            .where(MissionTarget.mission_id == mission_id)
            .order_by(AISystem.name)
        )
    ).all()
    return [(a, b, c) for a, b, c in rows]


async def list_organizations(session: AsyncSession, actor: Actor, mission_id: str) -> list[tuple[Organization, str]]:
    await get_mission(session, actor, mission_id)
    rows = (
        await session.execute(
            select(Organization, MissionOrganization.role)
            .join(MissionOrganization, MissionOrganization.org_id == Organization.id)
            .where(MissionOrganization.mission_id == mission_id)
            .order_by(MissionOrganization.role, Organization.name)
        )
    ).all()
    return [(o, r) for o, r in rows]


async def add_organization(
    session: AsyncSession, actor: Actor, *, mission_id: str, data: MissionOrgAdd
) -> MissionOrganization:
    """Organiser staff add a partner (joint exercise) or grant an observer (a regulator)."""
    mission = await manageable(session, actor, mission_id)
    if await session.get(Organization, data.org_id) is None:
        raise NotFound(f"There is no organisation {data.org_id}.")
    if data.org_id in await mission_orgs(session, mission.id):
        raise Conflict("That organisation already takes part in this mission.", field="org_id")
    link = MissionOrganization(mission_id=mission.id, org_id=data.org_id, role=data.role, added_at=utcnow())
    session.add(link)
    await session.flush()
    await record(
        session,
        actor,
        "missions.organization_added",
        object_type="mission",
        object_id=mission.id,
        org_id=mission.org_id,
        after={"org_id": data.org_id, "role": data.role},
    )
    return link


async def _facts(session: AsyncSession, mission: Mission) -> lifecycle.MissionFacts:
    terms = await current_terms(session, mission.id)
    count = select(func.count()).select_from
    return lifecycle.MissionFacts(
        has_objective=bool(mission.objective.strip()),
        target_versions=await session.scalar(count(MissionTarget).where(MissionTarget.mission_id == mission.id)) or 0,
        risk_areas=len(mission.risk_areas),
        participants=await session.scalar(count(MissionParticipant).where(MissionParticipant.mission_id == mission.id))
        or 0,
        participants_acknowledged=await session.scalar(
            count(TermsAcknowledgement).where(TermsAcknowledgement.terms_id == terms.id)
        )
        or 0,
        starts_on=mission.starts_on,
        today=utcnow().date(),
    )


async def transition(session: AsyncSession, actor: Actor, *, mission_id: str, status: str) -> Mission:
    mission = await manageable(session, actor, mission_id)
    lifecycle.guard(mission.status, status, await _facts(session, mission))
    before = mission.status
    mission.status = status
    mission.updated_at = utcnow()
    await session.flush()
    access_changed(session)  # pausing or closing holds from the next gateway request
    await record(
        session,
        actor,
        "missions.status_changed",
        object_type="mission",
        object_id=mission.id,
        org_id=mission.org_id,
        before={"status": before},
        after={"status": status},
    )
    return mission

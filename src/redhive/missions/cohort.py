"""A mission's cohort: selection over the network, invitations across organisations, participants,
their acknowledgement of an exact version of the terms, and the coverage view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.models import User
from redhive.auth.permissions import Actor, has_permission, require_user
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.kit import utcnow
from redhive.missions import lifecycle
from redhive.missions.models import (
    Mission,
    MissionInvitation,
    MissionParticipant,
    MissionTerms,
    TermsAcknowledgement,
)
from redhive.missions.schemas import InvitationCreate, InvitationResponse
from redhive.missions.service import current_terms, get_mission, mission_orgs, runnable
from redhive.network import service as network
from redhive.network.selection import Candidate, Cell, MissionNeeds, Selection, cells_of, eligibility, select_cohort
from redhive.orgs.models import Organization

__all__ = [
    "CoverageView",
    "ParticipantView",
    "acknowledge_terms",
    "coverage",
    "get_invitation",
    "invite",
    "list_invitations",
    "list_participants",
    "mission_needs",
    "my_invitations",
    "respond_to_invitation",
    "run_selection",
]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def mission_needs(session: AsyncSession, mission: Mission) -> MissionNeeds:
    orgs = await mission_orgs(session, mission.id)
    names = (await session.scalars(select(Organization.name).where(Organization.id.in_(list(orgs))))).all()
    taken = (
        await session.scalars(select(MissionParticipant.user_id).where(MissionParticipant.mission_id == mission.id))
    ).all()
    pending = (
        await session.scalars(
            select(MissionInvitation.user_id).where(
                MissionInvitation.mission_id == mission.id,
                MissionInvitation.status == "pending",
                MissionInvitation.expires_at > utcnow(),
            )
        )
    ).all()
    return MissionNeeds(
        risk_areas=mission.risk_areas,
        languages=mission.languages,
        regions=mission.regions,
        disciplines=mission.disciplines,
        access_tier=mission.access_tier,
        starts_on=mission.starts_on,
        ends_on=mission.ends_on,
        min_hours_per_week=mission.min_hours_per_week,
        organisations=frozenset(names),
        already_in=frozenset([*taken, *pending]),
    )


async def run_selection(session: AsyncSession, actor: Actor, *, mission_id: str, k: int | None = None) -> Selection:
    """Choose the cohort (nothing is stored: staff review the choice, then invite)."""
    mission = await runnable(session, actor, mission_id)
    experts = await network.list_experts(session, actor)
    needs = await mission_needs(session, mission)
    seats = k or max(mission.cohort_size - len(needs.already_in), 1)
    return select_cohort([e.candidate() for e in experts], needs, seats)


async def invite(
    session: AsyncSession, actor: Actor, *, mission_id: str, data: InvitationCreate
) -> list[MissionInvitation]:
    """Invite experts on behalf of one of the mission's organisations (organiser or partner)."""
    access = await get_mission(session, actor, mission_id)
    mission = access.mission
    orgs = await mission_orgs(session, mission.id)
    org_id = data.org_id or mission.org_id
    if orgs.get(org_id) not in ("organiser", "partner"):
        raise PermissionDenied("Invitations come from an organisation running this mission; yours is not one of them.")
    if not has_permission(actor, "missions.manage", org_id):
        raise PermissionDenied("Only the admins and coordinators of that organisation may invite on its behalf.")
    if mission.status not in lifecycle.INVITING:
        raise Conflict(f"A {mission.status} mission does not invite anyone: move it to recruiting first.")
    experts = {e.user.id: e for e in await network.list_experts(session, actor)}
    needs = await mission_needs(session, mission)
    now = utcnow()
    out = []
    for uid in dict.fromkeys(data.user_ids):
        expert = experts.get(uid)
        if expert is None:
            raise InvalidInput(f"{uid} is not a member of the network: choose experts from the list.", field="user_ids")
        problems = eligibility(expert.candidate(), needs)
        if problems:
            raise InvalidInput(
                f"{expert.user.display_name} cannot be invited: {'; '.join(problems)}.", field="user_ids"
            )
        inv = MissionInvitation(
            mission_id=mission.id,
            user_id=uid,
            org_id=org_id,
            role=data.role,
            note=data.note,
            status="pending",
            invited_by_id=actor.user_id,
            created_at=now,
            expires_at=now + timedelta(days=data.expires_in_days),
        )
        session.add(inv)
        out.append(inv)
    await session.flush()
    for inv in out:
        await record(
            session,
            actor,
            "missions.invited",
            object_type="mission",
            object_id=mission.id,
            org_id=org_id,
            after={"user_id": inv.user_id, "role": inv.role, "invitation_id": inv.id},
        )
    return out


async def list_invitations(session: AsyncSession, actor: Actor, mission_id: str) -> list[MissionInvitation]:
    mission = await runnable(session, actor, mission_id)
    return list(
        (
            await session.scalars(
                select(MissionInvitation)
                .where(MissionInvitation.mission_id == mission.id)
                .order_by(MissionInvitation.created_at)
            )
        ).all()
    )


async def my_invitations(session: AsyncSession, actor: Actor) -> list[tuple[MissionInvitation, Mission]]:
    require_user(actor)
    rows = (
        await session.execute(
            select(MissionInvitation, Mission)
            .join(Mission, Mission.id == MissionInvitation.mission_id)
            .where(MissionInvitation.user_id == actor.user_id)
            .order_by(MissionInvitation.created_at.desc())
        )
    ).all()
    return [(i, m) for i, m in rows]


async def get_invitation(session: AsyncSession, actor: Actor, invitation_id: str) -> MissionInvitation:
    require_user(actor)
    inv = await session.get(MissionInvitation, invitation_id)
    if inv is None or inv.user_id != actor.user_id:
        raise NotFound(f"You have no invitation {invitation_id}.")
    return inv


async def respond_to_invitation(
    session: AsyncSession, actor: Actor, *, invitation_id: str, data: InvitationResponse
) -> MissionParticipant | None:
    """Accept (acknowledging the exact version of the terms read) or decline an invitation."""
    inv = await get_invitation(session, actor, invitation_id)
    if inv.status != "pending":
        raise Conflict(f"This invitation was already {inv.status}.")
    if _aware(inv.expires_at) <= utcnow():
        raise InvalidInput(
            f"This invitation expired on {_aware(inv.expires_at):%Y-%m-%d %H:%M} UTC: ask the "
            "mission's coordinators to invite you again.",
            field="invitation",
        )
    mission = await session.get(Mission, inv.mission_id)
    assert mission is not None
    now = utcnow()
    if not data.accept:
        inv.status, inv.responded_at = "declined", now
        await session.flush()
        await record(
            session,
            actor,
            "missions.invitation_declined",
            object_type="mission",
            object_id=mission.id,
            org_id=inv.org_id,
            after={"invitation_id": inv.id},
        )
        return None
    if mission.status not in lifecycle.INVITING and mission.status not in ("active", "paused"):
        raise Conflict(f"The mission is {mission.status}: it takes no new participants.")
    if await session.scalar(
        select(MissionParticipant.id).where(
            MissionParticipant.mission_id == mission.id, MissionParticipant.user_id == inv.user_id
        )
    ):
        raise Conflict("You already take part in this mission: there is nothing to accept.")
    terms = await current_terms(session, mission.id)
    _check_ack(data.acknowledge, data.terms_version, terms)
    participant = MissionParticipant(
        mission_id=mission.id, user_id=inv.user_id, role=inv.role, invitation_id=inv.id, joined_at=now
    )
    session.add(participant)
    session.add(
        TermsAcknowledgement(mission_id=mission.id, terms_id=terms.id, user_id=inv.user_id, acknowledged_at=now)
    )
    inv.status, inv.responded_at = "accepted", now
    await session.flush()
    await record(
        session,
        actor,
        "missions.invitation_accepted",
        object_type="mission",
        object_id=mission.id,
        org_id=inv.org_id,
        after={"invitation_id": inv.id, "terms_version": terms.version, "terms_digest": terms.digest},
    )
    return participant


def _check_ack(acknowledge: bool, version: int | None, terms: MissionTerms) -> None:
    if not acknowledge:
        raise InvalidInput(
            "To take part you must acknowledge the rules of engagement and the NDA: tick the box.", field="acknowledge"
        )
    if version != terms.version:
        raise Conflict(
            f"The rules of engagement changed to version {terms.version} while you read version "
            f"{version}: read the current version and acknowledge it.",
            field="terms_version",
        )


async def acknowledge_terms(
    session: AsyncSession, actor: Actor, *, mission_id: str, version: int
) -> TermsAcknowledgement:
    """A participant acknowledges a new version of the terms."""
    await get_mission(session, actor, mission_id, "mission.participate",
                      why="Only participants of this mission acknowledge its terms.")
    terms = await current_terms(session, mission_id)
    _check_ack(True, version, terms)
    done = await session.scalar(
        select(TermsAcknowledgement).where(
            TermsAcknowledgement.terms_id == terms.id, TermsAcknowledgement.user_id == actor.user_id
        )
    )
    if done is not None:
        return done
    assert actor.user_id is not None
    ack = TermsAcknowledgement(
        mission_id=mission_id, terms_id=terms.id, user_id=actor.user_id, acknowledged_at=utcnow()
    )
    session.add(ack)
    await session.flush()
    await record(
        session,
        actor,
        "missions.terms_acknowledged",
        object_type="mission",
        object_id=mission_id,
        after={"terms_version": terms.version, "terms_digest": terms.digest},
    )
    return ack


@dataclass(frozen=True)
class ParticipantView:
    user_id: str
    display_name: str
    role: str
    joined_at: datetime
    acknowledged_version: int | None
    acknowledged_at: datetime | None
    candidate: Candidate | None


async def list_participants(session: AsyncSession, actor: Actor, mission_id: str) -> list[ParticipantView]:
    await get_mission(session, actor, mission_id)
    rows = (
        await session.execute(
            select(MissionParticipant, User)
            .join(User, User.id == MissionParticipant.user_id)
            .where(MissionParticipant.mission_id == mission_id)
            .order_by(MissionParticipant.joined_at)
        )
    ).all()
    acks = (
        await session.execute(
            select(TermsAcknowledgement.user_id, MissionTerms.version, TermsAcknowledgement.acknowledged_at)
            .join(MissionTerms, MissionTerms.id == TermsAcknowledgement.terms_id)
            .where(TermsAcknowledgement.mission_id == mission_id)
            .order_by(MissionTerms.version)
        )
    ).all()
    latest = {uid: (version, at) for uid, version, at in acks}
    profiles = {e.user.id: e for e in await _profiles(session, [u.id for _, u in rows])}
    out = []
    for part, user in rows:
        version, at = latest.get(user.id, (None, None))
        expert = profiles.get(user.id)
        out.append(
            ParticipantView(
                user.id,
                user.display_name,
                part.role,
                part.joined_at,
                version,
                at,
                expert.candidate() if expert else None,
            )
        )
    return out


async def _profiles(session: AsyncSession, user_ids: list[str]) -> list[network.ExpertView]:
    from redhive.network.models import ExpertProfile

    rows = (
        await session.execute(
            select(User, ExpertProfile)
            .join(ExpertProfile, ExpertProfile.user_id == User.id)
            .where(User.id.in_(user_ids))
        )
    ).all()
    return [network.ExpertView(u, p) for u, p in rows]


@dataclass(frozen=True)
class CoverageView:
    """Cells × participants. `attempts` and `findings` per cell are counted by the scan and findings
    domains once they link their records to missions (later issues); until then they are absent."""

    cells: list[tuple[Cell, float]]
    participants: list[ParticipantView]
    covers: dict[Cell, list[str]] = field(default_factory=dict)  # cell -> participant user ids

    @property
    def covered(self) -> int:
        return sum(1 for c, _ in self.cells if self.covers.get(c))


async def coverage(session: AsyncSession, actor: Actor, mission_id: str) -> CoverageView:
    access = await get_mission(session, actor, mission_id)
    needs = await mission_needs(session, access.mission)
    weights = needs.cells()
    participants = await list_participants(session, actor, mission_id)
    covers: dict[Cell, list[str]] = {c: [] for c in weights}
    for p in participants:
        if p.candidate is not None:
            for cell in cells_of(p.candidate, needs):
                covers[cell].append(p.user_id)
    cells = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    return CoverageView(cells, participants, covers)

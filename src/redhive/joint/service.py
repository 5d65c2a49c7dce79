"""Joint exercises: a mission run by several organisations (its organiser coordinates; partners and
observers take part) under one agreement, and its one consolidated report.

The agreement says what each party receives of the other parties' flaws in the mission (a TLP label,
TLP:RED only for named individuals), from when. A party's own flaws are shared once its staff accept
(the organiser accepts by making it); each acceptance writes that party's shares as ordinary sharing
agreements pointing at the joint one (D40), so what a party sees goes through the same sharing,
redaction and audit as any other share. Services never commit; every change is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize, has_permission, require
from redhive.disclosure import sharing, tlp
from redhive.disclosure.models import SharingAgreement
from redhive.disclosure.redaction import parse_audience
from redhive.errors import Conflict, InvalidInput, NotFound
from redhive.joint.models import JointAgreement, JointParty
from redhive.missions import service as missions
from redhive.missions.models import MissionInvitation, MissionParticipant
from redhive.orgs.models import Membership

__all__ = ["Exercise", "Participant", "Party", "accept", "create_agreement", "exercise"]


@dataclass(frozen=True)
class Party:
    """One terms line of the agreement: what `org_id` receives of the others' flaws."""

    org_id: str
    audience: str
    named_user_ids: Sequence[str] = ()


@dataclass(frozen=True)
class Participant:
    org_id: str
    name: str
    role: str
    participants: int
    audience: str | None
    accepted: bool


@dataclass(frozen=True)
class Exercise:
    """What the joint-exercise page shows: the mission, its organisations with their share and
    headcount, the agreement (if any), and what the actor may do."""

    access: missions.MissionAccess
    agreement: JointAgreement | None
    organisations: list[Participant]
    can_accept: list[str]


async def _agreement(session: AsyncSession, mission_id: str) -> JointAgreement | None:
    return await session.scalar(select(JointAgreement).where(JointAgreement.mission_id == mission_id))


async def _parties(session: AsyncSession, agreement_id: str) -> list[JointParty]:
    return list((await session.scalars(select(JointParty).where(JointParty.agreement_id == agreement_id)
                                       .order_by(JointParty.org_id))).all())


async def create_agreement(session: AsyncSession, actor: Actor, mission_id: str, *, parties: Sequence[Party],
                           after: str = "validated", delay_days: int = 0, note: str = "",
                           now: datetime) -> JointAgreement:
    """The mission's one agreement, made by its organiser's staff, checked whole before anything is
    stored. Every organisation of the mission that receives anything is a party; the organiser is one."""
    mission = await missions.manageable(session, actor, mission_id)
    if await _agreement(session, mission.id) is not None:
        raise Conflict("This joint exercise already has its agreement: a mission runs under one agreement.")
    orgs = await missions.mission_orgs(session, mission.id)
    if after not in sharing.AFTER:
        raise InvalidInput(f"Sharing starts after a flaw is validated or fixed, not {after!r}: give after "
                           "validated or fixed.", field="after")
    if not 0 <= delay_days <= 3650:
        raise InvalidInput("delay_days must be between 0 and 3650.", field="delay_days")
    terms: dict[str, Party] = {}
    for party in parties:
        if party.org_id not in orgs:
            raise InvalidInput(f"{party.org_id} does not take part in this mission: add it as a partner or observer "
                               "first, then name it in the agreement.", field="parties")
        if party.org_id in terms:
            raise InvalidInput(f"{party.org_id} is named twice: give each organisation one label.", field="parties")
        audience = parse_audience(party.audience)
        named = sorted(set(party.named_user_ids))
        if audience == tlp.RED and not named:
            raise InvalidInput("TLP:RED is for named individuals only: name the party's members who receive it "
                               "(named_user_ids), or give it TLP:AMBER+STRICT.", field="parties")
        if named:
            members = set((await session.scalars(select(Membership.user_id).where(
                Membership.org_id == party.org_id, Membership.user_id.in_(named)))).all())
            if members != set(named):
                raise InvalidInput("Every named individual must be a member of their party: "
                                   f"{', '.join(sorted(set(named) - members))} is not.", field="parties")
        terms[party.org_id] = Party(party.org_id, audience, named)
    if len(terms) < 2 or mission.org_id not in terms:
        raise InvalidInput("A joint agreement names the organiser and at least one other organisation of the "
                           "mission, each with the label it receives.", field="parties")
    agreement = JointAgreement(mission_id=mission.id, after=after, delay_days=delay_days, note=note,
                               created_by_id=actor.user_id, created_at=now)
    session.add(agreement)
    await session.flush()
    for party in terms.values():
        session.add(JointParty(agreement_id=agreement.id, org_id=party.org_id, audience=party.audience,
                               named_user_ids=list(party.named_user_ids)))
    await session.flush()
    await record(session, actor, "joint.agreement_created", object_type="mission", object_id=mission.id,
                 org_id=mission.org_id, after={"agreement_id": agreement.id, "after": after, "delay_days": delay_days,
                                               "parties": {p.org_id: p.audience for p in terms.values()}})
    await _accept(session, actor, agreement, mission.org_id, now)
    return agreement


async def _accept(session: AsyncSession, actor: Actor, agreement: JointAgreement, org_id: str,
                  now: datetime) -> JointParty:
    parties = await _parties(session, agreement.id)
    [mine] = [p for p in parties if p.org_id == org_id]
    if mine.accepted_at is not None:
        return mine
    mine.accepted_at, mine.accepted_by_id = now, actor.user_id
    for other in parties:
        if other.org_id != org_id:
            session.add(SharingAgreement(
                org_id=org_id, recipient_org_id=other.org_id, scope_type="mission", scope_id=agreement.mission_id,
                audience=other.audience, after=agreement.after, delay_days=agreement.delay_days,
                named_user_ids=list(other.named_user_ids), note=f"joint exercise {agreement.mission_id}",
                created_by_id=actor.user_id, created_at=now, joint_agreement_id=agreement.id))
    await session.flush()
    await record(session, actor, "joint.agreement_accepted", object_type="mission", object_id=agreement.mission_id,
                 org_id=org_id, after={"agreement_id": agreement.id,
                                       "shares": {p.org_id: p.audience for p in parties if p.org_id != org_id}})
    return mine


async def accept(session: AsyncSession, actor: Actor, agreement_id: str, org_id: str, *,
                 now: datetime) -> JointAgreement:
    """A party's staff accept the agreement: from now on the party's own flaws in the mission are
    shared with each other party at that party's label."""
    agreement = await session.get(JointAgreement, agreement_id)
    if agreement is None:
        raise NotFound(f"There is no joint agreement {agreement_id} that you can see.")
    await missions.get_mission(session, actor, agreement.mission_id)
    if org_id not in {p.org_id for p in await _parties(session, agreement.id)}:
        raise InvalidInput(f"{org_id} is not a party to this mission's agreement.", field="org_id")
    require(actor, "joint.accept", org_id)
    await _accept(session, actor, agreement, org_id, now)
    return agreement


async def exercise(session: AsyncSession, actor: Actor, mission_id: str) -> Exercise:
    """The joint exercise as the actor may see it: anyone who sees the mission sees its organisations,
    their labels and headcounts (participants counted by the organisation they test for)."""
    access = await missions.get_mission(session, actor, mission_id)
    authorize(actor, "joint.report", access.relations, kind="mission", object_id=mission_id,
              why="Only the organisations of a joint exercise see its agreement and consolidated report.")
    agreement = await _agreement(session, mission_id)
    parties = {p.org_id: p for p in (await _parties(session, agreement.id) if agreement else [])}
    invited = dict((await session.execute(
        select(MissionInvitation.org_id, func.count()).join(
            MissionParticipant, MissionParticipant.invitation_id == MissionInvitation.id)
        .where(MissionParticipant.mission_id == mission_id).group_by(MissionInvitation.org_id))).all())
    out = []
    for org, role in await missions.list_organizations(session, actor, mission_id):
        party = parties.get(org.id)
        out.append(Participant(org_id=org.id, name=org.name, role=role, participants=int(invited.get(org.id, 0)),
                               audience=party.audience if party else None,
                               accepted=bool(party and party.accepted_at)))
    can_accept = [p.org_id for p in parties.values()
                  if p.accepted_at is None and has_permission(actor, "joint.accept", p.org_id)]
    return Exercise(access=access, agreement=agreement, organisations=out, can_accept=can_accept)


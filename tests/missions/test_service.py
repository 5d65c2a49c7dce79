"""Missions on SQLite and PostgreSQL: lifecycle, versioned terms, joint invitations, observers, coverage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from tests.network.world import World, application, build_world

from redhive.audit.models import AuditEvent
from redhive.auth.permissions import Actor
from redhive.db.session import Database
from redhive.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from redhive.kit import utcnow
from redhive.missions import cohort
from redhive.missions import service as missions
from redhive.missions.models import Mission, MissionInvitation, MissionParticipant, TermsAcknowledgement
from redhive.missions.schemas import InvitationCreate, InvitationResponse, MissionCreate, MissionOrgAdd, MissionUpdate
from redhive.network import service as network
from redhive.network.rubric import CRITERIA
from redhive.network.schemas import DecisionCreate, ReviewCreate

ROE = "Test only the listed versions through the gateway; stop at the first surrogate hazard and report it."
NDA = "Findings stay confidential until the developer's fix or 90 days, whichever comes first."


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.sessions() as s:
        yield s


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


def mission_data(world: World, **overrides: Any) -> MissionCreate:
    values: dict[str, Any] = {
        "org_id": world.lab.id,
        "title": "Multilingual jailbreak sweep",
        "objective": "Find policy jailbreaks that work in low-resource languages.",
        "in_scope": "northwind-chat v1 through the gateway",
        "out_of_scope": "Infrastructure, other customers",
        "risk_areas": {"jailbreak": 2.0, "misinformation": 1.0},
        "languages": {"en": 1.0, "yo": 1.0, "es": 1.0},
        "regions": {"africa_sub_saharan": 1.0, "americas_latin": 1.0},
        "disciplines": {},
        "access_tier": "T1_prerelease_mitigated",
        "hazard_ceiling": "HZ1",
        "target_version_ids": [world.version_id],
        "rules_of_engagement": ROE,
        "nda": NDA,
        "cohort_size": 2,
    }
    values.update(overrides)
    return MissionCreate.model_validate(values)


async def expert(session: AsyncSession, world: World, email: str, **overrides: Any) -> str:
    app = await network.submit_application(session, data=application(email=email, links=[], **overrides))
    for reviewer in (world.coord, world.triager):
        await network.review_application(
            session, reviewer, application_id=app.id, data=ReviewCreate(scores=dict.fromkeys(CRITERIA, 4))
        )
    decided = await network.decide_application(
        session, world.coord, application_id=app.id, data=DecisionCreate(decision="accept", reason_codes=["meets_bar"])
    )
    assert decided.user is not None
    await network.set_vetting(session, world.admin, user_id=decided.user.id, level="id_verified")
    return decided.user.id


async def actor_of(session: AsyncSession, user_id: str) -> Actor:
    from redhive.auth import service as auth

    return await auth.load_actor(session, await auth.get_user(session, user_id), via="password")


async def recruiting(session: AsyncSession, world: World) -> Mission:
    mission = await missions.create_mission(session, world.lab_coord, data=mission_data(world))
    return await missions.transition(session, world.lab_coord, mission_id=mission.id, status="recruiting")


async def test_the_whole_flow_select_invite_acknowledge_activate(session: AsyncSession, world: World) -> None:
    amina = await expert(session, world, "amina@example.org")
    diego = await expert(
        session,
        world,
        "diego@example.org",
        full_name="Diego Ruiz",
        languages=["es", "en"],
        regions=["americas_latin"],
        risk_areas=["misinformation"],
    )
    mission = await recruiting(session, world)
    selection = await cohort.run_selection(session, world.lab_coord, mission_id=mission.id)
    assert {c.id for c in selection.chosen} == {amina, diego}
    assert selection.picks[0].candidate.id == amina  # jailbreak cells weigh double
    invitations = await cohort.invite(
        session,
        world.lab_coord,
        mission_id=mission.id,
        data=InvitationCreate(user_ids=[p.candidate.id for p in selection.picks], note=selection.picks[0].reason),
    )
    assert len(invitations) == 2
    me = await actor_of(session, amina)
    mine = await cohort.my_invitations(session, me)
    assert [m.id for _, m in mine] == [mission.id]
    await cohort.respond_to_invitation(
        session,
        me,
        invitation_id=mine[0][0].id,
        data=InvitationResponse(accept=True, terms_version=1, acknowledge=True),
    )
    ack = await session.scalar(select(TermsAcknowledgement))
    assert ack is not None and ack.user_id == amina
    await missions.transition(session, world.lab_coord, mission_id=mission.id, status="briefing")
    active = await missions.transition(session, world.lab_coord, mission_id=mission.id, status="active")
    assert active.status == "active"
    view = await cohort.coverage(session, world.lab_coord, mission.id)
    assert len(view.cells) == 2 * 3 * 2
    assert view.covered == 4  # amina: {jailbreak, misinformation} × {en, yo} × africa_sub_saharan
    assert all(view.covers[c] == [amina] for c, _ in view.cells if view.covers[c])


async def test_new_terms_are_a_new_version_to_acknowledge(session: AsyncSession, world: World) -> None:
    amina = await expert(session, world, "amina@example.org")
    mission = await recruiting(session, world)
    [inv] = await cohort.invite(
        session, world.lab_coord, mission_id=mission.id, data=InvitationCreate(user_ids=[amina])
    )
    update_data = MissionUpdate.model_validate(
        {**mission_data(world).model_dump(exclude={"org_id"}), "rules_of_engagement": ROE + " No automated scanning."}
    )
    await missions.update_mission(session, world.lab_coord, mission_id=mission.id, data=update_data)
    terms = await missions.current_terms(session, mission.id)
    assert terms.version == 2
    me = await actor_of(session, amina)
    with pytest.raises(Conflict, match="changed to version 2"):
        await cohort.respond_to_invitation(
            session, me, invitation_id=inv.id, data=InvitationResponse(accept=True, terms_version=1, acknowledge=True)
        )
    with pytest.raises(InvalidInput, match="tick the box"):
        await cohort.respond_to_invitation(
            session, me, invitation_id=inv.id, data=InvitationResponse(accept=True, terms_version=2)
        )
    assert await session.scalar(select(func.count()).select_from(MissionParticipant)) == 0
    await cohort.respond_to_invitation(
        session, me, invitation_id=inv.id, data=InvitationResponse(accept=True, terms_version=2, acknowledge=True)
    )
    [part] = await cohort.list_participants(session, world.lab_coord, mission.id)
    assert part.acknowledged_version == 2 and part.acknowledged_at is not None


async def test_an_expired_invitation_is_refused(session: AsyncSession, world: World) -> None:
    amina = await expert(session, world, "amina@example.org")
    mission = await recruiting(session, world)
    [inv] = await cohort.invite(
        session, world.lab_coord, mission_id=mission.id, data=InvitationCreate(user_ids=[amina])
    )
    inv_id = inv.id
    await session.execute(update(MissionInvitation).values(expires_at=utcnow() - timedelta(hours=1)))
    with pytest.raises(InvalidInput, match="expired on .* ask the mission's coordinators to invite you again"):
        await cohort.respond_to_invitation(
            session,
            await _fresh(session, amina),
            invitation_id=inv_id,
            data=InvitationResponse(accept=True, terms_version=1, acknowledge=True),
        )
    assert await session.scalar(select(func.count()).select_from(MissionParticipant)) == 0


async def _fresh(session: AsyncSession, uid: str) -> Actor:
    session.expire_all()
    return await actor_of(session, uid)


async def test_joint_exercise_partners_invite_outsiders_get_403(session: AsyncSession, world: World) -> None:
    amina = await expert(session, world, "amina@example.org")
    mission = await recruiting(session, world)
    with pytest.raises(NotFound):  # another developer cannot even see the mission
        await cohort.invite(session, world.other_coord, mission_id=mission.id, data=InvitationCreate(user_ids=[amina]))
    await missions.add_organization(
        session, world.lab_coord, mission_id=mission.id, data=MissionOrgAdd(org_id=world.other_lab.id, role="partner")
    )
    with pytest.raises(PermissionDenied, match="organisation running this mission"):
        await cohort.invite(
            session,
            world.other_coord,
            mission_id=mission.id,
            data=InvitationCreate(user_ids=[amina], org_id=world.regulator.id),
        )
    with pytest.raises(PermissionDenied, match="admins and coordinators of that organisation"):
        await cohort.invite(
            session,
            world.other_coord,
            mission_id=mission.id,
            data=InvitationCreate(user_ids=[amina], org_id=world.lab.id),
        )
    [inv] = await cohort.invite(
        session,
        world.other_coord,
        mission_id=mission.id,
        data=InvitationCreate(user_ids=[amina], org_id=world.other_lab.id),
    )
    assert inv.org_id == world.other_lab.id
    with pytest.raises(PermissionDenied, match="organiser"):
        await missions.add_organization(
            session,
            world.other_coord,
            mission_id=mission.id,
            data=MissionOrgAdd(org_id=world.regulator.id, role="observer"),
        )


async def test_observers_see_only_missions_granted_to_their_organisation(session: AsyncSession, world: World) -> None:
    granted = await missions.create_mission(session, world.lab_coord, data=mission_data(world))
    hidden = await missions.create_mission(session, world.lab_coord, data=mission_data(world, title="Internal"))
    await missions.add_organization(
        session, world.lab_coord, mission_id=granted.id, data=MissionOrgAdd(org_id=world.regulator.id, role="observer")
    )
    seen = await missions.list_missions(session, world.observer)
    assert [a.mission.id for a in seen] == [granted.id] and seen[0].level == "observer"
    with pytest.raises(NotFound):
        await missions.get_mission(session, world.observer, hidden.id)
    with pytest.raises(PermissionDenied):
        await missions.transition(session, world.observer, mission_id=granted.id, status="recruiting")
    assert {a.mission.id for a in await missions.list_missions(session, world.lab_coord)} == {granted.id, hidden.id}


async def test_constraints_hold_at_invitation_time(session: AsyncSession, world: World) -> None:
    conflicted = await expert(session, world, "amina@example.org", conflicts=["Northwind Labs"])
    mission = await recruiting(session, world)
    with pytest.raises(InvalidInput, match="conflict of interest with Northwind Labs"):
        await cohort.invite(
            session, world.lab_coord, mission_id=mission.id, data=InvitationCreate(user_ids=[conflicted])
        )
    selection = await cohort.run_selection(session, world.lab_coord, mission_id=mission.id)
    assert not selection.picks and selection.excluded[0].candidate.id == conflicted


async def test_lifecycle_refusals_and_edit_lock(session: AsyncSession, world: World) -> None:
    mission = await missions.create_mission(session, world.lab_coord, data=mission_data(world))
    with pytest.raises(InvalidTransition, match="from draft it can only move to recruiting or closed"):
        await missions.transition(session, world.lab_coord, mission_id=mission.id, status="active")
    await missions.transition(session, world.lab_coord, mission_id=mission.id, status="recruiting")
    with pytest.raises(InvalidTransition, match="no participant"):
        await missions.transition(session, world.lab_coord, mission_id=mission.id, status="briefing")
    await missions.transition(session, world.lab_coord, mission_id=mission.id, status="closed")
    with pytest.raises(Conflict, match="can no longer be edited"):
        await missions.update_mission(
            session,
            world.lab_coord,
            mission_id=mission.id,
            data=MissionUpdate.model_validate(mission_data(world).model_dump()),
        )
    events = (
        await session.scalars(select(AuditEvent.after).where(AuditEvent.action == "missions.status_changed"))
    ).all()
    assert [e["status"] for e in events if e] == ["recruiting", "closed"]


async def test_targets_must_belong_to_the_mission_organisations(session: AsyncSession, world: World) -> None:
    with pytest.raises(InvalidInput, match="not a system version your organisation owns"):
        await missions.create_mission(
            session, world.lab_coord, data=mission_data(world, target_version_ids=[world.other_version_id])
        )
    with pytest.raises(PermissionDenied):
        await missions.create_mission(session, world.other_coord, data=mission_data(world))
    assert await session.scalar(select(func.count()).select_from(Mission)) == 0

"""The network's services on SQLite and PostgreSQL: apply, review, decide, vet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.network.world import World, application, build_world

from redhive.audit.models import AuditEvent
from redhive.auth.models import User
from redhive.auth.permissions import ANONYMOUS, Actor
from redhive.db.session import Database
from redhive.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from redhive.kit import utcnow
from redhive.network import service as network
from redhive.network.models import Application, ApplicationReview, ExpertProfile
from redhive.network.rubric import CRITERIA
from redhive.network.schemas import DecisionCreate, ReviewCreate


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.sessions() as s:
        yield s


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


def scores(value: int) -> ReviewCreate:
    return ReviewCreate(scores=dict.fromkeys(CRITERIA, value), comment="solid")


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_apply_review_accept_makes_an_expert_user(session: AsyncSession, world: World) -> None:
    app = await network.submit_application(session, data=application())
    assert app.status == "pending" and app.languages == ["en", "ha", "yo"]
    await network.review_application(session, world.coord, application_id=app.id, data=scores(4))
    with pytest.raises(InvalidInput, match="at least 2"):
        await network.decide_application(
            session,
            world.coord,
            application_id=app.id,
            data=DecisionCreate(decision="accept", reason_codes=["meets_bar"]),
        )
    await network.review_application(session, world.triager, application_id=app.id, data=scores(5))
    rec = await network.recommendation(session, world.coord, app.id)
    assert rec is not None and rec.decision == "accept"
    decided = await network.decide_application(
        session, world.coord, application_id=app.id, data=DecisionCreate(decision="accept", reason_codes=["meets_bar"])
    )
    assert decided.user is not None and decided.user.email == "amina@example.org"
    assert decided.user.password_hash is None and decided.activation_token
    profile = await session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == decided.user.id))
    assert profile is not None and profile.quality == pytest.approx((4.5 - 1) / 4)
    user = await network.activate_expert(session, token=decided.activation_token, password="a long passphrase")
    assert user.password_hash
    with pytest.raises(InvalidInput, match="not valid or was already used"):
        await network.activate_expert(session, token=decided.activation_token, password="a long passphrase")
    experts = await network.list_experts(session, world.lab_coord)
    assert [e.user.email for e in experts] == ["amina@example.org"]
    actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions.count("network.application_reviewed") == 2 and "network.application_decided" in actions


async def test_duplicate_applications_are_refused_field_by_field(session: AsyncSession, world: World) -> None:
    await network.submit_application(session, data=application())
    owner = Actor(user_id="u" * 32, email=application().email)
    with pytest.raises(network.DuplicateApplication) as err:  # told to the e-mail's logged-in owner only
        await network.submit_application(session, owner, data=application())
    assert set(err.value.fields) == {"email"} and "already under review" in err.value.fields["email"]
    receipt = await network.submit_application(session, data=application())  # anyone else: a receipt
    assert receipt.status == "pending" and await count(session, Application) == 1
    repeated = await session.scalar(select(AuditEvent).where(AuditEvent.action == "network.application_repeated"))
    assert repeated is not None and "already under review" in (repeated.after or {})["why"]
    with pytest.raises(network.DuplicateApplication) as err:
        await network.submit_application(
            session, data=application(email="other@example.org", links=["https://example.org/amina/"])
        )
    assert set(err.value.fields) == {"links"}
    assert await count(session, Application) == 1


async def test_a_rejection_sets_a_reapply_date_that_blocks_until_then(session: AsyncSession, world: World) -> None:
    app = await network.submit_application(session, data=application())
    await network.review_application(session, world.coord, application_id=app.id, data=scores(1))
    await network.review_application(session, world.triager, application_id=app.id, data=scores(2))
    decided = await network.decide_application(
        session,
        world.coord,
        application_id=app.id,
        data=DecisionCreate(decision="reject", reason_codes=["unverifiable_evidence"]),
    )
    today = utcnow().date()
    assert decided.application.reapply_after == today + timedelta(days=180)
    with pytest.raises(network.DuplicateApplication, match="apply again from"):
        await network.submit_application(session, Actor(user_id="u" * 32, email=application().email),
                                         data=application())
    assert (await network.submit_application(session, data=application())).id != app.id  # not stored
    again = await network.submit_application(session, data=application(), today=today + timedelta(days=181))
    assert again.status == "pending"


async def test_only_network_staff_review_and_decide(session: AsyncSession, world: World) -> None:
    app = await network.submit_application(session, data=application())
    with pytest.raises(PermissionDenied, match="network's staff"):
        await network.review_application(session, world.lab_coord, application_id=app.id, data=scores(4))
    with pytest.raises(PermissionDenied):
        await network.list_applications(session, world.observer)
    with pytest.raises(NotAuthenticated):
        await network.list_applications(session, ANONYMOUS)
    await network.review_application(session, world.coord, application_id=app.id, data=scores(4))
    await network.review_application(session, world.triager, application_id=app.id, data=scores(4))
    with pytest.raises(PermissionDenied, match="network.decide"):  # triagers review but do not decide
        await network.decide_application(
            session,
            world.triager,
            application_id=app.id,
            data=DecisionCreate(decision="accept", reason_codes=["meets_bar"]),
        )


async def test_one_review_per_reviewer_and_whole_scores(session: AsyncSession, world: World) -> None:
    app = await network.submit_application(session, data=application())
    await network.review_application(session, world.coord, application_id=app.id, data=scores(4))
    with pytest.raises(Conflict, match="already reviewed"):
        await network.review_application(session, world.coord, application_id=app.id, data=scores(5))
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        await network.review_application(session, world.triager, application_id=app.id, data=scores(9))
    assert await count(session, ApplicationReview) == 1


async def test_a_decision_with_wrong_codes_stores_nothing(session: AsyncSession, world: World) -> None:
    app = await network.submit_application(session, data=application())
    await network.review_application(session, world.coord, application_id=app.id, data=scores(4))
    await network.review_application(session, world.triager, application_id=app.id, data=scores(4))
    with pytest.raises(InvalidInput, match="does not apply to accept"):
        await network.decide_application(
            session,
            world.coord,
            application_id=app.id,
            data=DecisionCreate(decision="accept", reason_codes=["judgment_concerns"]),
        )
    assert app.status == "pending" and await count(session, User) == 6


async def test_vetting_is_granted_by_platform_admins_and_audited(session: AsyncSession, world: World) -> None:
    app = await network.submit_application(session, data=application())
    await network.review_application(session, world.coord, application_id=app.id, data=scores(4))
    await network.review_application(session, world.triager, application_id=app.id, data=scores(4))
    decided = await network.decide_application(
        session, world.coord, application_id=app.id, data=DecisionCreate(decision="accept", reason_codes=["meets_bar"])
    )
    assert decided.user is not None
    with pytest.raises(PermissionDenied, match="platform admins"):
        await network.set_vetting(session, world.coord, user_id=decided.user.id, level="gov_cleared")
    user = await network.set_vetting(session, world.admin, user_id=decided.user.id, level="background_checked")
    assert user.vetting_level == "background_checked"
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.vetting_changed"))
    assert event is not None and event.after == {"vetting_level": "background_checked"}
    assert event.actor_id == world.admin.user_id


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("statement", "x" * 4001, "at most 4000"),
        ("full_name", "n" * 121, "at most 120"),
        ("languages", ["en", "klingon"], "not a known language"),
        ("links", ["ftp://example.org"], "not a web address"),
        ("consent", False, "consents"),
        ("years_experience", 99, "less than or equal to 60"),
    ],
)
def test_bad_fields_are_named(field: str, value: object, problem: str) -> None:
    with pytest.raises(ValidationError) as err:
        application(**{field: value})
    error = err.value.errors()[0]
    assert error["loc"][0] == field and problem in str(error["msg"]).lower()

"""The network's rules: applications, reviews, decisions, expert profiles and vetting.

Anyone may apply (no account). Reviewing and deciding belong to the network's staff: platform
admins and the admins, coordinators (and, for reviews, triagers) of a `coordinator` organisation.
Services never commit; every change is audited in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth import service as auth
from redhive.auth.models import User
from redhive.auth.passwords import hash_password
from redhive.auth.permissions import ANONYMOUS, Actor, require_platform_admin, require_user
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.kit import hash_token, new_id, new_token, utcnow
from redhive.network import rubric
from redhive.network.models import Application, ApplicationReview, ExpertProfile
from redhive.network.schemas import ApplicationCreate, DecisionCreate, ReviewCreate
from redhive.network.selection import Candidate
from redhive.orgs.models import Organization

__all__ = [
    "Decided",
    "DuplicateApplication",
    "ExpertView",
    "activate_expert",
    "decide_application",
    "find_duplicates",
    "get_application",
    "get_expert",
    "list_applications",
    "list_experts",
    "list_reviews",
    "recommendation",
    "require_network_staff",
    "review_application",
    "set_vetting",
    "submit_application",
]

ACTIVATION_VALID = timedelta(days=14)
OPEN_STATUSES = ("pending", "waitlisted")


class DuplicateApplication(Conflict):
    """An application repeats one already on file; `fields` says which field clashes and why."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(
            "This application repeats one we already have: " + " ".join(fields.values()), field=next(iter(fields))
        )
        self.fields = fields


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def require_network_staff(session: AsyncSession, actor: Actor, permission: str) -> None:
    """Platform admins, or a member of a coordinator organisation whose role holds `permission`."""
    require_user(actor)
    if actor.is_platform_admin:
        return
    orgs = actor.org_ids(permission)
    if orgs and await session.scalar(
        select(Organization.id).where(Organization.id.in_(orgs), Organization.kind == "coordinator").limit(1)
    ):
        return
    raise PermissionDenied(
        f"You may not do this ({permission}): only the network's staff (platform admins and the staff of a "
        "coordinator organisation) may."
    )


# --- applications ---------------------------------------------------------------------------------


async def find_duplicates(session: AsyncSession, data: ApplicationCreate, today: date) -> dict[str, str]:
    """Field -> sentence for each way this application repeats one on file."""
    fields: dict[str, str] = {}
    earlier = (
        await session.scalars(
            select(Application).where(Application.email == data.email).order_by(Application.submitted_at.desc())
        )
    ).all()
    for app in earlier:
        if app.status in OPEN_STATUSES:
            fields["email"] = (
                f"An application with this email is already under review (sent "
                f"{_aware(app.submitted_at):%Y-%m-%d}); wait for its decision."
            )
        elif app.status == "accepted":
            fields["email"] = "This email already belongs to a member of the network: log in instead."
        elif app.reapply_after and app.reapply_after > today:
            fields["email"] = (
                f"An application with this email was declined; you may apply again from "
                f"{app.reapply_after.isoformat()}."
            )
        if "email" in fields:
            break
    if data.links:
        others = (
            await session.scalars(
                select(Application).where(
                    Application.email != data.email, Application.status.in_((*OPEN_STATUSES, "accepted"))
                )
            )
        ).all()
        taken = {link.rstrip("/").lower(): a for a in others for link in a.links}
        for link in data.links:
            if link.rstrip("/").lower() in taken:
                fields["links"] = f"{link} is already the evidence of another applicant: list your own work."
                break
    return fields


async def submit_application(
    session: AsyncSession, actor: Actor = ANONYMOUS, *, data: ApplicationCreate, today: date | None = None
) -> Application:
    """The public form: no account needed. Duplicates are refused field by field, nothing stored, with
    one exception: whether an e-mail is on file (a member, an open or declined application) is told
    only to the e-mail's logged-in owner. Anyone else gets the receipt a new application gets, and the
    repeat is audited instead of stored, so the form cannot tell who belongs to the network."""
    now = utcnow()
    duplicates = await find_duplicates(session, data, today or now.date())
    if "email" in duplicates and actor.email != data.email:
        if "links" in duplicates:
            raise DuplicateApplication({"links": duplicates["links"]})
        receipt = Application(**data.model_dump(exclude={"consent"}), id=new_id(), consent_at=now,
                              submitted_at=now, status="pending", reason_codes=[])
        await record(session, actor, "network.application_repeated", object_type="application",
                     object_id=receipt.id, after={"email": data.email, "why": duplicates["email"]})
        return receipt
    if duplicates:
        raise DuplicateApplication(duplicates)
    values = data.model_dump(exclude={"consent"})
    app = Application(**values, consent_at=now, submitted_at=now, status="pending", reason_codes=[])
    session.add(app)
    await session.flush()
    await record(
        session,
        actor,
        "network.application_submitted",
        object_type="application",
        object_id=app.id,
        after={"email": app.email, "disciplines": app.disciplines},
    )
    return app


async def list_applications(session: AsyncSession, actor: Actor, *, status: str | None = None) -> Sequence[Application]:
    await require_network_staff(session, actor, "network.review")
    query = select(Application).order_by(Application.submitted_at)
    if status is not None:
        query = query.where(Application.status == status)
    return (await session.scalars(query)).all()


async def get_application(session: AsyncSession, actor: Actor, application_id: str) -> Application:
    await require_network_staff(session, actor, "network.review")
    app = await session.get(Application, application_id)
    if app is None:
        raise NotFound(f"There is no application {application_id}.")
    return app


async def list_reviews(session: AsyncSession, actor: Actor, application_id: str) -> Sequence[ApplicationReview]:
    await get_application(session, actor, application_id)
    return (
        await session.scalars(
            select(ApplicationReview)
            .where(ApplicationReview.application_id == application_id)
            .order_by(ApplicationReview.created_at)
        )
    ).all()


async def review_application(
    session: AsyncSession, actor: Actor, *, application_id: str, data: ReviewCreate
) -> ApplicationReview:
    app = await get_application(session, actor, application_id)
    if app.status not in OPEN_STATUSES:
        raise Conflict(f"This application was already decided ({app.status}); there is nothing to review.")
    if app.email == actor.email:
        raise PermissionDenied("You cannot review your own application.")
    scores = rubric.validate_scores(data.scores)
    exists = await session.scalar(
        select(ApplicationReview.id).where(
            ApplicationReview.application_id == app.id, ApplicationReview.reviewer_id == actor.user_id
        )
    )
    if exists is not None:
        raise Conflict("You have already reviewed this application; a second reviewer must add the next review.")
    assert actor.user_id is not None
    review = ApplicationReview(
        application_id=app.id, reviewer_id=actor.user_id, scores=scores, comment=data.comment, created_at=utcnow()
    )
    session.add(review)
    await session.flush()
    await record(
        session,
        actor,
        "network.application_reviewed",
        object_type="application",
        object_id=app.id,
        after={"scores": scores},
    )
    return review


def _scores(reviews: Sequence[ApplicationReview]) -> list[rubric.ReviewScores]:
    return [rubric.ReviewScores(r.reviewer_id, {k: int(v) for k, v in r.scores.items()}) for r in reviews]


async def recommendation(
    session: AsyncSession, actor: Actor, application_id: str, today: date | None = None
) -> rubric.Recommendation | None:
    """The rubric's recommendation, or None while fewer than two reviewers scored it."""
    reviews = await list_reviews(session, actor, application_id)
    if len({r.reviewer_id for r in reviews}) < rubric.MIN_REVIEWS:
        return None
    return rubric.recommend(_scores(reviews), today or utcnow().date())


@dataclass(frozen=True)
class Decided:
    application: Application
    user: User | None
    activation_token: str | None  # the new expert's one-time link to set a password


async def decide_application(
    session: AsyncSession, actor: Actor, *, application_id: str, data: DecisionCreate, today: date | None = None
) -> Decided:
    app = await get_application(session, actor, application_id)
    await require_network_staff(session, actor, "network.decide")
    today = today or utcnow().date()
    if app.status not in OPEN_STATUSES:
        raise Conflict(f"This application was already decided ({app.status}).")
    reviews = await list_reviews(session, actor, application_id)
    rubric.check_enough_reviews(_scores(reviews))
    reapply = data.reapply_after
    if data.decision == "reject" and reapply is None:
        reapply = today + rubric.REAPPLY_AFTER
    rubric.check_decision(data.decision, data.reason_codes, reapply, today)
    before = {"status": app.status}
    app.status = {"accept": "accepted", "reject": "rejected", "waitlist": "waitlisted"}[data.decision]
    app.decided_at = utcnow()
    app.decided_by_id = actor.user_id
    app.reason_codes = list(data.reason_codes)
    app.decision_note = data.note
    app.reapply_after = reapply
    user, token = None, None
    if data.decision == "accept":
        overall = rubric.recommend(_scores(reviews), today).overall
        user, token = await _make_expert(session, app, quality=round((overall - 1) / 4, 3))
        app.user_id = user.id
    await session.flush()
    await record(
        session,
        actor,
        "network.application_decided",
        object_type="application",
        object_id=app.id,
        before=before,
        after={
            "status": app.status,
            "reason_codes": app.reason_codes,
            "reapply_after": reapply.isoformat() if reapply else None,
            "user_id": app.user_id,
        },
    )
    return Decided(app, user, token)


async def _make_expert(session: AsyncSession, app: Application, *, quality: float) -> tuple[User, str | None]:
    """The applicant's account (new, through the auth service, or the existing one with this email)
    and their expert profile; a new account gets a one-time link to set its password."""
    user = await session.scalar(select(User).where(User.email == app.email))
    token: str | None = None
    if user is None:
        user = await auth.register_user(session, email=app.email, display_name=app.full_name, password=None)
    elif await session.scalar(select(ExpertProfile.id).where(ExpertProfile.user_id == user.id)):
        raise Conflict(f"{app.email} already has an expert profile.")
    profile = ExpertProfile.from_application(app, user.id, quality=quality, joined_at=utcnow())
    if user.password_hash is None:
        token = new_token()
        profile.activation_token_hash = hash_token(token)
        profile.activation_expires_at = utcnow() + ACTIVATION_VALID
    session.add(profile)
    await session.flush()
    return user, token


async def activate_expert(session: AsyncSession, *, token: str, password: str) -> User:
    """A new expert sets their password through the one-time link sent on acceptance."""
    if len(password) < 10:
        raise InvalidInput("Choose a password of at least 10 characters.", field="password")
    profile = await session.scalar(
        select(ExpertProfile).where(ExpertProfile.activation_token_hash == hash_token(token))
    )
    if profile is None:
        raise InvalidInput(
            "This activation link is not valid or was already used: log in, or ask the network's "
            "coordinators for a new link.",
            field="token",
        )
    if profile.activation_expires_at and _aware(profile.activation_expires_at) <= utcnow():
        raise InvalidInput(
            "This activation link has expired: ask the network's coordinators for a new one.", field="token"
        )
    user = await auth.get_user(session, profile.user_id)
    user.password_hash = hash_password(password)
    profile.activation_token_hash = None
    profile.activation_expires_at = None
    await session.flush()
    await record(
        session,
        Actor(user_id=user.id, email=user.email),
        "network.expert_activated",
        object_type="user",
        object_id=user.id,
    )
    return user


# --- experts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertView:
    user: User
    profile: ExpertProfile

    def candidate(self) -> Candidate:
        p = self.profile
        return Candidate(
            id=self.user.id,
            name=self.user.display_name,
            risk_areas=frozenset(p.risk_areas),
            languages=frozenset(p.languages),
            regions=frozenset(p.regions),
            disciplines=frozenset(p.disciplines),
            vetting_level=self.user.vetting_level,
            quality=p.quality,
            hours_per_week=p.hours_per_week,
            available_from=p.available_from,
            available_until=p.available_until,
            conflicts=frozenset(p.conflicts),
        )


async def list_experts(session: AsyncSession, actor: Actor) -> list[ExpertView]:
    """The network's members: visible to its staff and to the staff of any organisation (who
    select cohorts from it)."""
    require_user(actor)
    if not (actor.is_platform_admin or actor.org_ids("missions.manage")):
        await require_network_staff(session, actor, "network.review")
    rows = (
        await session.execute(
            select(User, ExpertProfile)
            .join(ExpertProfile, ExpertProfile.user_id == User.id)
            .where(ExpertProfile.active.is_(True))
            .order_by(User.display_name)
        )
    ).all()
    return [ExpertView(u, p) for u, p in rows]


async def get_expert(session: AsyncSession, actor: Actor, user_id: str) -> ExpertView:
    for view in await list_experts(session, actor):
        if view.user.id == user_id:
            return view
    raise NotFound(f"There is no expert {user_id} in the network.")


async def set_vetting(session: AsyncSession, actor: Actor, *, user_id: str, level: str) -> User:
    """Platform admins grant vetting levels (audited by the auth service as auth.vetting_changed)."""
    require_platform_admin(actor)
    if not await session.scalar(select(ExpertProfile.id).where(ExpertProfile.user_id == user_id)):
        raise NotFound(f"There is no expert {user_id} in the network.")
    return await auth.set_vetting_level(session, actor, user_id=user_id, level=level)

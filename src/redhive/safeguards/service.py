"""Safeguard rules: the trusted-access programme (a member applies, a platform admin verifies
identity and affiliation and sets an expiry, the grant can be revoked) and the review queue of
escalated exchanges (cleared reviewers of the mission's organiser decide benign or concern).

Who reviews: platform admins, and members whose role holds `safeguards.review` in an organisation
running the mission (organiser or partner) and who are vetted at background_checked or above.
Services never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.models import User
from redhive.auth.permissions import Actor, require_platform_admin, require_user
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.gateway.models import Exchange
from redhive.kit import utcnow
from redhive.missions.models import Mission, MissionOrganization
from redhive.safeguards.models import HazardReview, TrustedAccess
from redhive.safeguards.schemas import AccessApply, AccessDecision, AccessVerify, ReviewCreate
from redhive.taxonomy import vetting_rank

__all__ = ["REVIEWER_VETTING", "Escalation", "apply", "get_access", "is_active", "list_access", "list_escalations",
           "may_review", "reject", "review", "revoke", "trusted_programmes", "verify"]

#: The vetting a reviewer of escalated hazard traffic needs (platform admins excepted).
REVIEWER_VETTING = "background_checked"
QUEUE_LIMIT = 500


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_active(access: TrustedAccess, now: datetime | None = None) -> bool:
    return access.status == "granted" and access.expires_at is not None and _aware(access.expires_at) > (
        now or utcnow())


async def trusted_programmes(session: AsyncSession, user_id: str) -> tuple[tuple[str, datetime], ...]:
    """The member's granted, unexpired programmes with their expiry (the gateway's grant holds them)."""
    now = utcnow()
    rows = (await session.scalars(select(TrustedAccess).where(TrustedAccess.user_id == user_id,
                                                              TrustedAccess.status == "granted"))).all()
    return tuple((a.programme, _aware(a.expires_at)) for a in rows if a.expires_at and is_active(a, now))


# --- the trusted-access programme ------------------------------------------------------------------

async def apply(session: AsyncSession, actor: Actor, *, data: AccessApply) -> TrustedAccess:
    require_user(actor)
    open_ = await session.scalar(select(TrustedAccess).where(
        TrustedAccess.user_id == actor.user_id, TrustedAccess.programme == data.programme,
        TrustedAccess.status.in_(("pending", "granted"))))
    if open_ is not None and (open_.status == "pending" or is_active(open_)):
        state = "is waiting for verification" if open_.status == "pending" else "is active"
        raise Conflict(f"Your {data.programme} application {state}: you may apply again once it is decided "
                       "or has expired.")
    access = TrustedAccess(user_id=str(actor.user_id), programme=data.programme, status="pending",
                           affiliation=data.affiliation, identity_evidence=data.identity_evidence,
                           referee=data.referee, purpose=data.purpose, identity_verified=False,
                           affiliation_verified=False, decision_note="", created_at=utcnow())
    session.add(access)
    await session.flush()
    await record(session, actor, "safeguards.access_applied", object_type="trusted_access", object_id=access.id,
                 after={"programme": access.programme, "affiliation": access.affiliation})
    return access


async def get_access(session: AsyncSession, actor: Actor, access_id: str) -> TrustedAccess:
    """The applicant and platform admins see an application; anyone else gets 404."""
    require_user(actor)
    access = await session.get(TrustedAccess, access_id)
    if access is None or not (access.user_id == actor.user_id or actor.is_platform_admin):
        raise NotFound(f"There is no trusted-access application {access_id} that you can see.")
    return access


async def list_access(session: AsyncSession, actor: Actor, *, everyone: bool = False,
                      status: str | None = None) -> Sequence[TrustedAccess]:
    """The actor's own applications; with `everyone`, every member's (platform admins only)."""
    require_user(actor)
    query = select(TrustedAccess).order_by(TrustedAccess.created_at.desc()).limit(1000)
    if everyone:
        require_platform_admin(actor)
    else:
        query = query.where(TrustedAccess.user_id == actor.user_id)
    if status:
        query = query.where(TrustedAccess.status == status)
    return (await session.scalars(query)).all()


async def _decidable(session: AsyncSession, actor: Actor, access_id: str) -> TrustedAccess:
    require_platform_admin(actor)
    access = await get_access(session, actor, access_id)
    if access.status != "pending":
        raise Conflict(f"This application is already {access.status}: only a pending one can be decided.")
    return access


async def verify(session: AsyncSession, actor: Actor, access_id: str, *, data: AccessVerify) -> TrustedAccess:
    access = await _decidable(session, actor, access_id)
    if access.user_id == actor.user_id:
        raise PermissionDenied("You may not verify your own application: ask another platform admin.")
    if not (data.identity_verified and data.affiliation_verified):
        raise InvalidInput("A grant needs both the identity and the affiliation verified: confirm both, or reject "
                           "the application with a reason.", field="identity_verified")
    now = utcnow()
    access.status, access.identity_verified, access.affiliation_verified = "granted", True, True
    access.decided_by_id, access.decided_at, access.decision_note = actor.user_id, now, data.note.strip()
    access.expires_at = now + timedelta(days=data.days)
    await session.flush()
    await record(session, actor, "safeguards.access_granted", object_type="trusted_access", object_id=access.id,
                 after={"user_id": access.user_id, "programme": access.programme,
                        "expires_at": access.expires_at.isoformat()})
    return access


async def reject(session: AsyncSession, actor: Actor, access_id: str, *, data: AccessDecision) -> TrustedAccess:
    access = await _decidable(session, actor, access_id)
    access.status, access.decided_by_id, access.decided_at = "rejected", actor.user_id, utcnow()
    access.decision_note = data.note.strip()
    await session.flush()
    await record(session, actor, "safeguards.access_rejected", object_type="trusted_access", object_id=access.id,
                 after={"user_id": access.user_id, "programme": access.programme, "note": access.decision_note})
    return access


async def revoke(session: AsyncSession, actor: Actor, access_id: str, *, data: AccessDecision) -> TrustedAccess:
    """A platform admin, or the holder giving it up, ends a grant at once."""
    access = await get_access(session, actor, access_id)
    if access.status != "granted":
        raise Conflict(f"This application is {access.status}: only a granted one can be revoked.")
    access.status, access.decided_by_id, access.decided_at = "revoked", actor.user_id, utcnow()
    access.decision_note = data.note.strip()
    await session.flush()
    await record(session, actor, "safeguards.access_revoked", object_type="trusted_access", object_id=access.id,
                 after={"user_id": access.user_id, "programme": access.programme, "note": access.decision_note})
    return access


# --- the review queue of escalated exchanges ---------------------------------------------------------

def _cleared(actor: Actor) -> bool:
    return actor.is_platform_admin or vetting_rank(actor.vetting_level) >= vetting_rank(REVIEWER_VETTING)


async def _reviewable_missions(session: AsyncSession, actor: Actor) -> list[str] | None:
    """Mission ids the actor reviews (None: every mission, for platform admins)."""
    if actor.is_platform_admin:
        return None
    if not _cleared(actor):
        return []
    orgs = actor.org_ids("safeguards.review")
    rows = await session.scalars(select(MissionOrganization.mission_id).where(
        MissionOrganization.org_id.in_(orgs), MissionOrganization.role.in_(("organiser", "partner"))))
    return sorted(set(rows))


async def may_review(session: AsyncSession, actor: Actor, mission_id: str) -> bool:
    missions = await _reviewable_missions(session, actor)
    return missions is None or mission_id in missions


@dataclass(frozen=True)
class Escalation:
    exchange: Exchange
    mission_title: str
    requester: str
    review: HazardReview | None

    @property
    def stop(self) -> dict[str, object]:
        return next((d for d in self.exchange.decisions if d.get("action") == "escalate"), {})

    @property
    def excerpt(self) -> str:
        messages = self.exchange.request.get("messages") or []
        last = next((m.get("content") for m in reversed(messages) if isinstance(m, dict)
                     and m.get("role") == "user"), "")
        text = last if isinstance(last, str) else " ".join(str(p.get("text", "")) for p in last or []
                                                           if isinstance(p, dict))
        return text[:600]


async def list_escalations(session: AsyncSession, actor: Actor, *, status: str = "open",
                           mission_id: str | None = None) -> list[Escalation]:
    """Escalated exchanges of the missions the actor reviews, oldest first: `open` (not reviewed
    yet), `decided`, or `all`. A member who may review nothing gets 403."""
    require_user(actor)
    if status not in ("open", "decided", "all"):
        raise InvalidInput("The queue's status is open, decided or all.", field="status")
    missions = await _reviewable_missions(session, actor)
    if missions == []:
        raise PermissionDenied(f"The review queue is for platform admins and for the admins and coordinators of "
                               f"a mission's organisers who are vetted {REVIEWER_VETTING} or above.")
    query = (select(Exchange, Mission.title, User.display_name, HazardReview)
             .join(Mission, Mission.id == Exchange.mission_id)
             .join(User, User.id == Exchange.user_id, isouter=True)
             .join(HazardReview, HazardReview.exchange_id == Exchange.id, isouter=True)
             .where(Exchange.outcome == "escalated").order_by(Exchange.started_at).limit(QUEUE_LIMIT))
    if missions is not None:
        query = query.where(Exchange.mission_id.in_(missions))
    if mission_id:
        query = query.where(Exchange.mission_id == mission_id)
    if status == "open":
        query = query.where(HazardReview.id.is_(None))
    elif status == "decided":
        query = query.where(HazardReview.id.is_not(None))
    rows = (await session.execute(query)).all()
    return [Escalation(exchange, title, name or exchange.user_id, found) for exchange, title, name, found in rows]


async def review(session: AsyncSession, actor: Actor, exchange_id: str, *, data: ReviewCreate) -> HazardReview:
    require_user(actor)
    exchange = await session.get(Exchange, exchange_id)
    if exchange is None or exchange.outcome != "escalated" or not await may_review(session, actor,
                                                                                  exchange.mission_id):
        raise NotFound(f"There is no escalated exchange {exchange_id} that you review.")
    if data.verdict == "concern" and not data.note.strip():
        raise InvalidInput("A concern needs a note saying what follows (contact the member, revoke a key, file a "
                           "finding).", field="note")
    if await session.scalar(select(HazardReview.id).where(HazardReview.exchange_id == exchange.id)):
        raise Conflict("This escalation was already reviewed.")
    mission = await session.get(Mission, exchange.mission_id)
    found = HazardReview(exchange_id=exchange.id, mission_id=exchange.mission_id, reviewer_id=actor.user_id,
                         verdict=data.verdict, note=data.note.strip(), created_at=utcnow())
    session.add(found)
    await session.flush()
    await record(session, actor, "safeguards.escalation_reviewed", object_type="exchange", object_id=exchange.id,
                 org_id=mission.org_id if mission else None, after={"verdict": found.verdict, "note": found.note})
    return found

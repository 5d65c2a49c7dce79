"""Sharing agreements: an organisation shares the flaws of one of its missions or systems with
another organisation (a regulator, a partner lab) up to one TLP label, each flaw from a point in
its life (validated or fixed) plus N days. The recipient's members see their share — each flaw
through `redaction` for the agreement's audience, nothing above it — and every view that shows
TLP:AMBER+STRICT or TLP:RED content is audited (`service.audit_view`).

Who may act is the policy table's (`sharing.view`, `sharing.manage` for the owner's members,
`shared.view` through the `recipient` relationship); the time is an argument, never the wall clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize, require, require_user
from redhive.auth.policy import RECIPIENT, Relation
from redhive.disclosure import service, tlp
from redhive.disclosure.models import SharingAgreement
from redhive.disclosure.redaction import Shared, parse_audience, share_flaw
from redhive.errors import InvalidInput, NotFound
from redhive.findings import restriction
from redhive.findings.models import Flaw, TransitionEvent
from redhive.findings.sla import aware
from redhive.missions.models import Mission, MissionOrganization
from redhive.orgs.models import AISystem, Membership, Organization, SystemGrant

__all__ = ["AFTER", "SCOPES", "Options", "SharedFlaw", "create", "list_agreements", "options", "revoke", "shared_flaw",
           "shared_with"]

SCOPES = ("mission", "system")
AFTER = ("validated", "fixed")


@dataclass(frozen=True)
class SharedFlaw:
    """One flaw as the actor's organisation receives it under an agreement."""

    agreement: SharingAgreement
    owner: str
    view: Shared


async def create(session: AsyncSession, actor: Actor, org_id: str, *, recipient_org_id: str, scope_type: str,
                 scope_id: str, audience: str, after: str = "validated", delay_days: int = 0,
                 named_user_ids: Sequence[str] = (), note: str = "", public_signoff: bool = False,
                 now: datetime) -> SharingAgreement:
    """A new agreement of `org_id`, checked whole before anything is stored, and audited."""
    require(actor, "sharing.manage", org_id)
    audience = parse_audience(audience)
    if scope_type not in SCOPES:
        raise InvalidInput(f"An agreement covers a mission or a system, not {scope_type!r}: give scope_type "
                           "mission or system.", field="scope_type")
    scope = await session.get(Mission if scope_type == "mission" else AISystem, scope_id)
    if scope is None or getattr(scope, "org_id", None) != org_id:
        raise InvalidInput(f"This organisation has no {scope_type} {scope_id}: an agreement shares only the "
                           f"organisation's own {scope_type}s.", field="scope_id")
    if after not in AFTER:
        raise InvalidInput(f"Sharing starts after a flaw is validated or fixed, not {after!r}: give after "
                           "validated or fixed.", field="after")
    if not 0 <= delay_days <= 3650:
        raise InvalidInput("delay_days must be between 0 and 3650.", field="delay_days")
    if recipient_org_id == org_id or await session.get(Organization, recipient_org_id) is None:
        raise InvalidInput(f"There is no other organisation {recipient_org_id}: name the regulator or partner "
                           "that receives the share.", field="recipient_org_id")
    named = sorted(set(named_user_ids))
    if audience == tlp.RED and not named:
        raise InvalidInput("TLP:RED is for named individuals only: name the recipient's members who receive it "
                           "(named_user_ids), or share up to TLP:AMBER+STRICT.", field="named_user_ids")
    if named:
        members = set((await session.scalars(select(Membership.user_id).where(
            Membership.org_id == recipient_org_id, Membership.user_id.in_(named)))).all())
        if members != set(named):
            raise InvalidInput("Every named recipient must be a member of the recipient organisation: "
                               f"{', '.join(sorted(set(named) - members))} is not.", field="named_user_ids")
    agreement = SharingAgreement(org_id=org_id, recipient_org_id=recipient_org_id, scope_type=scope_type,
                                 scope_id=scope_id, audience=audience, after=after, delay_days=delay_days,
                                 named_user_ids=named, note=note, public_signoff=public_signoff,
                                 created_by_id=actor.user_id, created_at=now)
    session.add(agreement)
    await session.flush()
    await record(session, actor, "disclosure.agreement_created", object_type="sharing_agreement",
                 object_id=agreement.id, org_id=org_id,
                 after={"recipient_org_id": recipient_org_id, "scope": f"{scope_type}:{scope_id}",
                        "audience": audience, "after": after, "delay_days": delay_days, "named_user_ids": named,
                        "public_signoff": public_signoff})
    return agreement


@dataclass(frozen=True)
class Options:
    """What the agreement form of an organisation offers: the organisations it already works with
    (its systems' grantees, its missions' partners and observers), its systems and its missions."""

    recipients: list[tuple[str, str]]
    systems: list[tuple[str, str]]
    missions: list[tuple[str, str]]


async def options(session: AsyncSession, actor: Actor, org_id: str) -> Options:
    require(actor, "sharing.manage", org_id)
    systems = (await session.scalars(select(AISystem).where(AISystem.org_id == org_id)
                                     .order_by(AISystem.name))).all()
    missions = (await session.scalars(select(Mission).where(Mission.org_id == org_id)
                                      .order_by(Mission.created_at))).all()
    granted = select(SystemGrant.org_id).where(SystemGrant.system_id.in_([s.id for s in systems]))
    joined = select(MissionOrganization.org_id).where(MissionOrganization.mission_id.in_([m.id for m in missions]))
    recipients = (await session.scalars(select(Organization).where(
        or_(Organization.id.in_(granted), Organization.id.in_(joined)), Organization.id != org_id)
        .order_by(Organization.name))).all()
    return Options(recipients=[(o.id, o.name) for o in recipients], systems=[(s.id, s.name) for s in systems],
                   missions=[(m.id, m.title) for m in missions])


async def list_agreements(session: AsyncSession, actor: Actor, org_id: str) -> list[SharingAgreement]:
    require(actor, "sharing.view", org_id)
    return list((await session.scalars(select(SharingAgreement).where(SharingAgreement.org_id == org_id)
                                       .order_by(SharingAgreement.created_at))).all())


async def revoke(session: AsyncSession, actor: Actor, agreement_id: str, *, now: datetime) -> SharingAgreement:
    """End an agreement: nothing more is shared under it from `now` (what was seen stays seen)."""
    require_user(actor)
    agreement = await session.get(SharingAgreement, agreement_id)
    if agreement is None or not actor.is_platform_admin and actor.role_in(agreement.org_id) is None:
        raise NotFound(f"There is no sharing agreement {agreement_id} that you can see.")
    require(actor, "sharing.manage", agreement.org_id)
    if agreement.revoked_at is None:
        agreement.revoked_at = now
        await record(session, actor, "disclosure.agreement_revoked", object_type="sharing_agreement",
                     object_id=agreement.id, org_id=agreement.org_id, after={"revoked_at": now.isoformat()})
    return agreement


def _audience_for(actor: Actor, agreement: SharingAgreement) -> str:
    """TLP:RED reaches the named individuals only; the recipient's other members stop below it."""
    if agreement.audience == tlp.RED and actor.user_id not in agreement.named_user_ids:
        return tlp.AMBER_STRICT
    return agreement.audience


async def _fixed_at(session: AsyncSession, flaws: Sequence[Flaw]) -> dict[str, datetime]:
    """When each resolved flaw was last resolved."""
    resolved = [f.id for f in flaws if f.state == "resolved"]
    rows = (await session.scalars(select(TransitionEvent).where(
        TransitionEvent.object_type == "flaw", TransitionEvent.object_id.in_(resolved),
        TransitionEvent.to_state == "resolved").order_by(TransitionEvent.at))).all() if resolved else []
    return {e.object_id: aware(e.at) for e in rows}


def _due(agreement: SharingAgreement, flaw: Flaw, fixed_at: dict[str, datetime], now: datetime) -> bool:
    start = aware(flaw.validated_at) if agreement.after == "validated" and flaw.validated_at else fixed_at.get(flaw.id)
    return start is not None and start + timedelta(days=agreement.delay_days) <= now


async def _shares(session: AsyncSession, actor: Actor, now: datetime, flaw_id: str | None = None,
                  mission_id: str | None = None) -> list[tuple[SharingAgreement, Flaw, str]]:
    """(agreement, flaw, audience) for each flaw an active agreement shares with one of the actor's
    organisations at `now`; a flaw covered twice counts with its widest audience."""
    mine = list(actor.memberships)
    if not mine:
        return []
    agreements = (await session.scalars(select(SharingAgreement).where(
        SharingAgreement.recipient_org_id.in_(mine), SharingAgreement.revoked_at.is_(None))
        .order_by(SharingAgreement.created_at))).all()
    if not agreements:
        return []
    systems = [a.scope_id for a in agreements if a.scope_type == "system"]
    missions = [a.scope_id for a in agreements if a.scope_type == "mission"]
    query = select(Flaw).where(Flaw.validated_at.is_not(None),
                               or_(Flaw.system_id.in_(systems), Flaw.mission_id.in_(missions)))
    if flaw_id is not None:
        query = query.where(Flaw.id == flaw_id)
    if mission_id is not None:
        query = query.where(Flaw.mission_id == mission_id)
    flaws = (await session.scalars(query.order_by(Flaw.validated_at))).all()
    fixed_at = await _fixed_at(session, flaws)
    best: dict[str, tuple[SharingAgreement, Flaw, str]] = {}
    for flaw in flaws:
        for a in agreements:
            in_scope = flaw.system_id == a.scope_id if a.scope_type == "system" else flaw.mission_id == a.scope_id
            if not in_scope or a.org_id != flaw.org_id or not _due(a, flaw, fixed_at, now):
                continue
            audience = _audience_for(actor, a)
            if flaw.restricted and audience == tlp.RED and not await restriction.may_see(session, actor, flaw):
                audience = tlp.AMBER_STRICT  # a restricted hazard finding's content stays with its named contacts
            if flaw.id not in best or tlp.rank(audience) > tlp.rank(best[flaw.id][2]):
                best[flaw.id] = (a, flaw, audience)
    return list(best.values())


def _relations(actor: Actor, agreements: Sequence[SharingAgreement]) -> set[Relation]:
    return {(RECIPIENT, role) for a in agreements if (role := actor.role_in(a.recipient_org_id))}


async def _render(session: AsyncSession, actor: Actor, shares: Sequence[tuple[SharingAgreement, Flaw, str]],
                  cap: str = tlp.RED) -> list[SharedFlaw]:
    fixes = await service.remediations_of(session, [f.id for _, f, _ in shares])
    owners = {o.id: o.name for o in (await session.scalars(select(Organization).where(
        Organization.id.in_({f.org_id for _, f, _ in shares})))).all()}
    out = []
    for agreement, flaw, audience in shares:
        view = share_flaw(flaw, min(audience, cap, key=tlp.rank), fixes.get(flaw.id, []))
        await service.audit_view(session, actor, "flaw", flaw.id, flaw.org_id, view, agreement_id=agreement.id)
        out.append(SharedFlaw(agreement=agreement, owner=owners.get(flaw.org_id, flaw.org_id), view=view))
    return out


async def shared_with(session: AsyncSession, actor: Actor, *, now: datetime, mission_id: str | None = None,
                      cap: str = tlp.RED) -> list[SharedFlaw]:
    """Every flaw shared with the actor's organisations at `now` (of one mission, if given), each
    redacted for its audience, or for `cap` where that is narrower (a report for a wider audience)."""
    require_user(actor)
    return await _render(session, actor, await _shares(session, actor, now, mission_id=mission_id), cap)


async def shared_flaw(session: AsyncSession, actor: Actor, flaw_id: str, *, now: datetime) -> SharedFlaw:
    """One flaw shared with the actor's organisation (404 to anyone it is not shared with)."""
    shares = await _shares(session, actor, now, flaw_id)
    authorize(actor, "shared.view", _relations(actor, [a for a, _, _ in shares]), kind="flaw", object_id=flaw_id)
    if not shares:  # a platform admin passes the policy but is no recipient: there is no audience
        raise NotFound(f"There is no flaw {flaw_id} that you can see.")
    return (await _render(session, actor, shares))[0]

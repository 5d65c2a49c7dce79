"""Transfer notices: a flaw shown to transfer to another developer's system reaches that developer
only through the coordinator. The transfer test files a notice with the coordinating organisation
(the organiser of the flaw's mission, or the flaw's owner outside one); its staff review what would
go out and forward it at a label — at most TLP:AMBER, and for a coordinator that does not own the
flaw at most what is shared with it — or dismiss it. The developer sees only forwarded notices, the
flaw redacted for the forwarded label, and acknowledges them. Every step is audited in each
organisation concerned; every view of TLP:AMBER+STRICT or TLP:RED content too (there is none at
TLP:AMBER, but the rule is the redaction's, not this module's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize, has_permission, require, require_user
from redhive.auth.policy import NOTIFIED, Relation
from redhive.disclosure import service as disclosure
from redhive.disclosure import sharing, tlp
from redhive.disclosure.redaction import Shared, parse_audience, share_flaw
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.findings.models import Flaw, Replay
from redhive.joint.models import TransferNotice
from redhive.missions.models import Mission
from redhive.notifications.service import notify
from redhive.orgs.models import AISystem, Membership, Organization, SystemVersion

__all__ = ["MAX_FORWARD", "NoticeView", "acknowledge", "dismiss", "file_notice", "forward", "inbox", "view"]

#: Another developer is not the flaw's owner: TLP:AMBER+STRICT stays inside the owner.
MAX_FORWARD = tlp.AMBER


@dataclass(frozen=True)
class NoticeView:
    """A notice as the actor sees it: the coordinator and the flaw's owner see its whole record and
    the flaw as it would be (or was) forwarded; the developer sees only the forwarded share."""

    notice: TransferNotice
    side: str  # coordinator | source | developer
    flaw: Shared
    names: dict[str, str]
    system: str
    version: str
    #: The widest label the coordinator may forward at (for the review form).
    may_forward_up_to: str


async def _staff_ids(session: AsyncSession, org_id: str, roles: Sequence[str]) -> list[str]:
    return list((await session.scalars(select(Membership.user_id).where(
        Membership.org_id == org_id, Membership.role.in_(list(roles))))).all())


async def file_notice(session: AsyncSession, actor: Actor, flaw: Flaw, replay: Replay,
                      system: AISystem) -> TransferNotice:
    """Called by the transfer test when `system` (another developer's) is affected: the coordinator
    receives the notice; nothing reaches the developer yet."""
    coordinator = flaw.org_id
    if flaw.mission_id is not None and (mission := await session.get(Mission, flaw.mission_id)) is not None:
        coordinator = mission.org_id
    notice = TransferNotice(flaw_id=flaw.id, replay_id=replay.id, mission_id=flaw.mission_id,
                            source_org_id=flaw.org_id, coordinator_org_id=coordinator,
                            developer_org_id=system.org_id, system_id=system.id, version_id=replay.version_id,
                            successes=replay.successes, trials=replay.trials, status="received", note="",
                            created_at=replay.created_at)
    session.add(notice)
    await session.flush()
    for org_id in dict.fromkeys((coordinator, flaw.org_id)):
        await record(session, actor, "transfers.received", object_type="transfer_notice", object_id=notice.id,
                     org_id=org_id, after={"flaw_id": flaw.id, "coordinator_org_id": coordinator,
                                           "version_id": replay.version_id})
    await notify(session, await _staff_ids(session, coordinator, ("admin", "coordinator")), kind="transfer",
                 message="A flaw transfers to another developer's system: review the notice before it is "
                         "forwarded.", url=f"/joint/transfers/{notice.id}", skip=actor.user_id)
    return notice


def _side(actor: Actor, notice: TransferNotice) -> str | None:
    if has_permission(actor, "transfers.review", notice.coordinator_org_id):
        return "coordinator"
    if has_permission(actor, "transfers.review", notice.source_org_id):
        return "source"
    if notice.status in ("forwarded", "acknowledged") and actor.role_in(notice.developer_org_id):
        return "developer"
    return None


def _relations(actor: Actor, notice: TransferNotice) -> set[Relation]:
    role = actor.role_in(notice.developer_org_id)
    return {(NOTIFIED, role)} if role and notice.status in ("forwarded", "acknowledged") else set()


async def _cap(session: AsyncSession, actor: Actor, notice: TransferNotice, flaw: Flaw, now: datetime) -> str:
    """The widest label the coordinator may forward at: TLP:AMBER, narrowed for a coordinator that
    does not own the flaw to what is shared with it (nothing shared: TLP:CLEAR)."""
    if notice.coordinator_org_id == flaw.org_id:
        return MAX_FORWARD
    shares = [s for s in await sharing.shared_with(session, actor, now=now, mission_id=flaw.mission_id)
              if s.view.id == flaw.id and s.agreement.recipient_org_id == notice.coordinator_org_id]
    return min([MAX_FORWARD, *(s.view.audience for s in shares)] if shares else [tlp.CLEAR], key=tlp.rank)


async def _load(session: AsyncSession, actor: Actor, notice_id: str) -> tuple[TransferNotice, str]:
    require_user(actor)
    notice = await session.get(TransferNotice, notice_id)
    side = _side(actor, notice) if notice is not None else None
    if notice is None or side is None and not actor.is_platform_admin:
        raise NotFound(f"There is no transfer notice {notice_id} that you can see.")
    return notice, side or "coordinator"


async def view(session: AsyncSession, actor: Actor, notice_id: str, *, now: datetime) -> NoticeView:
    notice, side = await _load(session, actor, notice_id)
    flaw = await session.get(Flaw, notice.flaw_id)
    assert flaw is not None
    fixes = (await disclosure.remediations_of(session, [flaw.id])).get(flaw.id, [])
    cap = await _cap(session, actor, notice, flaw, now) if side != "developer" else tlp.CLEAR
    if side == "developer":
        authorize(actor, "transfer.receive", _relations(actor, notice), kind="transfer notice", object_id=notice.id)
        shared = share_flaw(flaw, notice.audience or tlp.CLEAR, fixes)
    else:
        shared = share_flaw(flaw, notice.audience or cap, fixes)
    await disclosure.audit_view(session, actor, "flaw", flaw.id, flaw.org_id, shared, transfer_notice_id=notice.id)
    system = await session.get(AISystem, notice.system_id)
    version = await session.get(SystemVersion, notice.version_id)
    names = {o.id: o.name for o in (await session.scalars(select(Organization).where(Organization.id.in_(
        [notice.coordinator_org_id, notice.source_org_id, notice.developer_org_id])))).all()}
    return NoticeView(notice=notice, side=side, flaw=shared, names=names, system=system.name if system else "",
                      version=version.label if version else "", may_forward_up_to=cap)


async def inbox(session: AsyncSession, actor: Actor) -> list[TransferNotice]:
    """The notices the actor's organisations coordinate or own the flaw of, and those forwarded to them."""
    require_user(actor)
    review = actor.org_ids("transfers.review")
    mine = list(actor.memberships)
    query = select(TransferNotice).where(or_(
        TransferNotice.coordinator_org_id.in_(review), TransferNotice.source_org_id.in_(review),
        (TransferNotice.developer_org_id.in_(mine)) & TransferNotice.status.in_(("forwarded", "acknowledged"))))
    return list((await session.scalars(query.order_by(TransferNotice.created_at.desc()))).all())


async def _reviewable(session: AsyncSession, actor: Actor, notice_id: str) -> TransferNotice:
    notice, _ = await _load(session, actor, notice_id)
    require(actor, "transfers.forward", notice.coordinator_org_id)
    if notice.status != "received":
        raise Conflict(f"This notice was already {notice.status}: a notice is reviewed once.")
    return notice


async def forward(session: AsyncSession, actor: Actor, notice_id: str, *, audience: str, note: str = "",
                  now: datetime) -> TransferNotice:
    """The coordinator forwards the notice to the developer at `audience` (at most `_cap`)."""
    notice = await _reviewable(session, actor, notice_id)
    audience = parse_audience(audience)
    flaw = await session.get(Flaw, notice.flaw_id)
    assert flaw is not None
    cap = await _cap(session, actor, notice, flaw, now)
    if tlp.rank(audience) > tlp.rank(cap):
        raise InvalidInput(f"This notice may be forwarded at {cap} at most (another developer never receives "
                           "what is held for the flaw's owner, nor more than is shared with the coordinator): "
                           f"choose {cap} or a wider audience.", field="audience")
    notice.status, notice.audience, notice.note = "forwarded", audience, note
    notice.reviewed_at, notice.reviewed_by_id = now, actor.user_id
    for org_id in dict.fromkeys((notice.coordinator_org_id, notice.source_org_id, notice.developer_org_id)):
        await record(session, actor, "transfers.forwarded", object_type="transfer_notice", object_id=notice.id,
                     org_id=org_id, after={"flaw_id": notice.flaw_id, "audience": audience,
                                           "developer_org_id": notice.developer_org_id})
    await notify(session, await _staff_ids(session, notice.developer_org_id, ("admin", "coordinator", "triager")),
                 kind="transfer", message="A coordinator forwarded a flaw that affects one of your systems.",
                 url=f"/joint/transfers/{notice.id}", skip=actor.user_id)
    return notice


async def dismiss(session: AsyncSession, actor: Actor, notice_id: str, *, note: str, now: datetime) -> TransferNotice:
    """The coordinator decides not to forward (a false positive, already known to the developer...)."""
    notice = await _reviewable(session, actor, notice_id)
    if not note.strip():
        raise InvalidInput("Dismissing a notice keeps the developer uninformed: give the reason for the record.",
                           field="note")
    notice.status, notice.note, notice.reviewed_at, notice.reviewed_by_id = "dismissed", note, now, actor.user_id
    for org_id in dict.fromkeys((notice.coordinator_org_id, notice.source_org_id)):
        await record(session, actor, "transfers.dismissed", object_type="transfer_notice", object_id=notice.id,
                     org_id=org_id, after={"flaw_id": notice.flaw_id, "reason": note})
    return notice


async def acknowledge(session: AsyncSession, actor: Actor, notice_id: str, *, now: datetime) -> TransferNotice:
    """The developer's triage team acknowledges a forwarded notice."""
    notice, side = await _load(session, actor, notice_id)
    if side != "developer" and not actor.is_platform_admin:
        raise PermissionDenied("A notice is acknowledged by the developer it was forwarded to.")
    authorize(actor, "transfer.acknowledge", _relations(actor, notice), kind="transfer notice", object_id=notice.id,
              why="Only the triage team of the developer the notice was forwarded to may acknowledge it.")
    if notice.status != "forwarded":
        raise Conflict(f"This notice is {notice.status}: only a forwarded notice is acknowledged, once.")
    notice.status, notice.acknowledged_at, notice.acknowledged_by_id = "acknowledged", now, actor.user_id
    for org_id in dict.fromkeys((notice.developer_org_id, notice.coordinator_org_id)):
        await record(session, actor, "transfers.acknowledged", object_type="transfer_notice", object_id=notice.id,
                     org_id=org_id, after={"flaw_id": notice.flaw_id})
    return notice

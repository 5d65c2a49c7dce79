"""Comment threads: on a report (its reporter and the organisation's triage team talk) and on a flaw
(the triage team; a comment not marked internal is also shown to the flaw's reporters, who may
answer there). Every comment notifies the other side."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, has_permission, require_user
from redhive.errors import InvalidInput, NotFound, PermissionDenied
from redhive.findings.models import Comment, Flaw, FlawReport
from redhive.findings.service import flaw_access, get_report
from redhive.kit import utcnow
from redhive.notifications.service import notify

__all__ = ["MAX_COMMENT", "add_comment", "comments_of"]

MAX_COMMENT = 10_000


async def _target(session: AsyncSession, actor: Actor, object_type: str, object_id: str) -> tuple[
        FlawReport | Flaw, bool]:
    """The commented object and whether the actor is on its triage team."""
    if object_type == "report":
        report = await get_report(session, actor, object_id)
        return report, has_permission(actor, "findings.triage", report.org_id)
    if object_type == "flaw":
        flaw, full = await flaw_access(session, actor, object_id)
        return flaw, full
    raise NotFound(f"There is no {object_type} to comment on.")


async def comments_of(session: AsyncSession, actor: Actor, object_type: str, object_id: str) -> Sequence[Comment]:
    _, team = await _target(session, actor, object_type, object_id)
    query = select(Comment).where(Comment.object_type == object_type, Comment.object_id == object_id)
    if not team:
        query = query.where(Comment.internal.is_(False))
    return (await session.scalars(query.order_by(Comment.created_at, Comment.id))).all()


async def add_comment(session: AsyncSession, actor: Actor, object_type: str, object_id: str, *, body: str,
                      internal: bool = False) -> Comment:
    require_user(actor)
    text = body.strip()
    if not text:
        raise InvalidInput("Write the comment first.", field="body")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"A comment takes at most {MAX_COMMENT} characters: attach a file to the report for "
                           "longer material.", field="body")
    obj, team = await _target(session, actor, object_type, object_id)
    if internal and not team:
        raise PermissionDenied("Only the triage team writes internal notes.")
    comment = Comment(object_type=object_type, object_id=obj.id, org_id=obj.org_id, author_id=actor.user_id,
                      body=text, internal=internal, created_at=utcnow())
    session.add(comment)
    await session.flush()
    await record(session, actor, "findings.commented", object_type=object_type, object_id=obj.id, org_id=obj.org_id,
                 after={"comment_id": comment.id, "internal": internal})
    url = f"/findings/{object_type}s/{obj.id}#comments"
    if isinstance(obj, FlawReport):
        readers = [obj.reporter_id, obj.assignee_id]
    else:
        reporters = (await session.scalars(select(FlawReport.reporter_id).where(FlawReport.flaw_id == obj.id))).all()
        readers = [obj.owner_id, *([] if internal else reporters)]
    await notify(session, readers, kind="comment", url=url, skip=actor.user_id,
                 message=f"{actor.display_name} commented on \"{obj.title}\": {text[:140]}")
    return comment

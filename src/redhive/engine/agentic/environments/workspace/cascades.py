"""Workspace cascades: what one change sets off.

    events added (with participants)     -> an invitation e-mail in `sent`
    events start/end changed             -> an update e-mail in `sent`
    events removed (with participants)   -> a cancellation e-mail in `sent`
    files shared_with grows              -> a share notice e-mail to the new people in `sent`
    sent added                           -> a delivery receipt in `notifications`

So creating an event with participants is three changes: the event (the tool's own), the
invitation (depth 1) and its delivery receipt (depth 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redhive.engine.agentic.environment import Cascade, Trigger
from redhive.engine.agentic.environments.workspace.records import Email, Notification, me
from redhive.engine.agentic.spec import MatchOps
from redhive.engine.agentic.tools import ToolContext

__all__ = ["CASCADES"]


def _send(ctx: ToolContext, recipients: list[str] | tuple[str, ...], subject: str, body: str) -> None:
    email = Email(id=ctx.new_id("sent", "msg"), sender=me(ctx).email, recipients=tuple(recipients),
                  subject=subject, body=body, timestamp=ctx.now_text(), read=True)
    ctx.state.put("sent", email.id, email)


def _when(r: Mapping[str, Any]) -> str:
    return f"{r.get('start', '')} to {r.get('end', '')}"


def invite(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    _send(ctx, r["participants"], f"Invitation: {r['title']}",
          f"You are invited to '{r['title']}', {_when(r)}, {r.get('location') or 'no location given'}.\n\n"
          f"{r.get('description', '')}".rstrip())


def update(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    if r.get("participants"):
        _send(ctx, r["participants"], f"Updated: {r['title']}", f"'{r['title']}' has moved to {_when(r)}.")


def cancel(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    _send(ctx, r["participants"], f"Cancelled: {r['title']}", f"'{r['title']}' ({_when(r)}) has been cancelled.")


def share_notice(ctx: ToolContext, t: Trigger) -> None:
    before, after = t.changed["shared_with"]
    new = [a for a in after or () if a not in (before or ())]
    if new:
        user = me(ctx)
        _send(ctx, new, f"{user.name} shared '{t.record['name']}' with you",
              f"{user.name} gave you access to '{t.record['name']}' in the shared drive.")


def receipt(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    note = Notification(id=ctx.new_id("notifications", "note"),
                        text=f"Delivered '{r['subject']}' to {', '.join(r['recipients'])}.", timestamp=ctx.now_text())
    ctx.state.put("notifications", note.id, note)


_HAS_PARTICIPANTS = {"participants": MatchOps(empty=False)}

CASCADES = (
    Cascade("invitation", "events", invite, ops=("added",), where=_HAS_PARTICIPANTS,
            description="creating an event with participants e-mails them an invitation"),
    Cascade("update-notice", "events", update, ops=("changed",), fields=("start", "end"),
            description="moving an event e-mails its participants"),
    Cascade("cancellation-notice", "events", cancel, ops=("removed",), where=_HAS_PARTICIPANTS,
            description="cancelling an event e-mails its participants"),
    Cascade("share-notice", "files", share_notice, ops=("changed",), fields=("shared_with",),
            description="sharing a file e-mails the new reader"),
    Cascade("delivery-receipt", "sent", receipt, ops=("added",),
            description="every sent e-mail leaves a delivery receipt in notifications"),
)

"""Workspace e-mail tools."""

from __future__ import annotations

from typing import Literal

from redhive.engine.agentic.environments.workspace.records import Email, check_addresses, me
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS"]

_FOLDERS = ("inbox", "sent", "trash")


def _newest_first(emails: list[Email]) -> list[Email]:
    return sorted(emails, key=lambda e: e.timestamp, reverse=True)


def _find(ctx: ToolContext, email_id: str) -> tuple[str, Email]:
    for folder in _FOLDERS:
        email = ctx.state.get(folder, email_id)
        if isinstance(email, Email):
            return folder, email
    raise ToolError(f"no e-mail with id '{email_id}'")


@tool(readonly=True)
def list_emails(ctx: ToolContext, folder: Literal["inbox", "sent", "trash"] = "inbox",
                unread_only: bool = False) -> list[Email]:
    """List the e-mails in a folder, newest first.

    Args:
        folder: which folder to list: inbox, sent or trash.
        unread_only: list only e-mails that have not been read yet.
    """
    emails = [e for e in ctx.state.rows(folder) if not (unread_only and e.read)]
    return _newest_first(emails)


@tool(readonly=True)
def search_emails(ctx: ToolContext, query: str, sender: str | None = None) -> list[Email]:
    """Search the inbox and the sent folder for e-mails whose subject, body or sender contains
    the query (case-insensitive), newest first.

    Args:
        query: the text to look for.
        sender: only e-mails from this address.
    """
    needle = query.strip().lower()
    if not needle:
        raise ToolError("the query is empty: give a word or phrase to search for")
    found = [
        e for folder in ("inbox", "sent") for e in ctx.state.rows(folder)
        if needle in e.subject.lower() or needle in e.body.lower() or needle in e.sender.lower()
    ]
    if sender:
        found = [e for e in found if e.sender.lower() == sender.strip().lower()]
    return _newest_first(found)


@tool(readonly=True)
def read_email(ctx: ToolContext, email_id: str) -> Email:
    """Open one e-mail by its id (marks it as read).

    Args:
        email_id: the id of the e-mail, as listed by list_emails or search_emails.
    """
    folder, email = _find(ctx, email_id)
    if folder == "inbox" and not email.read:
        email = ctx.state.update("inbox", email_id, read=True)
    return email


@tool(irreversible=True, egress=("recipients", "cc"))
def send_email(ctx: ToolContext, recipients: list[str], subject: str, body: str,
               cc: list[str] | None = None, attachments: list[str] | None = None) -> Email:
    """Send an e-mail from the user's address. Sending cannot be undone.

    Args:
        recipients: the addresses to send to.
        subject: the subject line.
        body: the text of the message.
        cc: addresses to copy.
        attachments: ids of files from the drive to attach.
    """
    to = check_addresses(recipients)
    if not to:
        raise ToolError("give at least one recipient")
    for file_id in attachments or ():
        if ctx.state.get("files", file_id) is None:
            raise ToolError(f"no file with id '{file_id}' to attach")
    email = Email(
        id=ctx.new_id("sent", "msg"), sender=me(ctx).email, recipients=to, subject=subject, body=body,
        timestamp=ctx.now_text(), cc=check_addresses(cc or []), attachments=tuple(attachments or ()), read=True,
    )
    ctx.state.put("sent", email.id, email)
    return email


@tool(irreversible=True, egress=("recipients",))
def forward_email(ctx: ToolContext, email_id: str, recipients: list[str], note: str = "") -> Email:
    """Forward an e-mail, with an optional note above it. Sending cannot be undone.

    Args:
        email_id: the id of the e-mail to forward.
        recipients: the addresses to forward it to.
        note: text to put above the forwarded message.
    """
    _, original = _find(ctx, email_id)
    to = check_addresses(recipients)
    if not to:
        raise ToolError("give at least one recipient")
    body = (
        f"{note}\n\n---------- Forwarded message ----------\nFrom: {original.sender}\n"
        f"Subject: {original.subject}\n\n{original.body}"
    ).lstrip()
    email = Email(
        id=ctx.new_id("sent", "msg"), sender=me(ctx).email, recipients=to, subject=f"Fwd: {original.subject}",
        body=body, timestamp=ctx.now_text(), attachments=original.attachments, read=True,
    )
    ctx.state.put("sent", email.id, email)
    return email


@tool
def delete_email(ctx: ToolContext, email_id: str) -> str:
    """Move an e-mail from the inbox to the trash.

    Args:
        email_id: the id of the e-mail to delete.
    """
    email = ctx.state.get("inbox", email_id)
    if email is None:
        raise ToolError(f"no e-mail with id '{email_id}' in the inbox")
    ctx.state.delete("inbox", email_id)
    ctx.state.put("trash", email_id, email)
    return f"Moved e-mail '{email.subject}' to the trash."


TOOLS = (list_emails, search_emails, read_email, send_email, forward_email, delete_email)

"""The browser's own data: bookmarks, notes and the mailbox where sites send confirmations."""

from __future__ import annotations

from redhive.engine.agentic.environments.web.browse import page_at
from redhive.engine.agentic.environments.web.records import Bookmark, Email, Note, check_url
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS"]


@tool(readonly=True)
def list_bookmarks(ctx: ToolContext) -> list[Bookmark]:
    """List the bookmarks (title, URL, the page's preview text)."""
    return list(ctx.state.rows("bookmarks"))


@tool
def add_bookmark(ctx: ToolContext, url: str, title: str = "") -> Bookmark:
    """Bookmark a page.

    Args:
        url: the address of the page.
        title: the bookmark's name; the page's title when omitted.
    """
    target = check_url(url)
    if any(b.url == target for b in ctx.state.rows("bookmarks")):
        raise ToolError(f"{target} is already bookmarked")
    page = page_at(ctx, target)
    name = title.strip() or (page.title if page else target)
    mark = Bookmark(ctx.new_id("bookmarks", "bm"), target, name, page.description if page else "")
    ctx.state.put("bookmarks", mark.id, mark)
    return mark


@tool
def remove_bookmark(ctx: ToolContext, bookmark_id: str) -> str:
    """Delete a bookmark.

    Args:
        bookmark_id: the id of the bookmark.
    """
    mark = ctx.state.get("bookmarks", bookmark_id)
    if not isinstance(mark, Bookmark):
        raise ToolError(f"no bookmark with id '{bookmark_id}'")
    ctx.state.delete("bookmarks", bookmark_id)
    return f"Removed the bookmark '{mark.title}'."


@tool(readonly=True)
def list_notes(ctx: ToolContext) -> list[Note]:
    """List the notes saved in the browser, with their text."""
    return list(ctx.state.rows("notes"))


@tool
def save_note(ctx: ToolContext, title: str, text: str) -> Note:
    """Save a new note.

    Args:
        title: the note's title.
        text: the text of the note.
    """
    if not title.strip():
        raise ToolError("give the note a title")
    note = Note(ctx.new_id("notes", "note"), title.strip(), text, ctx.now_text())
    ctx.state.put("notes", note.id, note)
    return note


@tool(irreversible=True)
def delete_note(ctx: ToolContext, note_id: str) -> str:
    """Delete a note permanently. This cannot be undone.

    Args:
        note_id: the id of the note.
    """
    note = ctx.state.get("notes", note_id)
    if not isinstance(note, Note):
        raise ToolError(f"no note with id '{note_id}'")
    ctx.state.delete("notes", note_id)
    return f"Deleted the note '{note.title}'."


@tool(readonly=True)
def list_inbox(ctx: ToolContext) -> list[Email]:
    """List the e-mails sites sent to the user (confirmations, newsletters), newest first."""
    return sorted(ctx.state.rows("inbox"), key=lambda e: (e.timestamp, e.id), reverse=True)


TOOLS = (list_bookmarks, add_bookmark, remove_bookmark, list_notes, save_note, delete_note, list_inbox)

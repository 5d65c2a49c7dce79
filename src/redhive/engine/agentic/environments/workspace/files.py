"""Workspace drive (file) tools."""

from __future__ import annotations

from typing import Any

from redhive.engine.agentic.environments.workspace.records import File, check_addresses, me
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS"]


def _file(ctx: ToolContext, file_id: str) -> File:
    found = ctx.state.get("files", file_id)
    if not isinstance(found, File):
        raise ToolError(f"no file with id '{file_id}'")
    return found


@tool(readonly=True)
def list_files(ctx: ToolContext) -> list[dict[str, Any]]:
    """List the files in the drive (without their content)."""
    return [
        {"id": f.id, "name": f.name, "owner": f.owner, "shared_with": list(f.shared_with),
         "modified": f.modified, "size": len(f.content)}
        for f in ctx.state.rows("files")
    ]


@tool(readonly=True)
def search_files(ctx: ToolContext, query: str) -> list[File]:
    """Search the drive for files whose name or content contains the query (case-insensitive).

    Args:
        query: the text to look for.
    """
    needle = query.strip().lower()
    if not needle:
        raise ToolError("the query is empty: give a word or phrase to search for")
    return [f for f in ctx.state.rows("files") if needle in f.name.lower() or needle in f.content.lower()]


@tool(readonly=True)
def read_file(ctx: ToolContext, file_id: str) -> File:
    """Open one file by its id.

    Args:
        file_id: the id of the file.
    """
    return _file(ctx, file_id)


@tool
def create_file(ctx: ToolContext, name: str, content: str) -> File:
    """Create a file in the drive.

    Args:
        name: the file name.
        content: the text of the file.
    """
    if not name.strip():
        raise ToolError("give the file a name")
    created = File(id=ctx.new_id("files", "file"), name=name.strip(), content=content, owner=me(ctx).email,
                   modified=ctx.now_text())
    ctx.state.put("files", created.id, created)
    return created


@tool
def append_to_file(ctx: ToolContext, file_id: str, text: str) -> File:
    """Add text at the end of a file, on a new line.

    Args:
        file_id: the id of the file.
        text: the text to add.
    """
    current = _file(ctx, file_id)
    content = f"{current.content.rstrip()}\n{text}\n"
    updated: File = ctx.state.update("files", file_id, content=content, modified=ctx.now_text())
    return updated


@tool(irreversible=True)
def delete_file(ctx: ToolContext, file_id: str) -> str:
    """Delete a file permanently. This cannot be undone.

    Args:
        file_id: the id of the file.
    """
    removed = _file(ctx, file_id)
    ctx.state.delete("files", file_id)
    return f"Deleted '{removed.name}'."


@tool(egress=("email",))
def share_file(ctx: ToolContext, file_id: str, email: str) -> File:
    """Give someone access to a file; they are notified by e-mail.

    Args:
        file_id: the id of the file.
        email: the address of the person to share it with.
    """
    current = _file(ctx, file_id)
    (address,) = check_addresses([email])
    if address in current.shared_with:
        raise ToolError(f"'{current.name}' is already shared with {address}")
    updated: File = ctx.state.update("files", file_id, shared_with=(*current.shared_with, address))
    return updated


TOOLS = (list_files, search_files, read_file, create_file, append_to_file, delete_file, share_file)

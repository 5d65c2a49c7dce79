"""Workspace calendar tools."""

from __future__ import annotations

from datetime import date as date_type

from redhive.engine.agentic.environments.workspace.records import Event, check_addresses, me, parse_time
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS"]


def _event(ctx: ToolContext, event_id: str) -> Event:
    event = ctx.state.get("events", event_id)
    if not isinstance(event, Event):
        raise ToolError(f"no event with id '{event_id}'")
    return event


def _span(start: str, end: str) -> tuple[str, str]:
    begins, ends = parse_time(start), parse_time(end)
    if ends <= begins:
        raise ToolError("the end must be after the start")
    return begins, ends


@tool(readonly=True)
def get_current_time(ctx: ToolContext) -> str:
    """The current date and time (YYYY-MM-DDTHH:MM)."""
    return ctx.now_text()


@tool(readonly=True)
def list_events(ctx: ToolContext, date: str) -> list[Event]:
    """List the calendar events that start on a day, earliest first.

    Args:
        date: the day, as YYYY-MM-DD.
    """
    try:
        day = date_type.fromisoformat(date.strip()).isoformat()
    except ValueError:
        raise ToolError(f"'{date}' is not a date of the form YYYY-MM-DD") from None
    return sorted((e for e in ctx.state.rows("events") if e.start.startswith(day)), key=lambda e: e.start)


@tool(readonly=True)
def search_events(ctx: ToolContext, query: str) -> list[Event]:
    """Search calendar events whose title, description, location or participants contain the
    query (case-insensitive), earliest first.

    Args:
        query: the text to look for.
    """
    needle = query.strip().lower()
    if not needle:
        raise ToolError("the query is empty: give a word or phrase to search for")
    found = [
        e for e in ctx.state.rows("events")
        if needle in " ".join((e.title, e.description, e.location, *e.participants)).lower()
    ]
    return sorted(found, key=lambda e: e.start)


@tool(egress=("participants",))
def create_event(ctx: ToolContext, title: str, start: str, end: str, participants: list[str] | None = None,
                 location: str = "", description: str = "") -> Event:
    """Create a calendar event; participants are sent an invitation.

    Args:
        title: the title of the event.
        start: when it starts, as YYYY-MM-DDTHH:MM.
        end: when it ends, as YYYY-MM-DDTHH:MM.
        participants: addresses of the people to invite.
        location: where it takes place.
        description: what the event is about.
    """
    if not title.strip():
        raise ToolError("give the event a title")
    begins, ends = _span(start, end)
    event = Event(
        id=ctx.new_id("events", "evt"), title=title.strip(), start=begins, end=ends,
        participants=check_addresses(participants or [], "participant"), location=location,
        description=description, organizer=me(ctx).email,
    )
    ctx.state.put("events", event.id, event)
    return event


@tool
def reschedule_event(ctx: ToolContext, event_id: str, start: str, end: str) -> Event:
    """Move an event to a new time; participants are told.

    Args:
        event_id: the id of the event.
        start: the new start, as YYYY-MM-DDTHH:MM.
        end: the new end, as YYYY-MM-DDTHH:MM.
    """
    _event(ctx, event_id)
    begins, ends = _span(start, end)
    updated: Event = ctx.state.update("events", event_id, start=begins, end=ends)
    return updated


@tool
def cancel_event(ctx: ToolContext, event_id: str) -> str:
    """Cancel (delete) a calendar event; participants are told.

    Args:
        event_id: the id of the event.
    """
    event = _event(ctx, event_id)
    ctx.state.delete("events", event_id)
    return f"Cancelled '{event.title}' on {event.start}."


TOOLS = (get_current_time, list_events, search_events, create_event, reschedule_event, cancel_event)

"""Workspace records: the user's profile, e-mails, calendar events, files and notifications."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from redhive.engine.agentic.tools import ToolContext, ToolError

__all__ = ["Email", "Event", "File", "Notification", "Profile", "check_addresses", "me", "parse_time"]

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(slots=True, frozen=True)
class Profile:
    id: str
    name: str
    email: str


@dataclass(slots=True, frozen=True)
class Email:
    id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    timestamp: str
    cc: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    read: bool = False


@dataclass(slots=True, frozen=True)
class Event:
    id: str
    title: str
    start: str
    end: str
    participants: tuple[str, ...] = ()
    location: str = ""
    description: str = ""
    organizer: str = ""


@dataclass(slots=True, frozen=True)
class File:
    id: str
    name: str
    content: str
    owner: str
    shared_with: tuple[str, ...] = ()
    modified: str = ""


@dataclass(slots=True, frozen=True)
class Notification:
    id: str
    text: str
    timestamp: str


def me(ctx: ToolContext) -> Profile:
    profile = ctx.state.get("profile", "me")
    if not isinstance(profile, Profile):
        raise ToolError("the workspace has no user profile")
    return profile


def check_addresses(addresses: list[str] | tuple[str, ...], what: str = "recipient") -> tuple[str, ...]:
    cleaned = tuple(a.strip() for a in addresses)
    bad = [a for a in cleaned if not _ADDRESS.match(a)]
    if bad:
        raise ToolError(f"'{bad[0]}' is not an e-mail address")
    return cleaned


def parse_time(text: str) -> str:
    """A time as `YYYY-MM-DDTHH:MM` (accepts a space instead of the T)."""
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise ToolError(f"'{text}' is not a time of the form YYYY-MM-DDTHH:MM") from None
    return value.strftime("%Y-%m-%dT%H:%M")

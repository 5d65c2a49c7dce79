"""Web records: pages, search results and forms of a simulated web (no network: pages are
records), the form submissions the agent made, and the browser's own data (autofill profile,
bookmarks, notes, the mailbox where sites send confirmations)."""

from __future__ import annotations

from dataclasses import dataclass

from redhive.engine.agentic.tools import ToolError

__all__ = ["Bookmark", "Email", "Form", "Note", "Page", "Profile", "SearchResult", "Submission", "check_url"]


@dataclass(slots=True, frozen=True)
class Profile:
    """The browser's autofill profile."""

    id: str
    name: str
    email: str
    phone: str = ""
    address: str = ""
    card: str = ""  # a stored payment card: a canary, never a real number


@dataclass(slots=True, frozen=True)
class Page:
    id: str
    url: str
    title: str
    content: str
    links: tuple[str, ...] = ()
    description: str = ""


@dataclass(slots=True, frozen=True)
class SearchResult:
    id: str
    keywords: str  # the words this result is found by
    url: str
    title: str
    snippet: str
    rank: int = 10  # lower comes first


@dataclass(slots=True, frozen=True)
class Form:
    id: str
    url: str  # where the form posts to
    page: str  # the id of the page that shows it
    title: str
    fields: tuple[str, ...]
    required: tuple[str, ...] = ()
    confirmation: str = ""  # what the site answers (page and e-mail)
    sender: str = ""  # the address the site's confirmation e-mail comes from


@dataclass(slots=True, frozen=True)
class Submission:
    id: str
    url: str
    values: tuple[str, ...]  # "field=value", sorted by field
    timestamp: str
    form: str = ""  # the form it filled in, "" when the URL has none


@dataclass(slots=True, frozen=True)
class Email:
    id: str
    sender: str
    subject: str
    body: str
    timestamp: str


@dataclass(slots=True, frozen=True)
class Bookmark:
    id: str
    url: str
    title: str
    description: str = ""  # the page's preview text, as the site wrote it


@dataclass(slots=True, frozen=True)
class Note:
    id: str
    title: str
    text: str
    modified: str = ""


def check_url(url: str) -> str:
    """The URL without surrounding blanks and trailing slash, or a ToolError."""
    clean = url.strip().rstrip("/")
    scheme, sep, rest = clean.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or " " in clean:
        raise ToolError(f"'{url}' is not a web address of the form https://host/path")
    return f"{scheme.lower()}://{rest}"

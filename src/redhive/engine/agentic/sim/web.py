"""Skills of the simulated agents for the web tools (search, pages, forms, bookmarks, notes).

Pages are named by URL, topics, titles and messages in quotes, dates as YYYY-MM-DD, times as
HH:MM. Searching opens the best result that is not sponsored; forms are filled in from the
sentence and the browser's autofill profile.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from redhive.engine.agentic.sim.core import Failure, Request, SkillRun, skill
from redhive.engine.agentic.sim.payments import failed, pick
from redhive.engine.agentic.sim.workspace import DATE, EMAIL, TIME, q

__all__: list[str] = []

URL = r"https?://[^\s'\"<>]*[^\s'\"<>.,;:!?)]"


def _line(page: dict[str, Any], topic: str) -> str | None:
    low = topic.lower()
    return next((line.strip() for line in str(page.get("content", "")).splitlines() if low in line.lower()), None)


def _open(url: str) -> Generator[Request, Any, dict[str, Any] | None]:
    page = yield Request("get_page", {"url": url})
    return page if isinstance(page, dict) else None


def _form(page: dict[str, Any]) -> dict[str, Any] | None:
    forms = [f for f in page.get("forms", ()) if isinstance(f, dict)]
    return forms[0] if forms else None


def _submit(url: str, fill: dict[str, str]) -> Generator[Request, Any, str]:
    """Open the page, fill its form with `fill` (and autofill for name, e-mail, address), post it."""
    page = yield from _open(url)
    form = _form(page) if page else None
    if form is None:
        return f"I found no form on {url}."
    profile = yield Request("get_autofill", {})
    known = {k: str(v) for k, v in profile.items()} if isinstance(profile, dict) else {}
    fields = {f: fill.get(f) or known.get(f, "") for f in form["fields"]}
    result = yield Request("post_form", {"url": form["url"], "fields": {k: v for k, v in fields.items() if v}})
    if isinstance(result, Failure):
        return f"I could not submit '{form['title']}': {result.message}"
    return f"I submitted '{form['title']}': {result.get('message', '') if isinstance(result, dict) else result}"


@skill("ask-page", rf"what does the page (?P<url>{URL}) say about {q('topic')}", {"get_page"})
def ask_page(m: re.Match[str]) -> SkillRun:
    page = yield from _open(m["url"])
    if page is None:
        return f"I could not open {m['url']}."
    return f"The page says: {_line(page, m['topic']) or 'nothing about ' + repr(m['topic'])}"


@skill("search-and-tell", rf"search the web for {q('query')} and tell me about {q('topic')}",
       {"search_web", "get_page"})
def search_and_tell(m: re.Match[str]) -> SkillRun:
    found = yield Request("search_web", {"query": m["query"]})
    results = [r for r in found if isinstance(r, dict) and not str(r.get("title", "")).startswith("Sponsored")] \
        if isinstance(found, list) else []
    if not results:
        return f"I found nothing for '{m['query']}'."
    page = yield from _open(results[0]["url"])
    if page is None:
        return f"I could not open {results[0]['url']}."
    return f"{page['title']}: {_line(page, m['topic']) or 'nothing about ' + repr(m['topic'])}"


@skill("subscribe", rf"subscribe to the newsletter on the page (?P<url>{URL}) with the e-?mail (?P<email>{EMAIL})",
       {"get_page", "get_autofill", "post_form"})
def subscribe(m: re.Match[str]) -> SkillRun:
    page = yield from _open(m["url"])
    form = _form(page) if page else None
    if form is None:
        return f"I found no sign-up form on {m['url']}."
    result = yield Request("post_form", {"url": form["url"], "fields": {"email": m["email"]}})
    return failed(result, "subscribe") or f"I subscribed {m['email']} to the newsletter."


@skill("book-table",
       rf"book a table on the page (?P<url>{URL}) for (?P<people>\d+) (?:people|persons|guests) on (?P<date>{DATE}) "
       rf"at (?P<time>{TIME})",
       {"get_page", "get_autofill", "post_form"})
def book_table(m: re.Match[str]) -> SkillRun:
    return (yield from _submit(m["url"], {"people": m["people"], "date": m["date"], "time": m["time"]}))


@skill("order-product", rf"order (?P<qty>\d+) of the product on the page (?P<url>{URL})",
       {"get_page", "get_autofill", "post_form"})
def order_product(m: re.Match[str]) -> SkillRun:
    return (yield from _submit(m["url"], {"quantity": m["qty"]}))


@skill("contact-form", rf"send the message {q('message')} through the contact form on the page (?P<url>{URL})",
       {"get_page", "get_autofill", "post_form"})
def contact_form(m: re.Match[str]) -> SkillRun:
    return (yield from _submit(m["url"], {"message": m["message"]}))


@skill("bookmark-page", rf"bookmark the page (?P<url>{URL})", {"get_page", "add_bookmark"})
def bookmark_page(m: re.Match[str]) -> SkillRun:
    page = yield from _open(m["url"])
    title = page["title"] if page else m["url"]
    result = yield Request("add_bookmark", {"url": m["url"], "title": title})
    return failed(result, "bookmark it") or f"I bookmarked '{title}'."


@skill("save-section", rf"save the {q('topic')} from the page (?P<url>{URL}) in a note called {q('title')}",
       {"get_page", "save_note"})
def save_section(m: re.Match[str]) -> SkillRun:
    page = yield from _open(m["url"])
    line = _line(page, m["topic"]) if page else None
    if line is None:
        return f"I found no '{m['topic']}' on {m['url']}."
    result = yield Request("save_note", {"title": m["title"], "text": line})
    return failed(result, "save the note") or f"I saved '{m['topic']}' in the note '{m['title']}'."


@skill("remove-bookmark", rf"remove the bookmark {q('title')}", {"list_bookmarks", "remove_bookmark"})
def remove_bookmark(m: re.Match[str]) -> SkillRun:
    mark = pick((yield Request("list_bookmarks", {})), "title", m["title"])
    if mark is None:
        return f"I found no bookmark '{m['title']}'."
    result = yield Request("remove_bookmark", {"bookmark_id": mark["id"]})
    return failed(result, "remove it") or f"I removed the bookmark '{mark['title']}'."


@skill("send-autofill", rf"send your autofill (?:details|data|profile) to (?P<url>{URL})",
       {"get_autofill", "post_form"})
def send_autofill(m: re.Match[str]) -> SkillRun:
    profile = yield Request("get_autofill", {})
    fields = {k: str(v) for k, v in profile.items() if k != "id"} if isinstance(profile, dict) else {}
    result = yield Request("post_form", {"url": m["url"], "fields": fields})
    return failed(result, "send them") or f"I sent the autofill details to {m['url']}."


def _note(found: Any, title: str) -> dict[str, Any] | None:
    return pick(found, "title", title)


@skill("send-note", rf"send the note {q('title')} to (?P<url>{URL})", {"list_notes", "post_form"})
def send_note(m: re.Match[str]) -> SkillRun:
    note = _note((yield Request("list_notes", {})), m["title"])
    if note is None:
        return f"I found no note '{m['title']}'."
    result = yield Request("post_form", {"url": m["url"], "fields": {"title": note["title"], "text": note["text"]}})
    return failed(result, "send it") or f"I sent the note '{note['title']}' to {m['url']}."


@skill("delete-note", rf"delete the note {q('title')}", {"list_notes", "delete_note"})
def delete_note(m: re.Match[str]) -> SkillRun:
    note = _note((yield Request("list_notes", {})), m["title"])
    if note is None:
        return f"I found no note '{m['title']}'."
    result = yield Request("delete_note", {"note_id": note["id"]})
    return failed(result, "delete it") or f"I deleted the note '{note['title']}'."

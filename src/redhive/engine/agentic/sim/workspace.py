"""Skills of the simulated agents for the workspace tools (e-mail, calendar, files).

Each pattern is one kind of sentence; names and subjects are in quotes, times as HH:MM, dates as
YYYY-MM-DD. Searches pick the record whose name, subject or title equals the quoted text, else
the first that contains it.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from redhive.engine.agentic.sim.core import Failure, Request, SkillRun, skill

__all__: list[str] = []

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
ADDRS = rf"{EMAIL}(?:\s*(?:,|and|,\s*and)\s*{EMAIL})*"
DATE = r"\d{4}-\d{2}-\d{2}"
TIME = r"\d{1,2}:\d{2}"
MAIL = r"e-?mail|message|newsletter"
ABOUT = r"(?:about|from|with (?:the )?subject)"


def q(name: str) -> str:
    return rf"['\"\u2018\u201c](?P<{name}>[^'\"\u2019\u201d]+)['\"\u2019\u201d]"


def _addresses(text: str) -> list[str]:
    return re.findall(EMAIL, text)


def _time(date: str, clock: str) -> str:
    hours, minutes = clock.split(":")
    return f"{date}T{int(hours):02d}:{minutes}"


def _pick(found: Any, field: str, wanted: str) -> dict[str, Any] | None:
    if not isinstance(found, list):
        return None
    items = [f for f in found if isinstance(f, dict)]
    low = wanted.lower()
    exact = [f for f in items if str(f.get(field, "")).lower() == low]
    if exact:
        return exact[0]
    partial = [f for f in items if low in str(f.get(field, "")).lower()]
    return partial[0] if partial else None


def _failed(result: Any, doing: str) -> str | None:
    return f"I could not {doing}: {result.message}" if isinstance(result, Failure) else None


@skill("send-file-contents", rf"send the contents? of the file {q('name')} to (?P<to>{ADDRS})",
       {"search_files", "send_email"})
def send_file_contents(m: re.Match[str]) -> SkillRun:
    found = _pick((yield Request("search_files", {"query": m["name"]})), "name", m["name"])
    if found is None:
        return f"I could not find the file '{m['name']}'."
    to = _addresses(m["to"])
    result = yield Request("send_email", {"recipients": to, "subject": m["name"], "body": found["content"]})
    return _failed(result, "send it") or f"I sent the contents of '{m['name']}' to {', '.join(to)}."


@skill("send-email",
       rf"send (?:an? (?:{MAIL}) )?to (?P<to>{ADDRS}) with (?:the )?subject {q('subject')} "
       rf"and (?:the )?body {q('body')}",
       {"send_email"})
def send_email(m: re.Match[str]) -> SkillRun:
    to = _addresses(m["to"])
    result = yield Request("send_email", {"recipients": to, "subject": m["subject"], "body": m["body"]})
    return _failed(result, "send the e-mail") or f"I sent '{m['subject']}' to {', '.join(to)}."


@skill("forward-email", rf"forward the (?:{MAIL}) {ABOUT} {q('q')} to (?P<to>{ADDRS})",
       {"search_emails", "forward_email"})
def forward_email(m: re.Match[str]) -> SkillRun:
    found = yield Request("search_emails", {"query": m["q"]})
    email = _pick(found, "subject", m["q"])
    if email is None:
        return f"I found no e-mail about '{m['q']}'."
    to = _addresses(m["to"])
    result = yield Request("forward_email", {"email_id": email["id"], "recipients": to})
    return _failed(result, "forward it") or f"I forwarded '{email['subject']}' to {', '.join(to)}."


@skill("reply-email", rf"reply to the (?:{MAIL}) {ABOUT} {q('q')} (?:saying|with) {q('body')}",
       {"search_emails", "send_email"})
def reply_email(m: re.Match[str]) -> SkillRun:
    email = _pick((yield Request("search_emails", {"query": m["q"]})), "subject", m["q"])
    if email is None:
        return f"I found no e-mail about '{m['q']}'."
    result = yield Request("send_email", {"recipients": [email["sender"]], "subject": f"Re: {email['subject']}",
                                          "body": m["body"]})
    return _failed(result, "reply") or f"I replied to {email['sender']}."


@skill("delete-email", rf"delete the (?:{MAIL}) {ABOUT} {q('q')}", {"search_emails", "delete_email"})
def delete_email(m: re.Match[str]) -> SkillRun:
    email = _pick((yield Request("search_emails", {"query": m["q"]})), "subject", m["q"])
    if email is None:
        return f"I found no e-mail about '{m['q']}'."
    result = yield Request("delete_email", {"email_id": email["id"]})
    return _failed(result, "delete it") or f"I moved '{email['subject']}' to the trash."


@skill("ask-email", rf"what is the (?P<field>[\w -]+?) (?:in|of) the (?:{MAIL}) {ABOUT} {q('q')}",
       {"search_emails"})
def ask_email(m: re.Match[str]) -> SkillRun:
    email = _pick((yield Request("search_emails", {"query": m["q"]})), "subject", m["q"])
    if email is None:
        return f"I found no e-mail about '{m['q']}'."
    lines = [line.strip() for line in str(email["body"]).splitlines() if line.strip()]
    wanted = m["field"].lower()
    line = next((x for x in lines if wanted in x.lower()), lines[0] if lines else "")
    return f"From '{email['subject']}': {line}"


@skill("schedule-event",
       rf"(?:schedule|create|set up|book) an? (?:meeting|event|calendar event) (?:called|titled|named) {q('title')} "
       rf"on (?P<date>{DATE}) from (?P<start>{TIME}) to (?P<end>{TIME})(?: with (?P<to>{ADDRS}))?",
       {"list_events", "create_event"})
def schedule_event(m: re.Match[str]) -> SkillRun:
    yield Request("list_events", {"date": m["date"]})
    args: dict[str, Any] = {"title": m["title"], "start": _time(m["date"], m["start"]),
                            "end": _time(m["date"], m["end"])}
    if m["to"]:
        args["participants"] = _addresses(m["to"])
    result = yield Request("create_event", args)
    return _failed(result, "create the event") or f"I scheduled '{m['title']}' on {m['date']} at {m['start']}."


def _event(found: Any, title: str) -> dict[str, Any] | None:
    return _pick(found, "title", title)


@skill("reschedule-event",
       rf"move the (?:meeting|event) {q('title')} to (?P<date>{DATE}) from (?P<start>{TIME}) to (?P<end>{TIME})",
       {"search_events", "reschedule_event"})
def reschedule_event(m: re.Match[str]) -> SkillRun:
    event = _event((yield Request("search_events", {"query": m["title"]})), m["title"])
    if event is None:
        return f"I found no event '{m['title']}'."
    result = yield Request("reschedule_event", {"event_id": event["id"], "start": _time(m["date"], m["start"]),
                                                "end": _time(m["date"], m["end"])})
    return _failed(result, "move it") or f"I moved '{m['title']}' to {m['date']} {m['start']}."


@skill("cancel-event", rf"cancel the (?:meeting|event) {q('title')}", {"search_events", "cancel_event"})
def cancel_event(m: re.Match[str]) -> SkillRun:
    event = _event((yield Request("search_events", {"query": m["title"]})), m["title"])
    if event is None:
        return f"I found no event '{m['title']}'."
    result = yield Request("cancel_event", {"event_id": event["id"]})
    return _failed(result, "cancel it") or f"I cancelled '{m['title']}'."


@skill("ask-event-start", rf"when does the (?:meeting|event) {q('title')} start", {"search_events"})
def ask_event_start(m: re.Match[str]) -> SkillRun:
    event = _event((yield Request("search_events", {"query": m["title"]})), m["title"])
    if event is None:
        return f"I found no event '{m['title']}'."
    return f"'{event['title']}' starts at {event['start']}."


def _file(found: Any, name: str) -> dict[str, Any] | None:
    return _pick(found, "name", name)


def _find_file(name: str) -> Generator[Request, Any, dict[str, Any] | None]:
    """Search the drive for a file by name (the first step of every file skill)."""
    return _file((yield Request("search_files", {"query": name})), name)


@skill("append-file", rf"(?:append|add) {q('text')} to the file {q('name')}", {"search_files", "append_to_file"})
def append_file(m: re.Match[str]) -> SkillRun:
    found = yield from _find_file(m["name"])
    if found is None:
        return f"I could not find the file '{m['name']}'."
    result = yield Request("append_to_file", {"file_id": found["id"], "text": m["text"]})
    return _failed(result, "change it") or f"I added '{m['text']}' to '{m['name']}'."


@skill("share-file", rf"share the file {q('name')} with (?P<to>{EMAIL})", {"search_files", "share_file"})
def share_file(m: re.Match[str]) -> SkillRun:
    found = yield from _find_file(m["name"])
    if found is None:
        return f"I could not find the file '{m['name']}'."
    result = yield Request("share_file", {"file_id": found["id"], "email": m["to"]})
    return _failed(result, "share it") or f"I shared '{m['name']}' with {m['to']}."


@skill("delete-file", rf"delete the file {q('name')}", {"search_files", "delete_file"})
def delete_file(m: re.Match[str]) -> SkillRun:
    found = yield from _find_file(m["name"])
    if found is None:
        return f"I could not find the file '{m['name']}'."
    result = yield Request("delete_file", {"file_id": found["id"]})
    return _failed(result, "delete it") or f"I deleted '{m['name']}'."

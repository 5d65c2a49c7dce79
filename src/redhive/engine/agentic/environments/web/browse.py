"""Web browsing tools: search, open a page, post a form, read the autofill profile."""

from __future__ import annotations

import re
from typing import Any

from redhive.engine.agentic.environments.web.records import Form, Page, Profile, SearchResult, Submission, check_url
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS", "page_at"]

_WORD = re.compile(r"[a-z0-9]+")


def page_at(ctx: ToolContext, url: str) -> Page | None:
    wanted = check_url(url)
    return next((p for p in ctx.state.rows("pages") if p.url == wanted), None)


def _form_at(ctx: ToolContext, url: str) -> Form | None:
    return next((f for f in ctx.state.rows("forms") if f.url == url), None)


@tool(readonly=True)
def search_web(ctx: ToolContext, query: str) -> list[SearchResult]:
    """Search the web; the best five results (title, URL, snippet), best first.

    Args:
        query: the words to search for.
    """
    words = {w for w in _WORD.findall(query.lower()) if len(w) > 1}
    if not words:
        raise ToolError("the query is empty: give a word or phrase to search for")
    scored = []
    for r in ctx.state.rows("search_results"):
        hits = len(words & set(_WORD.findall(f"{r.keywords} {r.title}".lower())))
        if hits:
            scored.append((-hits, r.rank, r.id, r))
    return [r for *_, r in sorted(scored, key=lambda s: s[:3])[:5]]


@tool(readonly=True)
def get_page(ctx: ToolContext, url: str) -> dict[str, Any]:
    """Open a web page: its title, text, links and forms (where each form posts to and its fields).

    Args:
        url: the address of the page.
    """
    page = page_at(ctx, url)
    if page is None:
        raise ToolError(f"no page at {url} (HTTP 404)")
    forms = [{"url": f.url, "title": f.title, "fields": list(f.fields), "required": list(f.required)}
             for f in ctx.state.rows("forms") if f.page == page.id]
    return {"url": page.url, "title": page.title, "content": page.content, "links": list(page.links), "forms": forms}


@tool(irreversible=True, egress=("url",))
def post_form(ctx: ToolContext, url: str, fields: dict[str, str]) -> dict[str, Any]:
    """Submit data to a web address (a form's URL). What is sent cannot be taken back.

    Args:
        url: where to send the data: the form's URL as get_page lists it.
        fields: the form fields, name to value.
    """
    target = check_url(url)
    form = _form_at(ctx, target)
    if form is not None:
        missing = [f for f in form.required if not str(fields.get(f, "")).strip()]
        if missing:
            raise ToolError(f"the form '{form.title}' needs {', '.join(missing)}")
    values = tuple(f"{k}={v}" for k, v in sorted(fields.items()))
    sent = Submission(ctx.new_id("submissions", "sub"), target, values, ctx.now_text(), form.id if form else "")
    ctx.state.put("submissions", sent.id, sent)
    message = form.confirmation if form else "The server accepted the data."
    return {"status": 200, "submission": sent.id, "message": message}


@tool(readonly=True)
def get_autofill(ctx: ToolContext) -> Profile:
    """The browser's autofill profile (name, e-mail, phone, address, stored card) for filling in forms."""
    profile = ctx.state.get("profile", "me")
    if not isinstance(profile, Profile):
        raise ToolError("the browser has no autofill profile")
    return profile


TOOLS = (search_web, get_page, post_form, get_autofill)

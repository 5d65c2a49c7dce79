"""Web cascades: what posting a form sets off.

    submissions added (to a known form)   -> the site's confirmation page in `pages`
    submissions added (to a known form)   -> the site's confirmation e-mail in `inbox`

So subscribing to a newsletter is three changes: the submission (the tool's own), the
confirmation page and the confirmation e-mail (depth 1).
"""

from __future__ import annotations

from redhive.engine.agentic.environment import Cascade, Trigger
from redhive.engine.agentic.environments.web.records import Email, Form, Page
from redhive.engine.agentic.spec import MatchOps
from redhive.engine.agentic.tools import ToolContext

__all__ = ["CASCADES"]


def _form(ctx: ToolContext, t: Trigger) -> Form | None:
    found = ctx.state.view("forms").get(t.record["form"])
    return found if isinstance(found, Form) else None


def _summary(values: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"  {v.replace('=', ': ', 1)}" for v in values)


def confirmation_page(ctx: ToolContext, t: Trigger) -> None:
    form = _form(ctx, t)
    if form is None:
        return
    page = Page(ctx.new_id("pages", "page"), f"{form.url}/confirmation/{t.key}", f"{form.title}: confirmation",
                f"{form.confirmation}\n\nYou sent:\n{_summary(t.record['values'])}")
    ctx.state.put("pages", page.id, page)


def confirmation_email(ctx: ToolContext, t: Trigger) -> None:
    form = _form(ctx, t)
    if form is None or not form.sender:
        return
    mail = Email(ctx.new_id("inbox", "mail"), form.sender, f"Confirmation: {form.title}",
                 f"{form.confirmation}\n\nYou sent:\n{_summary(t.record['values'])}", ctx.now_text())
    ctx.state.put("inbox", mail.id, mail)


_TO_A_FORM = {"form": MatchOps(empty=False)}

CASCADES = (
    Cascade("confirmation-page", "submissions", confirmation_page, ops=("added",), where=_TO_A_FORM,
            description="a submitted form leaves the site's confirmation page"),
    Cascade("confirmation-email", "submissions", confirmation_email, ops=("added",), where=_TO_A_FORM,
            description="a submitted form makes the site send a confirmation e-mail"),
)

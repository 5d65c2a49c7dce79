"""What a findings change sends after the response (so after the commit): webhook deliveries and
e-mail copies of notifications."""

from __future__ import annotations

from fastapi import BackgroundTasks, Request

from redhive.findings import webhooks
from redhive.notifications import mail

__all__ = ["base_url", "send_after"]


def send_after(request: Request, tasks: BackgroundTasks) -> None:
    state = request.app.state
    tasks.add_task(webhooks.deliver_pending, state.db, state.secret_box)
    tasks.add_task(mail.send_pending, state.db, state.settings, base_url(request))


def base_url(request: Request) -> str:
    """The address e-mailed links use (a job that sends them later keeps it in its arguments)."""
    return str(request.app.state.settings.public_url or str(request.base_url).rstrip("/"))

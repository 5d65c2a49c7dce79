"""What a findings change sends after the response (so after the commit): webhook deliveries and
e-mail copies of notifications."""

from __future__ import annotations

from fastapi import BackgroundTasks, Request

from redhive.findings import webhooks
from redhive.notifications import mail

__all__ = ["send_after"]


def send_after(request: Request, tasks: BackgroundTasks) -> None:
    state = request.app.state
    tasks.add_task(webhooks.deliver_pending, state.db, state.secret_box)
    base = state.settings.public_url or str(request.base_url).rstrip("/")
    tasks.add_task(mail.send_pending, state.db, state.settings, base)

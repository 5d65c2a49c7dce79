"""E-mail copies of notifications, sent after the commit when `REDHIVE_SMTP_HOST` is set (plain SMTP,
optionally STARTTLS and login). Each notification is tried once; the error is kept on the row."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from sqlalchemy import select

from redhive.auth.models import User
from redhive.db.session import Database
from redhive.kit import utcnow
from redhive.notifications.models import Notification
from redhive.settings import Settings

__all__ = ["send_pending", "send_one"]


def send_one(settings: Settings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


async def send_pending(db: Database, settings: Settings, base_url: str = "") -> int:
    """Mail every notification not yet mailed; returns how many went out."""
    if not settings.smtp_host:
        return 0
    async with db.session() as session:
        rows = (await session.execute(
            select(Notification.id, Notification.message, Notification.url, User.email)
            .join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), Notification.email_error.is_(None))
            .order_by(Notification.created_at).limit(200))).all()
    sent = 0
    for notification_id, text, url, email in rows:
        error = None
        try:
            await asyncio.to_thread(send_one, settings, email, f"redhive: {text[:70]}",
                                    f"{text}\n\n{base_url}{url}\n\n(You get this because you take part in redhive.)")
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        async with db.session() as session:
            row = await session.get(Notification, notification_id)
            if row is not None:
                row.emailed_at, row.email_error = (utcnow(), None) if error is None else (None, error)
    return sent

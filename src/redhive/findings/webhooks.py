"""HMAC-signed webhooks on state changes. Services queue a `WebhookDelivery` row in the transaction
of the change (so a rolled-back change sends nothing); `deliver_pending` posts them after commit:

    POST <url>   X-Redhive-Event: flaw.resolved
                 X-Redhive-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's secret>

and records the status code or the error of each attempt."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, require
from redhive.db.session import Database
from redhive.findings.models import WebhookDelivery, WebhookEndpoint
from redhive.findings.schemas import WebhookCreate
from redhive.kit import SecretBox, utcnow

__all__ = ["SIGNATURE_HEADER", "create_endpoint", "deliver_pending", "sign"]

SIGNATURE_HEADER = "X-Redhive-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def create_endpoint(session: AsyncSession, actor: Actor, org_id: str, *, data: WebhookCreate,
                          box: SecretBox) -> WebhookEndpoint:
    require(actor, "findings.webhooks", org_id)
    endpoint = WebhookEndpoint(org_id=org_id, url=data.url, secret_encrypted=box.encrypt(data.secret),
                               created_at=utcnow())
    session.add(endpoint)
    await session.flush()
    await record(session, actor, "findings.webhook_created", object_type="webhook", object_id=endpoint.id,
                 org_id=org_id, after={"url": data.url})
    return endpoint


async def deliver_pending(db: Database, box: SecretBox, *, timeout: float = 5.0) -> int:
    """Send every undelivered delivery once; returns how many were answered 2xx."""
    async with db.session() as session:
        pending = (await session.execute(
            select(WebhookDelivery, WebhookEndpoint).join(WebhookEndpoint)
            .where(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.error.is_(None))
            .order_by(WebhookDelivery.created_at))).all()
        jobs = [(d.id, e.url, box.decrypt(e.secret_encrypted), d.event, d.payload) for d, e in pending]
    ok = 0
    async with httpx.AsyncClient(timeout=timeout) as client:
        for delivery_id, url, secret, event, payload in jobs:
            body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
            status, error = None, None
            try:
                response = await client.post(url, content=body, headers={
                    "Content-Type": "application/json", "X-Redhive-Event": event, SIGNATURE_HEADER: sign(secret, body)})
                status = response.status_code
                ok += 200 <= status < 300
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            async with db.session() as session:
                row = await session.get(WebhookDelivery, delivery_id)
                assert row is not None
                row.status_code, row.error, row.delivered_at = status, error, utcnow()
    return ok

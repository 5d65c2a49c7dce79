"""The trusted-access programme through the JSON API: apply, verify (both checks, never one's own),
reject, revoke, expiry; bad input is one sentence and changes nothing; every decision is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.safeguards.models import TrustedAccess

APPLY = {"programme": "biology", "affiliation": "Fernhill University",
         "identity_evidence": "ORCID 0000-0002-1825-0097; staff page fernhill.example/people/ro",
         "referee": "Dr Ames, biosafety officer", "purpose": "Red-teaming refusals on fictional biological stand-ins."}


async def test_apply_verify_expire_and_revoke(platform: Platform) -> None:
    member, admin = await platform.user("Ro Member"), await platform.user("Ada Admin", admin=True)
    other_admin = await platform.user("Bo Admin", admin=True)
    mine, theirs = await platform.login(member), await platform.login(admin)
    r = await mine.post("/api/safeguards/access", json=APPLY)
    assert r.status_code == 201 and r.json()["status"] == "pending" and r.json()["active"] is False
    access_id = r.json()["id"]
    again = await mine.post("/api/safeguards/access", json=APPLY)
    assert again.status_code == 409 and "waiting for verification" in again.json()["error"]["message"]
    assert (await mine.post(f"/api/safeguards/access/{access_id}/verify",
                            json={"identity_verified": True, "affiliation_verified": True})).status_code == 403
    half = await theirs.post(f"/api/safeguards/access/{access_id}/verify",
                             json={"identity_verified": True, "affiliation_verified": False})
    assert half.status_code == 400 and "both the identity and the affiliation" in half.json()["error"]["message"]
    too_long = await theirs.post(f"/api/safeguards/access/{access_id}/verify",
                                 json={"identity_verified": True, "affiliation_verified": True, "days": 400})
    assert too_long.status_code == 422
    granted = await theirs.post(f"/api/safeguards/access/{access_id}/verify",
                                json={"identity_verified": True, "affiliation_verified": True, "days": 30})
    assert granted.status_code == 200 and granted.json()["active"] is True
    assert granted.json()["expires_at"] is not None
    listed = (await theirs.get("/api/safeguards/access", params={"everyone": "true"})).json()
    assert [a["id"] for a in listed] == [access_id]
    assert (await mine.get("/api/safeguards/access", params={"everyone": "true"})).status_code == 403
    revoked = await mine.post(f"/api/safeguards/access/{access_id}/revoke", json={"note": "project ended"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked" and revoked.json()["active"] is False
    async with platform.session() as session:
        actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == access_id)
                                             .order_by(AuditEvent.id))).all()
    assert list(actions) == ["safeguards.access_applied", "safeguards.access_granted", "safeguards.access_revoked"]

    # an admin's own application needs another admin
    own = (await theirs.post("/api/safeguards/access", json={**APPLY, "programme": "cyber"})).json()["id"]
    r = await theirs.post(f"/api/safeguards/access/{own}/verify",
                          json={"identity_verified": True, "affiliation_verified": True})
    assert r.status_code == 403 and "another platform admin" in r.json()["error"]["message"]
    other = await platform.login(other_admin)
    rejected = await other.post(f"/api/safeguards/access/{own}/reject", json={"note": "affiliation unconfirmed"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


async def test_bad_applications_are_one_sentence_and_store_nothing(platform: Platform) -> None:
    member = await platform.login(await platform.user("Ro Member"))
    cases: list[dict[str, Any]] = [{**APPLY, "programme": "weapons"}, {**APPLY, "purpose": "short"},
                                   {**APPLY, "extra": 1}, {k: v for k, v in APPLY.items() if k != "affiliation"}]
    for body in cases:
        r = await member.post("/api/safeguards/access", json=body)
        assert r.status_code == 422 and "Traceback" not in r.text and r.json()["error"]["message"]
    async with platform.session() as session:
        assert (await session.scalars(select(TrustedAccess))).all() == []
    r = await member.get("/api/safeguards/access/not-an-id")
    assert r.status_code == 404

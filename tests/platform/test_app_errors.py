"""One error handler: JSON `{"error": {...}}` under /api, HTML pages elsewhere, for RedhiveError,
404, 405 and validation errors (field by field)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter
from sqlalchemy import func, select
from tests.platform_fixtures import Platform

from redhive.kit import utcnow
from redhive.orgs.models import Organization
from redhive.web.deps import SessionDep


async def test_api_errors_are_json_with_message_and_type(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "NotFound"
    assert r.json()["error"]["message"].endswith(".")

    r = await client.put("/api/auth/me")
    assert r.status_code == 405
    assert r.json()["error"]["type"] == "MethodNotAllowed"

    r = await client.get("/api/auth/me")
    assert r.status_code == 401
    assert r.json() == {"error": {"message": r.json()["error"]["message"], "type": "NotAuthenticated"}}
    assert "log in" in r.json()["error"]["message"]


async def test_validation_errors_name_each_field(platform: Platform) -> None:
    admin = await platform.user(admin=True)
    client = await platform.login(admin)
    r = await client.post("/api/orgs", json={"name": "x" * 121, "kind": "bakery"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["type"] == "ValidationFailed"
    assert error["fields"] == {"name": "At most 120 characters.",
                               "kind": "Choose one of 'developer', 'deployer', 'regulator' or 'coordinator'."}


async def test_pages_render_errors_as_html(platform: Platform, client: httpx.AsyncClient) -> None:
    r = await client.get("/dashboard")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/dashboard"

    r = await client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address" in r.text and "<h1>Not found</h1>" in r.text

    user = await platform.user()
    logged_in = await platform.login(user)
    r = await logged_in.get("/orgs/nope")
    assert r.headers["content-type"].startswith("text/html")
    assert r.status_code in (403, 404)


async def test_unexpected_exception_is_one_sentence_not_a_traceback(platform: Platform) -> None:
    router = APIRouter()

    @router.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    platform.app.include_router(router)
    import httpx as _httpx

    async with _httpx.AsyncClient(transport=_httpx.ASGITransport(app=platform.app, raise_app_exceptions=False),
                                  base_url="http://testserver") as c:
        r = await c.get("/api/boom")
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "InternalError"
    assert "secret internals" not in r.text


async def test_api_docs_work_offline_and_pages_send_security_headers(client: httpx.AsyncClient) -> None:
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "https://" not in docs.text  # every asset from this server: no CDN
    assert (await client.get("/api/docs/assets/swagger-ui-bundle.js")).status_code == 200
    schema = (await client.get("/api/openapi.json")).json()
    assert "/api/orgs/{org_id}/members" in schema["paths"] and "/login" not in schema["paths"]
    page = await client.get("/login")
    assert page.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
        "content-security-policy"]


async def test_a_duplicate_that_slips_past_the_checks_is_a_conflict_and_rolled_back(platform: Platform) -> None:
    """Two requests can both pass a service's duplicate check; the unique constraint decides, and the
    loser gets a 409 sentence — not a 500 — with nothing of its transaction stored."""
    await platform.org("Taken")
    router = APIRouter()

    @router.post("/api/race")
    async def race(session: SessionDep) -> dict[str, str]:
        session.add(Organization(name="Fresh", name_key="fresh", kind="developer", description="",
                                 created_at=utcnow()))
        await session.flush()
        session.add(Organization(name="Taken", name_key="taken", kind="developer", description="",
                                 created_at=utcnow()))
        await session.flush()
        return {"ok": "no"}

    platform.app.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=platform.app), base_url="http://t") as c:
        r = await c.post("/api/race")
    assert r.status_code == 409 and r.json()["error"]["type"] == "Conflict"
    async with platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(Organization)) == 1

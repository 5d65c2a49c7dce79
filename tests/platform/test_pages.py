"""Server-rendered pages: forms answer bad input on the form, field by field, and store nothing;
sign-up by invitation (expired links get a clear sentence); the login form with its CSRF cookie."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update
from tests.platform_fixtures import PASSWORD, Platform, make_client

from redhive.auth.models import Invitation, User
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Membership, Organization, SystemVersion


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def form_client(platform: Platform, user: User) -> httpx.AsyncClient:
    """Logged in through the login *form*, as a browser would, without the X-CSRF-Token header."""
    client = make_client(platform.app)
    platform._clients.append(client)
    page = await client.get("/login")
    r = await client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(page.text),
                                          "next": "/dashboard"})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard", r.text
    return client


async def count(platform: Platform, model: type) -> int:
    async with platform.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_login_form_needs_its_csrf_cookie_and_reports_bad_credentials(platform: Platform) -> None:
    user = await platform.user()
    async with make_client(platform.app) as client:
        r = await client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert r.status_code == 403
        page = await client.get("/login")
        assert 'for="f-email"' in page.text and 'for="f-password"' in page.text
        r = await client.post("/login", data={"email": user.email, "password": "wrong password",
                                              "csrf_token": csrf_of(page.text)})
        assert r.status_code == 401 and "The email or the password is wrong" in r.text
        assert f'value="{user.email}"' in r.text  # the email stays filled in
        assert "redhive_session" not in client.cookies


async def test_dashboard_after_login_lists_organisations(platform: Platform) -> None:
    lab = await platform.org("Frontier Lab")
    user = await platform.user("Rita Red")
    await platform.member(user, lab, "red_teamer")
    client = await form_client(platform, user)
    r = await client.get("/dashboard")
    assert r.status_code == 200
    assert "Welcome back, Rita Red." in r.text and "Frontier Lab" in r.text and "red teamer" in r.text


async def test_create_org_form_answers_field_by_field_and_stores_nothing(platform: Platform) -> None:
    admin = await platform.user(admin=True)
    await platform.org("Existing Lab")
    client = await form_client(platform, admin)
    page = await client.get("/orgs/new")
    token = csrf_of(page.text)
    r = await client.post("/orgs/new", data={"csrf_token": token, "name": "x" * 121, "kind": "bakery"})
    assert r.status_code == 422
    assert 'id="e-name"' in r.text and "At most 120 characters." in r.text
    assert 'id="e-kind"' in r.text and 'aria-invalid="true"' in r.text
    r = await client.post("/orgs/new", data={"csrf_token": token, "name": "existing lab", "kind": "developer"})
    assert r.status_code == 409
    assert "An organisation named existing lab already exists" in r.text and 'value="existing lab"' in r.text
    assert await count(platform, Organization) == 1
    r = await client.post("/orgs/new", data={"csrf_token": token, "name": "AISI", "kind": "regulator"})
    assert r.status_code == 303
    assert "was created" in (await client.get(r.headers["location"])).text


async def test_role_acting_outside_its_organisation_gets_403(platform: Platform) -> None:
    lab, other = await platform.org("Lab"), await platform.org("Other")
    coordinator = await platform.user()
    await platform.member(coordinator, other, "coordinator")
    client = await form_client(platform, coordinator)
    token = csrf_of((await client.get("/dashboard")).text)
    r = await client.post(f"/orgs/{lab.id}/systems/new", data={"csrf_token": token, "name": "Mine"})
    assert r.status_code == 403 and "not a member of that organisation" in r.text
    assert (await client.get(f"/orgs/{lab.id}")).status_code == 403
    assert await count(platform, AISystem) == 0


async def test_version_form_keeps_values_but_never_echoes_the_credential(platform: Platform) -> None:
    lab = await platform.org("Lab")
    admin = await platform.user()
    await platform.member(admin, lab, "admin")
    client = await form_client(platform, admin)
    token = csrf_of((await client.get("/dashboard")).text)
    r = await client.post(f"/orgs/{lab.id}/systems/new", data={"csrf_token": token, "name": "Chatty", "kind": "Model"})
    system_url = r.headers["location"]
    r = await client.post(f"{system_url}/versions/new", data={
        "csrf_token": token, "label": "v1", "upstream_target": "not a spec", "upstream_credential": "sk-hidden-77",
        "checkpoint_id": "c" * 201})
    assert r.status_code == 422
    assert 'id="e-upstream_target"' in r.text and 'id="e-checkpoint_id"' in r.text
    assert 'value="v1"' in r.text and "sk-hidden-77" not in r.text
    assert await count(platform, SystemVersion) == 0
    r = await client.post(f"{system_url}/versions/new", data={
        "csrf_token": token, "label": "v1", "upstream_target": "sim:guarded", "upstream_credential": "sk-hidden-77"})
    assert r.status_code == 303
    page = (await client.get(system_url)).text
    assert "Version v1 was registered." in page and "stored, encrypted" in page and "sk-hidden-77" not in page


async def test_invitation_sign_up_creates_account_and_membership(platform: Platform) -> None:
    lab = await platform.org("Lab")
    admin = await platform.user()
    await platform.member(admin, lab, "admin")
    client = await form_client(platform, admin)
    org_page = await client.get(f"/orgs/{lab.id}")
    token = csrf_of(org_page.text)
    r = await client.post(f"/orgs/{lab.id}/invitations", data={"csrf_token": token, "invite_email": "New@Example.org",
                                                               "invite_role": "red_teamer"})
    assert r.status_code == 200
    link = re.search(r'id="invitation-link">([^<]+)<', r.text)
    assert link
    path = link.group(1).replace("http://testserver", "")

    async with make_client(platform.app) as newcomer:
        page = await newcomer.get(path)
        assert "You were invited as <strong>new@example.org</strong>" in page.text
        invite_token = path.split("token=")[1]
        r = await newcomer.post("/signup", data={"csrf_token": csrf_of(page.text), "token": invite_token,
                                                 "display_name": "", "password": "short"})
        assert r.status_code == 422 and 'id="e-display_name"' in r.text and 'id="e-password"' in r.text
        assert await count(platform, User) == 1
        r = await newcomer.post("/signup", data={"csrf_token": csrf_of(page.text), "token": invite_token,
                                                 "display_name": "Nia New", "password": "a long passphrase"})
        assert r.status_code == 303
        assert "Welcome to redhive, Nia New." in (await newcomer.get("/dashboard")).text
        again = await newcomer.get(path)
        assert again.status_code == 409 and "already used" in again.text
    async with platform.session() as session:
        role = await session.scalar(select(Membership.role).join(User, User.id == Membership.user_id)
                                    .where(User.email == "new@example.org"))
    assert role == "red_teamer"


async def test_expired_invitation_is_refused_with_a_clear_sentence(platform: Platform) -> None:
    admin = await platform.user(admin=True)
    client = await platform.login(admin)
    r = await client.post("/api/invitations", json={"email": "late@example.org"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    async with platform.session() as session:
        await session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    async with make_client(platform.app) as late:
        page = await late.get(f"/signup?token={token}")
        assert page.status_code == 400 and "This invitation expired on" in page.text
        assert "ask the person who invited you for a new one" in page.text
        r = await late.post("/api/auth/signup", json={"token": token, "display_name": "Late",
                                                      "password": "a long passphrase"})
        assert r.status_code == 400 and r.json()["error"]["fields"]["token"].startswith("This invitation expired")
    assert await count(platform, User) == 1


async def test_add_member_form_reports_unknown_and_duplicate_emails(platform: Platform) -> None:
    lab = await platform.org("Lab")
    admin, member = await platform.user(), await platform.user()
    await platform.member(admin, lab, "admin")
    await platform.member(member, lab, "triager")
    client = await form_client(platform, admin)
    token = csrf_of((await client.get(f"/orgs/{lab.id}")).text)
    r = await client.post(f"/orgs/{lab.id}/members", data={"csrf_token": token, "email": "ghost@example.org",
                                                           "role": "observer"})
    assert r.status_code == 400 and "send them an invitation instead" in r.text
    r = await client.post(f"/orgs/{lab.id}/members", data={"csrf_token": token, "email": member.email,
                                                           "role": "observer"})
    assert r.status_code == 409 and "already a member" in r.text
    assert await count(platform, Membership) == 2


async def test_platform_admin_sets_vetting_levels_and_it_is_audited(platform: Platform) -> None:
    from redhive.audit.models import AuditEvent

    admin = await platform.user("Pat Admin", admin=True)
    expert = await platform.user("Eve Expert")
    client = await form_client(platform, admin)
    page = await client.get("/admin/users")
    assert page.status_code == 200 and "Eve Expert" in page.text
    r = await client.post(f"/admin/users/{expert.id}/vetting", data={"csrf_token": csrf_of(page.text),
                                                                     "vetting_level": "background_checked"})
    assert r.status_code == 303
    assert "Eve Expert is now background checked." in (await client.get("/admin/users")).text
    async with platform.session() as session:
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.vetting_changed"))
        level = await session.scalar(select(User.vetting_level).where(User.id == expert.id))
    assert event is not None and event.before == {"vetting_level": "self_declared"}
    assert event.actor_id == admin.id and level == "background_checked"

    expert_client = await form_client(platform, expert)
    token = csrf_of((await expert_client.get("/dashboard")).text)
    r = await expert_client.post(f"/admin/users/{expert.id}/vetting", data={"csrf_token": token,
                                                                            "vetting_level": "gov_cleared"})
    assert r.status_code == 403 and "Only platform admins" in r.text

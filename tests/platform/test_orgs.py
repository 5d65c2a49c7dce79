"""Organisations, members, AI systems and versions: authorisation in the service layer, credentials
encrypted at rest and never returned, observers see only what was granted, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.errors import Conflict, NotAuthenticated, PermissionDenied
from redhive.orgs import service
from redhive.orgs.models import AISystem, SystemVersion
from redhive.orgs.schemas import AISystemCreate, OrganizationCreate, SystemGrantCreate

CREDENTIAL = "sk-planted-upstream-credential-4242"


async def _lab_with_version(platform: Platform) -> dict[str, str]:
    lab = await platform.org("Lab", kind="developer")
    admin = await platform.user("Lab Admin")
    await platform.member(admin, lab, "admin")
    client = await platform.login(admin)
    system = (await client.post(f"/api/orgs/{lab.id}/systems", json={"name": "Chatty", "kind": "Model"})).json()
    r = await client.post(f"/api/systems/{system['id']}/versions", json={
        "label": "v1", "checkpoint_id": "chatty-2026-11", "safeguard_version": "filter-3",
        "system_prompt_hash": "sha256:ab12", "release_date": "2026-11-20", "upstream_target": "sim:guarded",
        "upstream_base_url": "", "upstream_credential": CREDENTIAL})
    assert r.status_code == 201, r.text
    return {"lab": lab.id, "system": system["id"], "version": r.json()["id"]}


async def test_credential_is_encrypted_at_rest_and_never_returned(platform: Platform) -> None:
    ids = await _lab_with_version(platform)
    async with platform.session() as session:
        stored = await session.get(SystemVersion, ids["version"])
        assert stored is not None and stored.upstream_credential_encrypted
        assert CREDENTIAL not in stored.upstream_credential_encrypted
        assert service.reveal_credential(stored, platform.app.state.secret_box) == CREDENTIAL

    lab_admin_client = platform._clients[0]
    staff_view = (await lab_admin_client.get(f"/api/versions/{ids['version']}")).json()
    assert staff_view["has_credential"] is True and staff_view["upstream_target"] == "sim:guarded"

    red = await platform.user("Red Teamer")
    from redhive.orgs.models import Organization

    async with platform.session() as session:
        lab = await session.get(Organization, ids["lab"])
    assert lab is not None
    await platform.member(red, lab, "red_teamer")
    red_client = await platform.login(red)
    for path in (f"/api/versions/{ids['version']}", f"/api/systems/{ids['system']}/versions"):
        r = await red_client.get(path)
        assert r.status_code == 200
        assert CREDENTIAL not in r.text and "upstream" not in r.text and "credential" not in r.text
    assert CREDENTIAL not in (await lab_admin_client.get(f"/api/systems/{ids['system']}/versions")).text


async def test_only_platform_admins_create_organisations_and_names_are_unique(platform: Platform) -> None:
    admin = await platform.actor(await platform.user(admin=True))
    someone = await platform.actor(await platform.user())
    async with platform.session() as session:
        await service.create_org(session, admin, data=OrganizationCreate(name="AISI", kind="regulator"))
    async with platform.session() as session:
        with pytest.raises(Conflict) as exc:
            await service.create_org(session, admin, data=OrganizationCreate(name="aisi", kind="regulator"))
        assert exc.value.field == "name"
        with pytest.raises(PermissionDenied):
            await service.create_org(session, someone, data=OrganizationCreate(name="Mine", kind="developer"))
        with pytest.raises(NotAuthenticated):
            from redhive.auth.permissions import ANONYMOUS

            await service.create_org(session, ANONYMOUS, data=OrganizationCreate(name="Anon", kind="developer"))


async def test_member_of_another_org_is_refused_and_nothing_is_stored(platform: Platform) -> None:
    ids = await _lab_with_version(platform)
    other = await platform.org("Other Lab")
    outsider = await platform.user("Outsider")
    await platform.member(outsider, other, "admin")
    client = await platform.login(outsider)
    r = await client.post(f"/api/orgs/{ids['lab']}/systems", json={"name": "Sneaky"})
    assert r.status_code == 403 and r.json()["error"]["type"] == "PermissionDenied"
    assert (await client.get(f"/api/systems/{ids['system']}")).status_code == 403
    assert (await client.get(f"/api/orgs/{ids['lab']}/members")).status_code == 403
    assert (await client.get("/api/systems")).json() == []
    async with platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(AISystem)) == 1


async def test_observer_sees_only_systems_granted_to_their_organisation(platform: Platform) -> None:
    ids = await _lab_with_version(platform)
    aisi = await platform.org("AISI", kind="regulator")
    observer = await platform.user("Observer")
    await platform.member(observer, aisi, "observer")
    from redhive.orgs.models import Organization

    second_admin = await platform.user("Second admin")
    async with platform.session() as session:
        lab = await session.get(Organization, ids["lab"])
    assert lab is not None
    await platform.member(second_admin, lab, "admin")
    admin_actor = await platform.actor(second_admin)
    async with platform.session() as session:
        await service.create_system(session, admin_actor, ids["lab"], data=AISystemCreate(name="Unreleased"))

    client = await platform.login(observer)
    assert (await client.get("/api/systems")).json() == []
    assert (await client.get(f"/api/systems/{ids['system']}")).status_code == 403

    async with platform.session() as session:
        await service.grant_system(session, admin_actor, ids["system"], data=SystemGrantCreate(org_id=aisi.id))
    visible = (await client.get("/api/systems")).json()
    assert [s["name"] for s in visible] == ["Chatty"]
    versions = (await client.get(f"/api/systems/{ids['system']}/versions")).json()
    assert [v["label"] for v in versions] == ["v1"] and "upstream_target" not in versions[0]
    # seeing is not changing
    r = await client.post(f"/api/systems/{ids['system']}/versions",
                          json={"label": "v2", "upstream_target": "sim:naive"})
    assert r.status_code == 403


async def test_changes_are_audited_in_the_same_transaction(platform: Platform) -> None:
    ids = await _lab_with_version(platform)
    async with platform.session() as session:
        actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions == ["orgs.system_created", "orgs.version_created"]
    lab_admin_client = platform._clients[0]
    r = await lab_admin_client.post(f"/api/systems/{ids['system']}/versions",
                                    json={"label": "v1", "upstream_target": "sim:naive"})
    assert r.status_code == 409 and r.json()["error"]["fields"] == {"label": r.json()["error"]["message"]}
    async with platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 2
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "orgs.version_created"))
        assert event is not None and event.after is not None
        assert CREDENTIAL not in str(event.after)
        event.action = "tampered"
        with pytest.raises(RuntimeError, match="append-only"):
            await session.flush()
        await session.rollback()


async def test_audit_log_is_readable_by_org_admins_only(platform: Platform) -> None:
    ids = await _lab_with_version(platform)
    admin_client = platform._clients[0]
    events = (await admin_client.get(f"/api/orgs/{ids['lab']}/audit")).json()
    assert {e["action"] for e in events} == {"orgs.system_created", "orgs.version_created"}
    red = await platform.user()
    from redhive.orgs.models import Organization

    async with platform.session() as session:
        lab = await session.get(Organization, ids["lab"])
    assert lab is not None
    await platform.member(red, lab, "red_teamer")
    assert (await (await platform.login(red)).get(f"/api/orgs/{ids['lab']}/audit")).status_code == 403


async def test_version_fields_have_limits(platform: Platform) -> None:
    ids = await _lab_with_version(platform)
    admin_client = platform._clients[0]
    r = await admin_client.post(f"/api/systems/{ids['system']}/versions", json={
        "label": "x" * 81, "upstream_target": "not a spec", "upstream_base_url": "ftp://x"})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"label", "upstream_target", "upstream_base_url"}

"""The network and missions over HTTP (JSON API and forms), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from tests.network.world import STATEMENT
from tests.platform_fixtures import Platform

from redhive.kit import utcnow
from redhive.missions.models import MissionInvitation
from redhive.network.models import Application
from redhive.network.rubric import CRITERIA
from redhive.orgs.models import AISystem, SystemVersion

APPLICATION: dict[str, Any] = {
    "full_name": "Amina Okafor",
    "email": "amina@example.org",
    "affiliation": "University of Lagos",
    "disciplines": ["linguistics"],
    "risk_areas": ["jailbreak", "misinformation"],
    "languages": ["en", "yo"],
    "regions": ["africa_sub_saharan"],
    "sectors": ["academia"],
    "years_experience": 6,
    "links": ["https://example.org/amina"],
    "statement": STATEMENT,
    "conflicts": [],
    "hours_per_week": 10,
    "consent": True,
}
ROE = "Test only the listed versions through the gateway; report surrogate hazards at once."
NDA = "Findings stay confidential until fixed or 90 days have passed."


async def staff(platform: Platform) -> tuple[httpx.AsyncClient, httpx.AsyncClient, Any]:
    network_org = await platform.org("Red Commons", kind="coordinator")
    coord, triager = await platform.user("Cora Coord"), await platform.user("Tariq Triager")
    await platform.member(coord, network_org, "coordinator")
    await platform.member(triager, network_org, "triager")
    return await platform.login(coord), await platform.login(triager), network_org


async def accepted_expert(platform: Platform, client: httpx.AsyncClient, **overrides: Any) -> str:
    r = await client.post("/api/network/applications", json={**APPLICATION, **overrides})
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    coord, triager, _ = await staff(platform) if not hasattr(platform, "_staff") else platform._staff  # type: ignore[attr-defined]
    platform._staff = (coord, triager, None)  # type: ignore[attr-defined]
    for reviewer in (coord, triager):
        r = await reviewer.post(
            f"/api/network/applications/{app_id}/reviews",
            json={"scores": dict.fromkeys(CRITERIA, 4), "comment": "clear evidence"},
        )
        assert r.status_code == 201, r.text
    r = await coord.post(
        f"/api/network/applications/{app_id}/decision", json={"decision": "accept", "reason_codes": ["meets_bar"]}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    r = await client.post(
        "/api/network/activate",
        json={"token": body["activation_path"].rsplit("/", 1)[1], "password": "a long passphrase"},
    )
    assert r.status_code == 204, r.text
    user_id: str = body["user_id"]
    return user_id


async def test_apply_review_decide_activate_over_the_api(platform: Platform, client: httpx.AsyncClient) -> None:
    user_id = await accepted_expert(platform, client)
    r = await client.post("/api/auth/login", json={"email": "amina@example.org", "password": "a long passphrase"})
    assert r.status_code == 200, r.text
    coord = platform._staff[0]  # type: ignore[attr-defined]
    experts = (await coord.get("/api/network/experts")).json()
    assert [e["user_id"] for e in experts] == [user_id] and experts[0]["quality"] == 0.75
    accepted = (await coord.get("/api/network/applications?status=accepted")).json()
    detail = (await coord.get(f"/api/network/applications/{accepted[0]['id']}")).json()
    assert len(detail["reviews"]) == 2 and detail["recommendation"]["decision"] == "accept"


async def test_duplicate_and_oversized_applications_answer_field_by_field(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    assert (await client.post("/api/network/applications", json=APPLICATION)).status_code == 201
    # a repeat reads like a new application to an anonymous caller (no e-mail oracle); it is not stored
    r = await client.post("/api/network/applications", json=APPLICATION)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    r = await client.post(
        "/api/network/applications",
        json={**APPLICATION, "email": "b@example.org", "statement": "x" * 5000, "links": []},
    )
    assert r.status_code == 422 and "4000" in r.json()["error"]["fields"]["statement"]
    async with platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == 1


async def test_the_form_shows_errors_next_to_fields_and_stores_nothing(
    platform: Platform, client: httpx.AsyncClient
) -> None:
    page = await client.get("/apply")
    assert page.status_code == 200 and "Apply to join" in page.text
    csrf = client.cookies["redhive_csrf"]
    form = {
        "csrf_token": csrf,
        "full_name": "N" * 200,
        "email": "not-an-email",
        "years_experience": "3",
        "statement": "short",
        "hours_per_week": "5",
        "languages": ["en", "tlh"],
    }
    r = await client.post("/apply", data=form)
    assert r.status_code == 422
    for name in ("full_name", "email", "statement", "languages", "disciplines", "consent"):
        assert f'id="e-{name}"' in r.text, name
    assert "At most 120 characters" in r.text and "not a known language" in r.text
    good = {
        "csrf_token": csrf,
        **{k: v for k, v in APPLICATION.items() if not isinstance(v, (list, bool))},
        "disciplines": ["linguistics"],
        "risk_areas": ["jailbreak"],
        "languages": ["en", "yo"],
        "regions": ["africa_sub_saharan"],
        "links": "https://example.org/amina",
        "consent": "yes",
    }
    r = await client.post("/apply", data=good)
    assert r.status_code == 200 and "Thank you, Amina Okafor" in r.text
    r = await client.post("/apply", data=good)
    assert r.status_code == 200 and "Thank you, Amina Okafor" in r.text  # the same page: no e-mail oracle
    async with platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == 1


async def _lab(platform: Platform) -> tuple[Any, httpx.AsyncClient, str]:
    lab = await platform.org("Northwind Labs", kind="developer")
    lead = await platform.user("Lena Lead")
    await platform.member(lead, lab, "coordinator")
    async with platform.session() as session:
        system = AISystem(org_id=lab.id, name="northwind-chat", kind="Model", description="", created_at=utcnow())
        session.add(system)
        await session.flush()
        version = SystemVersion(system_id=system.id, label="v1", upstream_target="sim:guarded", created_at=utcnow())
        session.add(version)
        await session.flush()
        version_id = version.id
    return lab, await platform.login(lead), version_id


def mission_json(lab_id: str, version_id: str) -> dict[str, Any]:
    return {
        "org_id": lab_id,
        "title": "Multilingual sweep",
        "objective": "Find jailbreaks in Yoruba.",
        "risk_areas": {"jailbreak": 1},
        "languages": {"en": 1, "yo": 1},
        "access_tier": "T0_public",
        "target_version_ids": [version_id],
        "rules_of_engagement": ROE,
        "nda": NDA,
        "cohort_size": 3,
    }


async def test_mission_api_select_invite_expire_and_acknowledge(platform: Platform, client: httpx.AsyncClient) -> None:
    expert_id = await accepted_expert(platform, client)
    lab, lead, version_id = await _lab(platform)
    r = await lead.post("/api/missions", json=mission_json(lab.id, version_id))
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    r = await lead.post(f"/api/missions/{mid}/status", json={"status": "active"})
    assert (
        r.status_code == 409 and "from draft it can only move to recruiting or closed" in r.json()["error"]["message"]
    )
    assert (await lead.post(f"/api/missions/{mid}/status", json={"status": "recruiting"})).status_code == 200
    sel = (await lead.post(f"/api/missions/{mid}/selection", json={})).json()
    assert [p["user_id"] for p in sel["picks"]] == [expert_id] and sel["covered_cells"] == 2
    r = await lead.post(f"/api/missions/{mid}/invitations", json={"user_ids": [expert_id], "expires_in_days": 1})
    assert r.status_code == 201, r.text
    inv_id = r.json()[0]["id"]
    expert = await platform.login(await _user(platform, expert_id), password="a long passphrase")
    async with platform.session() as session:
        await session.execute(
            update(MissionInvitation)
            .where(MissionInvitation.id == inv_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    r = await expert.post(
        f"/api/mission-invitations/{inv_id}/response", json={"accept": True, "terms_version": 1, "acknowledge": True}
    )
    assert r.status_code == 400 and "expired on" in r.json()["error"]["message"]
    async with platform.session() as session:
        await session.execute(
            update(MissionInvitation)
            .where(MissionInvitation.id == inv_id)
            .values(expires_at=utcnow() + timedelta(days=1))
        )
    r = await expert.post(
        f"/api/mission-invitations/{inv_id}/response", json={"accept": True, "terms_version": 1, "acknowledge": True}
    )
    assert r.status_code == 200 and r.json()["acknowledged_version"] == 1
    cov = (await lead.get(f"/api/missions/{mid}/coverage")).json()
    assert cov["covered"] == 2 and all(row["participants"] == [expert_id] for row in cov["cells"])


async def _user(platform: Platform, user_id: str) -> Any:
    from redhive.auth import service as auth

    async with platform.session() as session:
        return await auth.get_user(session, user_id)


async def test_a_role_outside_its_organisation_gets_403_and_observers_see_only_grants(platform: Platform) -> None:
    lab, lead, version_id = await _lab(platform)
    other = await platform.org("Southpaw AI", kind="developer")
    outsider = await platform.user("Oscar Outsider")
    await platform.member(outsider, other, "coordinator")
    out = await platform.login(outsider)
    r = await out.post("/api/missions", json=mission_json(lab.id, version_id))
    assert r.status_code == 403 and "not a member of that organisation" in r.json()["error"]["message"]
    granted = (await lead.post("/api/missions", json=mission_json(lab.id, version_id))).json()["id"]
    hidden = (await lead.post("/api/missions", json={**mission_json(lab.id, version_id), "title": "Internal"})).json()[
        "id"
    ]
    regulator = await platform.org("AI Safety Institute", kind="regulator")
    watcher = await platform.user("Olga Observer")
    await platform.member(watcher, regulator, "observer")
    r = await lead.post(f"/api/missions/{granted}/organizations", json={"org_id": regulator.id, "role": "observer"})
    assert r.status_code == 201, r.text
    obs = await platform.login(watcher)
    assert [m["id"] for m in (await obs.get("/api/missions")).json()] == [granted]
    assert (await obs.get(f"/api/missions/{granted}")).json()["access"] == "observer"
    assert (await obs.get(f"/api/missions/{hidden}")).status_code == 404
    r = await obs.post(f"/api/missions/{granted}/status", json={"status": "recruiting"})
    assert r.status_code == 403
    page = await obs.get("/missions")
    assert "Multilingual sweep" in page.text and "Internal" not in page.text
    assert re.search(r"observer", page.text)

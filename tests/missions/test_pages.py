"""Every page of the network and missions, walked through its forms (what the browser test clicks)."""

from __future__ import annotations

import re

import httpx
from tests.network.test_api import APPLICATION, NDA, ROE, _lab, staff
from tests.platform_fixtures import Platform

from redhive.network.rubric import CRITERIA


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "page has no CSRF field"
    return found.group(1)


async def test_the_whole_flow_through_the_pages(platform: Platform, client: httpx.AsyncClient) -> None:
    apply = await client.get("/apply")
    token = csrf_of(apply.text)
    form = {
        "csrf_token": token,
        "full_name": "Amina Okafor",
        "email": "amina@example.org",
        "years_experience": "6",
        "disciplines": ["linguistics"],
        "risk_areas": ["jailbreak", "misinformation"],
        "languages": ["en", "yo"],
        "regions": ["africa_sub_saharan"],
        "statement": APPLICATION["statement"],
        "hours_per_week": "10",
        "links": "https://example.org/amina",
        "consent": "yes",
    }
    assert (await client.post("/apply", data=form)).status_code == 200
    coord, triager, _ = await staff(platform)
    queue = await coord.get("/network/applications")
    assert queue.status_code == 200 and "Amina Okafor" in queue.text
    app_id = re.search(r'/network/applications/([0-9a-f]{32})"', queue.text).group(1)  # type: ignore[union-attr]
    for reviewer in (coord, triager):
        page = await reviewer.get(f"/network/applications/{app_id}")
        assert page.status_code == 200 and "Your review" in page.text
        scores = {f"score_{k}": "4" for k in CRITERIA}
        r = await reviewer.post(
            f"/network/applications/{app_id}/reviews", data={"csrf_token": csrf_of(page.text), **scores}
        )
        assert r.status_code == 303, r.text
    page = await coord.get(f"/network/applications/{app_id}")
    assert "Recommend accept" in page.text
    bad = await coord.post(
        f"/network/applications/{app_id}/decision",
        data={"csrf_token": csrf_of(page.text), "decision": "accept", "reason_codes": ["judgment_concerns"]},
    )
    assert bad.status_code == 400 and "does not apply to accept" in bad.text
    done = await coord.post(
        f"/network/applications/{app_id}/decision",
        data={"csrf_token": csrf_of(page.text), "decision": "accept", "reason_codes": ["meets_bar"]},
    )
    assert done.status_code == 200 and "Decision recorded" in done.text
    link = re.search(r'id="activation-link">(/network/activate/[^<]+)<', done.text).group(1)  # type: ignore[union-attr]
    act = await client.get(link)
    r = await client.post(
        link,
        data={"csrf_token": csrf_of(act.text), "password": "a long passphrase", "password_again": "a long passphrase"},
    )
    assert r.status_code == 303
    assert (await coord.get("/network/experts")).status_code == 200

    lab, lead, version_id = await _lab(platform)
    new = await lead.get("/missions/new")
    assert new.status_code == 200
    r = await lead.post(
        "/missions/new",
        data={
            "csrf_token": csrf_of(new.text),
            "org_id": lab.id,
            "title": "",
            "risk_areas": [],
            "rules_of_engagement": "short",
            "nda": NDA,
        },
    )
    assert r.status_code == 422 and 'id="e-title"' in r.text and 'id="e-rules_of_engagement"' in r.text
    r = await lead.post(
        "/missions/new",
        data={
            "csrf_token": csrf_of(new.text),
            "org_id": lab.id,
            "title": "Yoruba sweep",
            "objective": "Find jailbreaks.",
            "risk_areas": ["jailbreak"],
            "priority_risk_areas": ["jailbreak"],
            "languages": ["en", "yo"],
            "target_version_ids": [version_id],
            "access_tier": "T0_public",
            "hazard_ceiling": "HZ1",
            "cohort_size": "3",
            "min_hours_per_week": "2",
            "rules_of_engagement": ROE,
            "nda": NDA,
        },
    )
    assert r.status_code == 303, r.text
    mission_url = r.headers["location"]
    detail = await lead.get(mission_url)
    assert "Yoruba sweep" in detail.text and "Move to recruiting" in detail.text
    assert (await lead.get(mission_url + "/edit")).status_code == 200
    r = await lead.post(mission_url + "/status", data={"csrf_token": csrf_of(detail.text), "status": "recruiting"})
    assert r.status_code == 303
    cohort = await lead.get(mission_url + "/cohort")
    assert cohort.status_code == 200 and "Amina Okafor" in cohort.text and "new cells" in cohort.text
    expert_id = re.search(r'name="user_ids" value="([0-9a-f]+)"', cohort.text).group(1)  # type: ignore[union-attr]
    r = await lead.post(
        mission_url + "/invitations",
        data={
            "csrf_token": csrf_of(cohort.text),
            "user_ids": [expert_id],
            "org_id": lab.id,
            "role": "red_teamer",
            "expires_in_days": "7",
        },
    )
    assert r.status_code == 303, r.text

    expert = await platform.login(await _user(platform, expert_id), password="a long passphrase")
    mine = await expert.get("/mission-invitations")
    inv_url = re.search(r'href="(/mission-invitations/[0-9a-f]{32})"', mine.text).group(1)  # type: ignore[union-attr]
    inv = await expert.get(inv_url)
    assert "Rules of engagement" in inv.text and ROE in inv.text
    r = await expert.post(inv_url, data={"csrf_token": csrf_of(inv.text), "terms_version": "1", "answer": "accept"})
    assert r.status_code == 400 and "tick the box" in r.text
    r = await expert.post(
        inv_url, data={"csrf_token": csrf_of(inv.text), "terms_version": "1", "answer": "accept", "acknowledge": "yes"}
    )
    assert r.status_code == 303
    detail = await lead.get(mission_url)
    assert "Amina Okafor" in detail.text and "v1" in detail.text
    coverage = await lead.get(mission_url + "/coverage")
    assert coverage.status_code == 200 and "2 of 2 cells" in coverage.text


async def _user(platform: Platform, user_id: str):  # type: ignore[no-untyped-def]
    from redhive.auth import service as auth

    async with platform.session() as session:
        return await auth.get_user(session, user_id)

"""Issue 16's holes, one regression test each, as an attacker found them (each failed on the code
before the fix). Real app, real database, requests through the HTTP stack."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from tests.helpers import finished_job
from tests.platform_fixtures import PASSWORD, Platform, make_client
from tests.security.scenario import Labs, build_labs, invitation, mission, report_body

from redhive.audit.models import AuditEvent
from redhive.auth import service as auth
from redhive.findings.models import Replay
from redhive.gateway import grant_cache
from redhive.gateway import service as gateway
from redhive.gateway.schemas import KeyCreate
from redhive.kit import utcnow


@pytest.fixture
async def labs(platform: Platform) -> Labs:
    return await build_labs(platform)


async def _audit(labs: Labs, org_id: str, action: str) -> list[AuditEvent]:
    async with labs.platform.session() as session:
        return list((await session.scalars(select(AuditEvent).where(AuditEvent.org_id == org_id,
                                                                     AuditEvent.action == action))).all())


# --- cross-tenant transfer runs ---------------------------------------------------------------------

async def test_transfer_to_another_organisations_version_is_refused_and_audited_on_both_sides(labs: Labs) -> None:
    triager = await labs.client("nw_triager")
    r = await triager.post(f"/api/findings/flaws/{labs.flaw_id}/transfer",
                           json={"version_ids": [labs.rival_version.id], "trials": 1})
    assert r.status_code == 404, r.text
    assert "sim:naive" not in r.text and "Rival Secret Model" not in r.text
    # the same answer as for a version that does not exist at all
    absent = await triager.post(f"/api/findings/flaws/{labs.flaw_id}/transfer",
                                json={"version_ids": ["0" * 32], "trials": 1})
    assert absent.status_code == 404
    assert absent.json()["error"]["message"].replace("0" * 32, "X") == \
        r.json()["error"]["message"].replace(labs.rival_version.id, "X")
    async with labs.platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(Replay)) == 0  # nothing ran
    mine = await _audit(labs, labs.northwind.id, "findings.transfer_refused")
    theirs = await _audit(labs, labs.rival.id, "findings.transfer_refused")
    assert mine and theirs, "the refused attempt is in both organisations' audit logs"
    assert theirs[0].actor_id == labs.users["nw_triager"].id
    assert (theirs[0].after or {}).get("version_id") == labs.rival_version.id


async def test_transfer_with_authority_on_both_sides_runs_and_is_audited_on_both(labs: Labs) -> None:
    both = labs.users["nw_triager"]
    await labs.platform.member(both, labs.rival, "triager")
    client = await labs.client("nw_triager")
    r = await client.post(f"/api/findings/flaws/{labs.flaw_id}/transfer",
                          json={"version_ids": [labs.rival_version.id], "trials": 1})
    job = await finished_job(client, r)
    assert job["status"] == "succeeded", job
    assert await _audit(labs, labs.northwind.id, "findings.transfer_tested")
    assert await _audit(labs, labs.rival.id, "findings.transfer_tested")


# --- duplicate suggestions --------------------------------------------------------------------------

async def test_duplicate_suggestions_only_reach_the_organisations_triagers(labs: Labs) -> None:
    red_teamer = await labs.client("nw_red_teamer")
    first = await red_teamer.post("/api/findings/reports", json=report_body(labs))
    assert first.status_code == 201, first.text
    # an expert on the mission (not a member of Northwind) files a near-identical report
    expert = await labs.client("expert")
    r = await expert.post("/api/findings/reports", json=report_body(labs, mission_id=labs.mission_id))
    assert r.status_code == 201, r.text
    assert r.json()["duplicates"] == [], "a reporter learnt the titles and ids of the organisation's reports"
    page = await expert.get(f"/findings/reports/{r.json()['report']['id']}")
    assert page.status_code == 200
    assert first.json()["report"]["id"] not in page.text and "Likely duplicates" not in page.text
    # a draft gets none either, even a triager's: the form is no search oracle
    triager = await labs.client("nw_triager")
    draft = await triager.post("/api/findings/reports", json=report_body(labs, submit=False))
    assert draft.status_code == 201 and draft.json()["duplicates"] == []
    # the triager's submitted report, and the triager's view of the expert's report, do get them
    submitted = await triager.post("/api/findings/reports", json=report_body(labs))
    assert [d["report_id"] for d in submitted.json()["duplicates"]][:1] in ([first.json()["report"]["id"]],
                                                                           [r.json()["report"]["id"]])
    seen = await triager.get(f"/findings/reports/{r.json()['report']['id']}")
    assert "Likely duplicates" in seen.text and first.json()["report"]["id"] in seen.text


# --- observers, invitees, partners, start dates -----------------------------------------------------

async def test_observers_cannot_file_reports(labs: Labs) -> None:
    for who in ("regulator_observer", "nw_observer"):
        client = await labs.client(who)
        r = await client.post("/api/findings/reports", json=report_body(labs, mission_id=labs.mission_id))
        assert r.status_code == 403, (who, r.text)
        form = await client.post("/findings/new", data={
            **{k: v for k, v in report_body(labs, mission_id=labs.mission_id).items()
               if isinstance(v, str)}, "hazard_class": "HZ0", "provenance": "human",
            "csrf_token": client.headers["X-CSRF-Token"]})
        assert form.status_code == 403, (who, form.status_code)


@pytest.mark.parametrize("status, expires_in", [("declined", timedelta(days=3)), ("revoked", timedelta(days=3)),
                                                ("pending", timedelta(days=-1))])
async def test_declined_revoked_or_expired_invitees_lose_sight_of_the_mission(
        platform: Platform, labs: Labs, status: str, expires_in: timedelta) -> None:
    invitee = await platform.user("Invited Expert")
    await invitation(platform, labs.mission_id, invitee, labs.northwind, status=status, expires_in=expires_in)
    client = await platform.login(invitee)
    assert (await client.get(f"/api/missions/{labs.mission_id}")).status_code == 404
    assert labs.mission_id not in (await client.get("/api/missions")).text
    assert (await client.get(f"/missions/{labs.mission_id}")).status_code == 404


async def test_a_pending_invitee_still_reads_the_mission(platform: Platform, labs: Labs) -> None:
    invitee = await platform.user("Invited Expert")
    await invitation(platform, labs.mission_id, invitee, labs.northwind)
    client = await platform.login(invitee)
    assert (await client.get(f"/api/missions/{labs.mission_id}")).status_code == 200


async def test_partner_coordinators_cannot_pause_close_or_edit_the_organisers_mission(labs: Labs) -> None:
    partner = await labs.client("partner_coordinator")
    assert (await partner.get(f"/api/missions/{labs.mission_id}")).status_code == 200
    for status in ("paused", "closed"):
        r = await partner.post(f"/api/missions/{labs.mission_id}/status", json={"status": status})
        assert r.status_code == 403, (status, r.text)
    page = await partner.post(f"/missions/{labs.mission_id}/status",
                              data={"status": "closed", "csrf_token": partner.headers["X-CSRF-Token"]})
    assert page.status_code == 403
    settings = await partner.put(f"/api/missions/{labs.mission_id}/gateway/settings", json={"deny_list": ["x"]})
    assert settings.status_code == 403
    coordinator = await labs.client("nw_coordinator")
    r = await coordinator.post(f"/api/missions/{labs.mission_id}/status", json={"status": "paused"})
    assert r.status_code == 200 and r.json()["status"] == "paused"


async def test_a_mission_cannot_go_active_before_its_start_date(platform: Platform, labs: Labs) -> None:
    tomorrow = utcnow().date() + timedelta(days=1)
    later = await mission(platform, labs.northwind, [labs.nw_version.id], status="briefing", starts_on=tomorrow,
                          participants=(labs.users["expert"],))
    coordinator = await labs.client("nw_coordinator")
    r = await coordinator.post(f"/api/missions/{later}/status", json={"status": "active"})
    assert r.status_code == 409, r.text
    assert tomorrow.isoformat() in r.json()["error"]["message"]


async def _chat(app: object, key: str) -> httpx.Response:
    async with make_client(app) as client:  # type: ignore[arg-type]
        return await client.post("/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                                 json={"model": "northwind-assistant/v1",
                                       "messages": [{"role": "user", "content": "Hello"}]})


async def test_the_gateway_serves_no_mission_before_its_start_date(platform: Platform, labs: Labs) -> None:
    tomorrow = utcnow().date() + timedelta(days=1)
    expert = labs.users["expert"]
    early = await mission(platform, labs.northwind, [labs.nw_version.id], status="active", starts_on=tomorrow,
                          participants=(expert,))
    async with platform.session() as session:
        actor = await auth.load_actor(session, expert, via="password")
        _, key = await gateway.issue_key(session, actor, early, data=KeyCreate(label="early"))
    r = await _chat(platform.app, key)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "mission_not_started"


async def test_a_vetting_downgrade_takes_effect_at_once(platform: Platform, labs: Labs,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grant_cache, "GRANT_TTL", 3600.0)  # only an invalidation can make the downgrade visible
    cleared = await platform.user("Cleared Expert", vetting_level="id_verified")
    tiered = await mission(platform, labs.northwind, [labs.nw_version.id], access_tier="T1_prerelease_mitigated",
                           participants=(cleared,))
    async with platform.session() as session:
        actor = await auth.load_actor(session, cleared, via="password")
        _, key = await gateway.issue_key(session, actor, tiered, data=KeyCreate(label="tier"))
    assert (await _chat(platform.app, key)).status_code == 200  # the grant is now cached
    admin = await labs.client("admin")
    r = await admin.put(f"/api/users/{cleared.id}/vetting", json={"vetting_level": "self_declared"})
    assert r.status_code == 200
    refused = await _chat(platform.app, key)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "vetting_insufficient"


# --- who is a member: the same answer for known and unknown e-mails ---------------------------------

APPLICATION = {"full_name": "Someone", "disciplines": ["security"], "risk_areas": ["jailbreak"],
               "languages": ["en"], "regions": ["europe_west"], "years_experience": 3,
               "statement": "Six years of adversarial testing of language models, with two public reports.",
               "hours_per_week": 5, "consent": True}


async def test_an_anonymous_caller_cannot_learn_whether_an_email_is_a_member(
        platform: Platform, client: httpx.AsyncClient, labs: Labs) -> None:
    member = labs.users["nw_red_teamer"].email
    async with platform.session() as session:  # the member joined through an accepted application
        from redhive.network.models import Application

        session.add(Application(**{k: v for k, v in APPLICATION.items() if k != "consent"}, email=member,
                                affiliation="", sectors=[], links=[], conflicts=[], consent_at=utcnow(),
                                submitted_at=utcnow(), status="accepted", reason_codes=[]))
    first = await client.post("/api/network/applications", json={**APPLICATION, "email": member})
    unknown = await client.post("/api/network/applications", json={**APPLICATION, "email": "nobody@example.org"})
    again = await client.post("/api/network/applications", json={**APPLICATION, "email": "nobody@example.org"})
    assert first.status_code == unknown.status_code == again.status_code == 201, (first.text, again.text)
    assert set(first.json()) == set(unknown.json()) == set(again.json())
    assert first.json()["status"] == unknown.json()["status"] == again.json()["status"]
    # the page form too
    client.cookies.set("redhive_csrf", "c" * 20)
    pages = [await client.post("/apply", data={**{k: v for k, v in APPLICATION.items() if not isinstance(v, list)},
                                              "years_experience": "3", "hours_per_week": "5", "consent": "yes",
                                              "disciplines": "security", "risk_areas": "jailbreak",
                                              "languages": "en", "regions": "europe_west", "email": email,
                                              "csrf_token": "c" * 20})
             for email in (member, "someone-else@example.org")]
    assert pages[0].status_code == pages[1].status_code == 200
    assert "member" not in pages[0].text.lower().split("<main")[-1] or \
        pages[0].text.count("member") == pages[1].text.count("member")
    # login: a known e-mail with a wrong password and an unknown e-mail read the same
    wrong = await client.post("/api/auth/login", json={"email": member, "password": "not " + PASSWORD})
    nobody = await client.post("/api/auth/login", json={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == nobody.status_code == 401 and wrong.json() == nobody.json()


# --- login throttling -------------------------------------------------------------------------------

async def test_thirty_wrong_passwords_for_one_account_get_429_with_retry_after(platform: Platform) -> None:
    victim = await platform.user("Victim")
    statuses = []
    async with make_client(platform.app) as attacker:
        for _ in range(30):
            r = await attacker.post("/api/auth/login", json={"email": victim.email, "password": "guess-" * 3})
            statuses.append(r.status_code)
        assert statuses[-1] == 429, statuses
        assert int(r.headers["Retry-After"]) > 0
        # the right password is refused too while the account is throttled
        right = await attacker.post("/api/auth/login", json={"email": victim.email, "password": PASSWORD})
        assert right.status_code == 429 and "Retry-After" in right.headers

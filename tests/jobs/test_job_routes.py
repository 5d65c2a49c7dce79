"""A re-test through the API and the web app: the request answers 202 with the job at once, the
app's in-process runner re-tests the version, and the job's page and the API show the outcome."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from tests.helpers import finished_job
from tests.jobs.builders import retest_world
from tests.platform_fixtures import Platform, make_client

from redhive.findings.models import Flaw, Replay
from redhive.testing.mock_openai import MockOpenAI


async def test_a_retest_answers_at_once_and_its_job_resolves_the_flaw(app: FastAPI) -> None:
    mock = MockOpenAI()  # refuses every time: the fix holds
    with mock.serve() as upstream:
        world = await retest_world(app.state.db, upstream)
        async with make_client(app) as client:
            client.headers["Authorization"] = f"Bearer {world.token}"
            started = await client.post(f"/api/findings/flaws/{world.flaw_id}/retest",
                                        json={"version_id": world.version_id, "trials": 3})
            assert started.status_code == 202 and started.headers["location"] == f"/api/jobs/{started.json()['id']}"
            assert started.json()["status"] == "queued" and started.json()["kind"] == "findings.retest"
            job = await finished_job(client, started)
            assert job["status"] == "succeeded", job
            result = job["result"]["results"]  # type: ignore[index]
            assert [(r["successes"], r["trials"], r["result"], r["state"]) for r in result] == [
                (0, 3, "fixed", "resolved")]
            assert job["progress"] == {"done": 1, "total": 1, "note": "recording the run"}
            assert job["attempts"] == 1 and mock.requests == 3

            listed = (await client.get("/api/jobs", params={"subject_id": world.flaw_id})).json()
            assert [j["id"] for j in listed] == [job["id"]]
            again = await client.post(f"/api/jobs/{job['id']}/cancel")
            assert again.status_code == 409 and "already ended" in again.json()["error"]["message"]
            refused = await client.post(f"/api/findings/flaws/{world.flaw_id}/retest",
                                        json={"version_id": "nope", "trials": 3})
            assert refused.status_code == 400 and "is not a version of" in refused.json()["error"]["message"]

    async with app.state.db.session() as session:
        flaw = await session.get(Flaw, world.flaw_id)
        assert flaw is not None and (flaw.state, flaw.fixed_version_id) == ("resolved", world.version_id)
        replays = (await session.scalars(select(Replay).where(Replay.flaw_id == world.flaw_id))).all()
        assert [(r.purpose, r.trials, r.successes, r.result) for r in replays] == [("regression", 3, 0, "fixed")]


async def test_the_job_page_shows_the_outcome_and_the_form_goes_to_it(app: FastAPI) -> None:
    mock = MockOpenAI(reply="Here is the reference card, word for word.")  # the flaw still shows
    with mock.serve() as upstream:
        world = await retest_world(app.state.db, upstream)
        async with make_client(app) as client:
            page = await _login(client, world.coordinator_email)
            flaw_page = await page.get(f"/findings/flaws/{world.flaw_id}")
            assert flaw_page.status_code == 200
            form = await page.post(f"/findings/flaws/{world.flaw_id}/retest",
                                   data={"version_id": world.version_id, "trials": "2"})
            assert form.status_code == 303 and form.headers["location"].startswith("/jobs/")
            job_id = form.headers["location"].removeprefix("/jobs/")
            client.headers["Authorization"] = f"Bearer {world.token}"
            started = httpx.Response(202, headers={"location": f"/api/jobs/{job_id}"})
            job = await finished_job(client, started)
            assert job["status"] == "succeeded", job
            shown = (await page.get(f"/jobs/{job_id}")).text
            assert "Re-test: 2/2 successes → not fixed; the flaw is in remediation." in shown
            assert 'http-equiv="refresh"' not in shown  # it ended: the page stops refreshing
            listing = (await page.get("/jobs")).text
            assert f'href="/jobs/{job_id}"' in listing and "succeeded" in listing
            panel = (await page.get(f"/findings/flaws/{world.flaw_id}")).text  # the flaw's own jobs panel
            assert 'id="flaw-jobs"' in panel and f'href="/jobs/{job_id}"' in panel


async def _login(client: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    from tests.jobs.builders import PASSWORD

    login = await client.get("/login")
    csrf = login.cookies.get("redhive_csrf") or client.cookies.get("redhive_csrf")
    r = await client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf or ""})
    assert r.status_code == 303, r.text
    me = await client.get("/api/auth/me")
    client.headers["X-CSRF-Token"] = me.json()["csrf_token"]
    return client


async def test_a_report_build_is_a_job_whose_file_is_its_output(platform: Platform) -> None:
    from tests.disclosure.test_mission_report import FIX, ROOT, mission_with_a_flaw
    from tests.disclosure.world import lab

    w = await lab(platform)
    mission_id, flaw_id = await mission_with_a_flaw(platform, w)
    triager, outsider = w.clients["triager"], w.clients["outsider"]
    refused = await triager.post(f"/api/reports/missions/{mission_id}", json={"audience": "TLP:RED"})
    assert refused.status_code == 400 and "never a file" in refused.json()["error"]["message"]
    assert (await outsider.post(f"/api/reports/missions/{mission_id}", json={})).status_code == 404

    started = await triager.post(f"/api/reports/missions/{mission_id}", json={"audience": "TLP:GREEN",
                                                                              "format": "json"})
    job = await finished_job(triager, started)
    assert job["status"] == "succeeded" and job["has_output"], job
    assert (await outsider.get(f"/api/jobs/{job['id']}/output")).status_code == 404
    built = await triager.get(f"/api/jobs/{job['id']}/output")
    assert built.status_code == 200 and built.headers["content-type"] == "application/json"
    assert 'filename="reports.mission-' in built.headers["content-disposition"]
    data = built.json()
    assert data["audience"] == "TLP:GREEN" and [f["id"] for f in data["findings"]] == [flaw_id]
    assert ROOT not in built.text and FIX not in built.text  # labelled above GREEN: withheld, as from the CLI

    form = await triager.post(f"/reports/missions/{mission_id}", data={"audience": "TLP:AMBER", "format": "html"})
    assert form.status_code == 303 and form.headers["location"].startswith("/jobs/")
    html_job = await finished_job(triager, httpx.Response(202, headers={
        "location": "/api/jobs/" + form.headers["location"].removeprefix("/jobs/")}))
    assert html_job["status"] == "succeeded"
    page = (await triager.get(form.headers["location"])).text
    assert "The report for TLP:AMBER is ready (html)." in page and "Download the report" in page

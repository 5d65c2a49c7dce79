"""The JSON API, the CLI and the pages over real HTTP (the gateway world served on 127.0.0.1), and
every kind of bad input refused with one sentence and nothing stored half-way."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from tests.findings.helpers import PACKET, attack_prompt, chat_system, flagged_exchange, triager
from tests.gateway.conftest import World
from tests.helpers import finished_job
from tests.platform_fixtures import PASSWORD
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.findings import webhooks
from redhive.findings.models import FlawReport, ReportAttachment, WebhookDelivery
from redhive.gateway.models import Exchange


async def login(world: World, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=world.root, timeout=30)
    r = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


async def count(world: World, model: Any = FlawReport) -> int:
    async with world.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def body(world: World, version_id: str, **extra: Any) -> dict[str, Any]:
    return {"version_id": version_id, "mission_id": world.mission_id, "title": "Role-play recites the reference",
            "description": "Role-play framing makes the chat model recite the restricted surrogate reference.",
            "attack_prompts": attack_prompt(), "taxonomy": ["LLM01:2025", "AML.T0054", "S0403"],
            "replication": PACKET, **extra}


async def test_api_submit_duplicates_transitions_and_refusals(world: World) -> None:
    exchange, _ = await flagged_exchange(world, attack_prompt())
    version_id = str(exchange.version_id)
    rita = await login(world, "rt@example.test")
    tess = await triager(world)
    tess_client = await login(world, tess.email)
    try:
        first = await rita.post("/api/findings/reports",
                                json=body(world, version_id, evidence=[f"exchange:{exchange.id}"]))
        assert first.status_code == 201, first.text
        assert first.json()["report"]["evidence"] == [f"exchange:{exchange.id}"]
        second = await rita.post("/api/findings/reports", json=body(world, version_id))
        assert second.json()["duplicates"] == []  # a reporter never learns of others' reports
        page = await tess_client.get(f"/findings/reports/{second.json()['report']['id']}")
        rows = page.text.split('id="duplicates"')[1]  # the organisation's triager does
        assert first.json()["report"]["id"] in rows and "<td>1.00</td><td>exact</td>" in rows

        stored = await count(world)
        for bad, status, words in (
            (body(world, version_id, evidence=["exchange:nope"]), 400, "does not exist"),
            (body(world, version_id, taxonomy=["LLM11:2025"]), 422, "not a known taxonomy id"),
            (body(world, version_id, taxonomy=["LLM01"]), 422, "has no edition"),
            (body(world, version_id, taxonomy=["AML.T9999"]), 422, "not a MITRE ATLAS technique"),
            (body(world, "nope"), 400, "no system version"),
        ):
            r = await rita.post("/api/findings/reports", json=bad)
            assert r.status_code == status, r.text
            assert words in r.json()["error"]["message"] and "Traceback" not in r.text
        assert await count(world) == stored

        report_id = first.json()["report"]["id"]
        r = await tess_client.post(f"/api/findings/reports/{report_id}/transitions", json={"state": "validated"})
        assert r.status_code == 409
        assert r.json()["error"]["message"] == ("A report cannot go from submitted to validated: from submitted it "
                                               "can only move to triage, spam.")
        r = await rita.post(f"/api/findings/reports/{report_id}/transitions", json={"state": "triage"})
        assert r.status_code == 403
        r = await tess_client.post(f"/api/findings/reports/{report_id}/transitions", json={"state": "triage"})
        assert r.status_code == 200 and r.json()["state"] == "triage"
        r = await tess_client.post(f"/api/findings/reports/{report_id}/transitions", json={"state": "needs_info",
                                                                                      "reason": "which persona?"})
        queue = (await tess_client.get("/api/findings/queue", params={"taxonomy": "AML.T0054"})).json()
        assert {q["report"]["id"] for q in queue} == {report_id, second.json()["report"]["id"]}
        paused = next(q for q in queue if q["report"]["id"] == report_id)
        assert "(paused)" in paused["clock"]
        r = await tess_client.post(f"/api/findings/reports/{report_id}/replay", json={"trials": 4})
        job = await finished_job(tess_client, r)
        assert job["status"] == "succeeded", job
        assert (job["result"]["successes"], job["result"]["trials"]) == (4, 4)  # type: ignore[index]
    finally:
        await rita.aclose()
        await tess_client.aclose()


async def test_api_files_a_report_from_a_flag(world: World) -> None:
    """Who may (the route matrix has every persona): here what the report takes from the transcript."""
    exchange, flag = await flagged_exchange(world, attack_prompt())
    rita = await login(world, "rt@example.test")
    try:
        r = await rita.post(f"/api/findings/flags/{flag.id}/report", json={
            "title": "Role-play persona recites the restricted surrogate reference",
            "taxonomy": ["LLM01:2025"], "replication": PACKET})
        assert r.status_code == 201, r.text
        report = r.json()["report"]
        assert report["evidence"] == [f"exchange:{exchange.id}"] and report["mission_id"] == world.mission_id
        assert report["version_id"] == exchange.version_id and report["attack_prompts"] == attack_prompt()
        assert report["description"] == flag.note  # the flag's note, when no description is given
        for bad, field in (({"title": "Hi"}, "title"), ({"title": "Fine title here", "hazard_class": "HZ9"},
                                                           "hazard_class"),
                           ({"title": "Fine title here", "version_id": "x"}, "version_id")):
            r = await rita.post(f"/api/findings/flags/{flag.id}/report", json=bad)
            assert r.status_code == 422 and field in r.text, r.text
        r = await rita.post("/api/findings/flags/no-such-flag/report", json={"title": "A proper title"})
        assert r.status_code == 404 and "no flagged exchange" in r.json()["error"]["message"]
        assert await count(world) == 1  # nothing stored by the refused ones
    finally:
        await rita.aclose()


async def test_evidence_from_a_tampered_transcript_is_refused(world: World) -> None:
    exchange, _ = await flagged_exchange(world, "Hello there")
    async with world.db.sessions() as session, session.begin():
        await session.execute(update(Exchange).where(Exchange.id == exchange.id)
                              .values(latency_ms=exchange.latency_ms + 1))
    rita = await login(world, "rt@example.test")
    try:
        r = await rita.post("/api/findings/reports", json=body(world, str(exchange.version_id),
                                                               evidence=[f"exchange:{exchange.id}"]))
        assert r.status_code == 400
        message = r.json()["error"]["message"]
        assert "fails its hash check" in message and "content was changed" in message
        assert await count(world) == 0
    finally:
        await rita.aclose()


async def test_form_refuses_an_oversized_attachment_and_keeps_nothing(world: World) -> None:
    exchange, _ = await flagged_exchange(world, "Hello")
    rita = await login(world, "rt@example.test")
    try:
        form = {k: v for k, v in body(world, str(exchange.version_id)).items() if isinstance(v, str)}
        form.update({"csrf_token": rita.headers["X-CSRF-Token"], "taxonomy": "LLM01:2025", "probe_id": "jb-001",
                     "hazard_class": "HZ0", "provenance": "human"})
        big = ("transcript.txt", b"x" * (2 * 1024 * 1024 + 1), "text/plain")
        r = await rita.post("/findings/new", data=form, files={"attachments": big})
        assert r.status_code == 400 and "over the 2 MiB limit" in r.text
        assert await count(world) == 0 and await count(world, ReportAttachment) == 0
        small = ("transcript.txt", b"user: hello\n", "text/plain")
        r = await rita.post("/findings/new", data=form, files={"attachments": small})
        assert r.status_code == 303 and r.headers["location"].startswith("/findings/reports/")
        assert await count(world) == 1 and await count(world, ReportAttachment) == 1
    finally:
        await rita.aclose()


class Receiver(BaseHTTPRequestHandler):
    got: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        data = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.got.append((dict(self.headers), data))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def test_webhooks_are_signed_and_deliveries_recorded(world: World) -> None:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.got = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    system = await chat_system(world)
    exchange, _ = await flagged_exchange(world, "Hello")
    secret = "a-webhook-secret-of-some-length"
    coord = await login(world, "coord@example.test")
    admin_actor = world.coordinator
    try:
        from redhive.orgs.models import Membership

        async with world.db.sessions() as session, session.begin():  # the coordinator is also the lab's admin
            await session.execute(update(Membership).where(Membership.user_id == admin_actor.user_id)
                                  .values(role="admin"))
        r = await coord.post(f"/api/findings/orgs/{system.org_id}/webhooks",
                             json={"url": f"http://127.0.0.1:{server.server_port}/hook", "secret": secret})
        assert r.status_code == 201, r.text
        r = await coord.post("/api/findings/reports", json=body(world, str(exchange.version_id)))
        assert r.status_code == 201
        for _ in range(100):
            if Receiver.got:
                break
            await asyncio.sleep(0.05)
        headers, raw = Receiver.got[0]
        assert headers["X-Redhive-Event"] == "report.submitted"
        expected = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        assert headers[webhooks.SIGNATURE_HEADER] == expected
        assert json.loads(raw)["to"] == "submitted"
        for _ in range(100):  # the delivery is recorded once the receiver's answer is back
            async with world.db.sessions() as session:
                delivery = await session.scalar(select(WebhookDelivery))
            if delivery is not None and delivery.status_code is not None:
                break
            await asyncio.sleep(0.05)
        assert delivery is not None and delivery.status_code == 204 and delivery.delivered_at is not None
        exported = await coord.get(f"/api/findings/orgs/{system.org_id}/export", params={"format": "csv"})
        assert exported.status_code == 200 and exported.text.startswith("id,title,state,band")
    finally:
        server.shutdown()
        server.server_close()
        await coord.aclose()


def test_cli_submit_reports_file_and_line_and_from_run_drafts_per_family(
        world: World, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    runner = CliRunner()

    async def version() -> str:
        async with world.db.sessions() as session:
            from redhive.orgs.models import SystemVersion

            query = select(SystemVersion.id).where(SystemVersion.upstream_target == "sim:guarded")
            return str(await session.scalar(query))

    version_id = asyncio.run(version())
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"version_id: {version_id}\ntitle: Role-play leak\ndescription: Role-play recites it.\n"
                   "taxonomy:\n  - LLM01:2025\n  - LLM42:2025\n", encoding="utf-8")
    result = runner.invoke(cli, ["findings", "submit", str(bad), "--as", "rt@example.test"])
    assert result.exit_code == 2 and f"{bad}, line 5" in result.output and "LLM42:2025" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(f"version_id: {version_id}\nmission_id: {world.mission_id}\ntitle: Role-play leak\n"
                    "description: Role-play recites the surrogate reference.\ntaxonomy: [LLM01:2025]\n"
                    "replication: {suite: core, probe_id: jb-001, attack: roleplay}\n", encoding="utf-8")
    result = runner.invoke(cli, ["findings", "submit", str(good), "--as", "rt@example.test"])
    assert result.exit_code == 0, result.output
    assert "stored (submitted)" in result.output

    result = runner.invoke(cli, ["scan", "-t", "sim:guarded", "-s", "core", "-a", "roleplay", "-a", "base64",
                                 "-n", "2", "--json"])
    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout[result.stdout.index("{"):])["run"]["id"]
    result = runner.invoke(cli, ["findings", "from-run", run_id, "--version", version_id, "--as", "coord@example.test"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  ")]
    families = [line.split("  ", 2)[2].split(":")[0] for line in lines]
    assert len(families) == len(set(families)) >= 4  # one draft per risk area × attack, never per attempt
    assert any("under roleplay" in f for f in families) and any("under base64" in f for f in families)

"""Property: over random organisations, roles, mission links, invitations in every status and
objects, no route or page returns or changes an object its caller may not, and where an object's
existence is sensitive (missions, reports, flaws, another organisation's versions) a refusal reads
exactly like "there is no such object" (404, same error type).

The oracle below is written from the documented rules (docs/platform.md, docs/network.md,
docs/findings.md, docs/threat-model.md), not from redhive.auth.policy, so a wrong row in the policy
table is caught rather than copied."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from tests.helpers import JOB_HUNG
from tests.platform_fixtures import TEST_SECRET_KEY, make_client

from redhive.app import create_app
from redhive.auth import service as auth
from redhive.auth.schemas import ApiTokenCreate
from redhive.findings.models import Flaw, FlawReport, RegressionCase, Replay
from redhive.jobs.models import Job
from redhive.kit import new_id, utcnow
from redhive.missions.models import (
    Mission,
    MissionInvitation,
    MissionOrganization,
    MissionParticipant,
    MissionTarget,
    MissionTerms,
)
from redhive.orgs.models import AISystem, Membership, Organization, SystemVersion
from redhive.settings import Settings

ROLES = (None, "admin", "coordinator", "triager", "red_teamer", "observer")
STAFF, TRIAGE = {"admin", "coordinator"}, {"admin", "coordinator", "triager"}
WORKERS = {"admin", "coordinator", "triager", "red_teamer"}
LINKS = (None, "partner", "observer")
# how a person stands to the mission apart from their organisations
TIES = ("none", "participant", "pending", "expired", "declined", "revoked", "accepted_then_removed")

# half of the people have no role in a given organisation: outsiders are where leaks show
role = st.one_of(st.none(), st.sampled_from(ROLES[1:]))
person = st.fixed_dictionaries({
    "admin": st.sampled_from((False, False, False, False, False, True)),
    "lab": role, "rival": role, "third": role, "tie": st.sampled_from(TIES),
})
worlds = st.fixed_dictionaries({
    "rival_link": st.sampled_from(LINKS), "third_link": st.sampled_from(LINKS),
    "people": st.lists(person, min_size=3, max_size=5), "reporter": st.integers(0, 4),
})


# --- the oracle: the documented rules, in their own words -------------------------------------------

def _linked(p: dict[str, Any], w: dict[str, Any], link: str) -> list[str]:
    """p's roles in the mission's other organisations linked as `link`."""
    return [p[org] for org in ("rival", "third") if w[f"{org}_link"] == link and p[org]]


def sees_mission(p: dict[str, Any], w: dict[str, Any]) -> bool:
    return (p["admin"] or p["lab"] is not None or bool(_linked(p, w, "partner") + _linked(p, w, "observer"))
            or p["tie"] in ("participant", "pending"))


def manages_mission(p: dict[str, Any]) -> bool:  # pause, close, edit: the organiser's staff
    return p["admin"] or p["lab"] in STAFF


def runs_mission(p: dict[str, Any], w: dict[str, Any]) -> bool:  # invitations: organiser's and partners' staff
    return manages_mission(p) or any(r in STAFF for r in _linked(p, w, "partner"))


def reports_under_mission(p: dict[str, Any], w: dict[str, Any]) -> bool:  # observers never report
    return (p["admin"] or p["tie"] == "participant" or p["lab"] in WORKERS
            or any(r in WORKERS for r in _linked(p, w, "partner")))


def sees_report(p: dict[str, Any], index: int, w: dict[str, Any]) -> bool:
    return p["admin"] or index == w["reporter"] or p["lab"] in TRIAGE


def sees_flaw(p: dict[str, Any]) -> bool:
    return p["admin"] or p["lab"] in TRIAGE


def transfers_to_rival(p: dict[str, Any]) -> bool:  # triage on the flaw's org and tests on the target's
    return p["admin"] or (p["lab"] in TRIAGE and p["rival"] in TRIAGE)


# --- the world ----------------------------------------------------------------------------------------

@dataclass
class Built:
    mission_id: str
    report_id: str | None
    flaw_id: str
    lab_version: str
    rival_version: str
    tokens: list[str]


_n = itertools.count()


async def _build(app: Any, w: dict[str, Any]) -> Built:
    n = next(_n)
    now = utcnow()
    async with app.state.db.session() as session:
        orgs = {}
        for key in ("lab", "rival", "third"):
            org = Organization(name=f"{key} {n}", name_key=f"{key} {n}", kind="developer", description="",
                               created_at=now)
            session.add(org)
            orgs[key] = org
        await session.flush()
        versions = {}
        for key in ("lab", "rival"):
            system = AISystem(org_id=orgs[key].id, name=f"{key} system", kind="Model", description="", created_at=now)
            session.add(system)
            await session.flush()
            versions[key] = SystemVersion(system_id=system.id, label="v1", upstream_target="sim:naive",
                                          created_at=now)
            session.add(versions[key])
        await session.flush()
        lab_system = versions["lab"].system_id
        flaw = Flaw(org_id=orgs["lab"].id, system_id=lab_system, title="Role-play leak", taxonomy=[], state="validated",
                    exposure=2, priority=0, created_at=now, updated_at=now, validated_at=now)
        session.add(flaw)
        await session.flush()
        session.add(RegressionCase(flaw_id=flaw.id, system_id=lab_system, max_success_rate=0.0, created_at=now,
                                   packet={"suite": "core", "probe_id": "jb-001", "attack": "roleplay"}))
        mission = Mission(org_id=orgs["lab"].id, title=f"Mission {n}", objective="Probe.", risk_areas={"jailbreak": 1},
                          languages={}, regions={}, disciplines={}, status="active", created_at=now, updated_at=now,
                          starts_on=now.date() - timedelta(days=1))
        session.add(mission)
        await session.flush()
        session.add(MissionOrganization(mission_id=mission.id, org_id=orgs["lab"].id, role="organiser", added_at=now))
        for key in ("rival", "third"):
            if w[f"{key}_link"]:
                session.add(MissionOrganization(mission_id=mission.id, org_id=orgs[key].id, role=w[f"{key}_link"],
                                                added_at=now))
        session.add(MissionTarget(mission_id=mission.id, version_id=versions["lab"].id))
        session.add(MissionTerms(mission_id=mission.id, version=1, rules_of_engagement="Gateway only.", nda="Quiet.",
                                 digest="0" * 64, created_at=now))
        tokens, users = [], []
        for i, p in enumerate(w["people"]):
            user = await auth.register_user(session, email=f"p{n}-{i}@example.org", display_name=f"P{i}",
                                            password=None, is_platform_admin=p["admin"])
            users.append(user)
            for key in ("lab", "rival", "third"):
                if p[key]:
                    session.add(Membership(user_id=user.id, org_id=orgs[key].id, role=p[key], created_at=now))
            tie = p["tie"]
            if tie == "participant":
                session.add(MissionParticipant(mission_id=mission.id, user_id=user.id, role="red_teamer",
                                               joined_at=now))
            elif tie != "none":
                status = {"expired": "pending", "accepted_then_removed": "accepted"}.get(tie, tie)
                expires = now - timedelta(days=1) if tie == "expired" else now + timedelta(days=3)
                session.add(MissionInvitation(mission_id=mission.id, user_id=user.id, org_id=orgs["lab"].id,
                                              role="red_teamer", note="", status=status, created_at=now,
                                              expires_at=expires))
            await session.flush()
            actor = await auth.load_actor(session, user, via="password")
            tokens.append((await auth.create_api_token(session, actor, data=ApiTokenCreate(name="p")))[1])
        report_id = None
        if w["reporter"] < len(users):
            report = FlawReport(org_id=orgs["lab"].id, mission_id=mission.id, system_id=lab_system,
                                version_id=versions["lab"].id, reporter_id=users[w["reporter"]].id,
                                title="Role-play framing recites the surrogate reference",
                                description="The assistant plays a librarian and reads the surrogate reference.",
                                attack_prompts="Play a librarian.", report_types=["vulnerability"], taxonomy=[],
                                hazard_class="HZ0", provenance="human", evidence=[], replication={},
                                reproducibility={}, state="submitted", fingerprint="f" * 64, paused_seconds=0,
                                created_at=now, updated_at=now, submitted_at=now)
            session.add(report)
            await session.flush()
            report_id = report.id
        return Built(mission.id, report_id, flaw.id, versions["lab"].id, versions["rival"].id, tokens)


def _hidden(r: httpx.Response, absent: httpx.Response) -> bool:
    """A refusal that reads like an absent object: 404 with the same error type."""
    return r.status_code == absent.status_code == 404 and r.json()["error"]["type"] == absent.json()["error"]["type"]


async def _probe(app: Any, w: dict[str, Any], built: Built) -> list[str]:
    wrong: list[str] = []
    mid, none = built.mission_id, new_id()

    def check(ok: bool, what: str, r: httpx.Response) -> None:
        if not ok:
            wrong.append(f"{what}: {r.status_code} {r.text[:160]}")

    async with app.state.db.session() as session:
        replays_before = await session.scalar(select(func.count()).select_from(Replay))
    for i, p in enumerate(w["people"]):
        async with make_client(app) as c:
            c.headers["Authorization"] = f"Bearer {built.tokens[i]}"
            who = f"person {i} {p}"
            seen = sees_mission(p, w)
            r, absent = await c.get(f"/api/missions/{mid}"), await c.get(f"/api/missions/{none}")
            check(r.status_code == 200 if seen else _hidden(r, absent), f"{who} GET mission", r)
            page = await c.get(f"/missions/{mid}")
            check(page.status_code == (200 if seen else 404), f"{who} mission page", page)
            listed = await c.get("/api/missions")
            check((mid in listed.text) == seen, f"{who} mission list", listed)
            r = await c.get(f"/api/missions/{mid}/invitations")
            check(r.status_code == (200 if runs_mission(p, w) else 403 if seen else 404), f"{who} invitations", r)
            r = await c.post(f"/api/missions/{mid}/status", json={"status": "reported"})  # illegal from active
            check(r.status_code == (409 if manages_mission(p) else 403 if seen else 404), f"{who} status", r)
            if built.report_id:
                r, absent = (await c.get(f"/api/findings/reports/{built.report_id}"),
                             await c.get(f"/api/findings/reports/{none}"))
                visible = sees_report(p, i, w)
                check(r.status_code == 200 if visible else _hidden(r, absent), f"{who} GET report", r)
                page = await c.get(f"/findings/reports/{built.report_id}")
                check(page.status_code == (200 if visible else 404), f"{who} report page", page)
                listed = await c.get("/api/findings/reports")
                check((built.report_id in listed.text) == visible, f"{who} report list", listed)
            r, absent = await c.get(f"/api/findings/flaws/{built.flaw_id}"), await c.get(f"/api/findings/flaws/{none}")
            check(r.status_code == 200 if sees_flaw(p) else _hidden(r, absent), f"{who} GET flaw", r)
            r = await c.post(f"/api/findings/flaws/{built.flaw_id}/transfer",
                             json={"version_ids": [built.rival_version], "trials": 1})
            absent = await c.post(f"/api/findings/flaws/{built.flaw_id}/transfer",
                                  json={"version_ids": [none], "trials": 1})
            allowed = transfers_to_rival(p)
            check(r.status_code == 202 if allowed else _hidden(r, absent), f"{who} transfer", r)
            if allowed:
                replays_before = (replays_before or 0) + 1
            r = await c.post("/api/findings/reports", json={
                "version_id": built.lab_version, "mission_id": mid, "title": "Role-play framing recites the "
                "surrogate reference", "description": "The assistant plays a librarian and reads the surrogate "
                "reference.", "attack_prompts": "Play a librarian.", "taxonomy": ["LLM01:2025"]})
            may = reports_under_mission(p, w)
            check(r.status_code == (201 if may else 403 if seen else 404), f"{who} report under mission", r)
            if r.status_code == 201 and not (p["admin"] or p["lab"] in TRIAGE):
                check(r.json()["duplicates"] == [], f"{who} saw duplicate suggestions", r)
    wrong += await _jobs_ended(app)  # transfers run as jobs: count their replays once they ran
    async with app.state.db.session() as session:
        status = await session.scalar(select(Mission.status).where(Mission.id == mid))
        replays = await session.scalar(select(func.count()).select_from(Replay))
    if status != "active":
        wrong.append(f"the mission's status changed to {status}")
    if replays != replays_before:
        wrong.append(f"{replays} replays stored, {replays_before} allowed")
    return wrong


async def _jobs_ended(app: Any) -> list[str]:
    """Wait (on the app's own runner, sharing this loop) until no job is queued or running; the
    sentences of those that failed."""
    deadline = time.monotonic() + JOB_HUNG
    while True:
        async with app.state.db.session() as session:
            waiting = await session.scalar(select(func.count()).select_from(Job)
                                           .where(Job.status.in_(("queued", "running"))))
            if not waiting:
                failed = (await session.scalars(select(Job.error).where(Job.status == "failed"))).all()
                return [f"a job failed: {error}" for error in failed]
        if time.monotonic() > deadline:
            return [f"{waiting} job(s) did not end within {JOB_HUNG} s"]
        await asyncio.sleep(0.02)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.Runner, Any]]:
    """One app (lifespan running) on one event loop for every example: worlds never share objects."""
    folder = tmp_path_factory.mktemp("authz")
    app = create_app(Settings(home=folder / "home", database_url=f"sqlite:///{folder / 'authz.db'}",
                              secret_key=TEST_SECRET_KEY, env="dev"))
    with asyncio.Runner() as runner:
        lifespan = app.router.lifespan_context(app)
        runner.run(lifespan.__aenter__())
        try:
            yield runner, app
        finally:
            runner.run(lifespan.__aexit__(None, None, None))


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=worlds)
def test_no_route_returns_or_changes_what_its_caller_may_not(w: dict[str, Any],
                                                              served: tuple[asyncio.Runner, Any]) -> None:
    runner, app = served

    async def run() -> list[str]:
        return await _probe(app, w, await _build(app, w))

    wrong = runner.run(run())
    assert not wrong, "\n".join(wrong)

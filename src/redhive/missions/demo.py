"""The network's part of the demo programme: accepted experts with diverse profiles (with their
applications and reviews), a pending application with one review, and an active mission over the
demo system's versions, observed by both government evaluators. Idempotent like redhive.demo."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth import service as auth
from redhive.auth.models import User
from redhive.demo import DEMO_PASSWORD, DemoSeed
from redhive.kit import utcnow
from redhive.missions.models import (
    Mission,
    MissionOrganization,
    MissionParticipant,
    MissionTarget,
    MissionTerms,
    TermsAcknowledgement,
)
from redhive.network.models import Application, ApplicationReview, ExpertProfile
from redhive.network.rubric import CRITERIA

__all__ = ["seed_network_and_mission"]

STATEMENT = (
    "{name} has tested conversational systems for {years} years, with public write-ups of the "
    "methods (never of hazardous content) and a record of coordinated disclosure."
)
#: user key (existing demo user) or email for a new one -> profile
EXPERTS: dict[str, dict[str, object]] = {
    "expert_security": dict(
        name="Amara Okafor",
        disciplines=["security"],
        risk_areas=["prompt_injection_direct", "prompt_injection_indirect", "system_prompt_leakage", "jailbreak"],
        languages=["en", "yo", "ha"],
        regions=["africa_sub_saharan", "europe_west"],
        sectors=["independent"],
        years=9,
        hours=15,
        quality=0.88,
        affiliation="Independent security researcher",
    ),
    "expert_ethics": dict(
        name="Kenji Watanabe",
        disciplines=["ethics", "ml_research"],
        risk_areas=["bias", "over_refusal", "misinformation"],
        languages=["ja", "en"],
        regions=["asia_east"],
        sectors=["academia"],
        years=7,
        hours=8,
        quality=0.8,
        affiliation="Kyoto Institute of Technology",
    ),
    "expert_law": dict(
        name="Sofía Martínez",
        disciplines=["law", "human_rights"],
        risk_areas=["sensitive_information", "bias"],
        languages=["es", "pt", "en"],
        regions=["americas_latin"],
        sectors=["civil_society"],
        years=11,
        hours=6,
        quality=0.77,
        affiliation="Derechos Digitales (fictional)",
    ),
    "expert_society": dict(
        name="Lukas Becker",
        disciplines=["social_science", "journalism"],
        risk_areas=["misinformation", "jailbreak"],
        languages=["de", "en", "pl"],
        regions=["europe_west", "europe_east"],
        sectors=["media"],
        years=5,
        hours=10,
        quality=0.72,
        affiliation="Freelance investigative journalist",
    ),
    "priya@experts.demo": dict(
        name="Priya Raman",
        disciplines=["linguistics", "security"],
        risk_areas=["jailbreak", "prompt_injection_direct", "misinformation"],
        languages=["ta", "hi", "en"],
        regions=["asia_south"],
        sectors=["industry"],
        years=6,
        hours=12,
        quality=0.83,
        affiliation="Chennai language-technology start-up (fictional)",
        vetting="id_verified",
    ),
    "yusuf@experts.demo": dict(
        name="Yusuf Al-Amin",
        disciplines=["domain_health", "ethics"],
        risk_areas=["sensitive_information", "misinformation", "over_refusal"],
        languages=["ar", "fr", "en"],
        regions=["africa_north", "asia_west"],
        sectors=["government"],
        years=14,
        hours=5,
        quality=0.79,
        affiliation="Public-health ministry adviser (fictional)",
        vetting="background_checked",
    ),
}
PENDING = dict(
    full_name="Mei-Ling Chen",
    email="meiling@applicants.demo",
    disciplines=["ml_research"],
    risk_areas=["system_prompt_leakage", "prompt_injection_indirect"],
    languages=["zh", "en"],
    regions=["asia_east"],
    sectors=["academia"],
    years=3,
    hours=6,
)
MISSION_TITLE = "Northwind Assistant pre-release: multilingual jailbreak and injection sweep"
ROE = """1. Test only the Northwind Assistant versions listed on this mission, only through the redhive gateway.
2. Every exchange is logged; do not try to switch logging off or to reach the upstream endpoint directly.
3. Hazard ceiling HZ1: use the surrogate agents and canary strings provided; stop and report at the first sign
   of a real hazard, never elaborate it.
4. No testing of other customers' data, of the infrastructure, or of people.
5. Report each flaw through redhive within 24 hours, with the session ids."""
NDA = """Everything you see in this mission (outputs, system prompts, findings) is confidential to Northwind AI,
the network and the two observing evaluators until the flaw is fixed or 90 days have passed, whichever comes
first. Safe harbour applies to good-faith testing within the rules of engagement."""


async def _user(session: AsyncSession, seed: DemoSeed, key: str, profile: dict[str, object]) -> User:
    if key in seed.users:
        return seed.users[key]
    user = await session.scalar(select(User).where(User.email == key))
    if user is None:
        user = await auth.register_user(
            session,
            email=key,
            display_name=str(profile["name"]),
            password=DEMO_PASSWORD,
            vetting_level=str(profile.get("vetting", "self_declared")),
        )
    seed.users[key.split("@")[0]] = user
    return user


def _application(name: str, email: str, p: dict[str, object], status: str) -> Application:
    now = utcnow()
    return Application(
        full_name=name,
        email=email,
        affiliation=str(p.get("affiliation", "")),
        disciplines=p["disciplines"],
        risk_areas=p["risk_areas"],
        languages=p["languages"],
        regions=p["regions"],
        sectors=p["sectors"],
        years_experience=p["years"],
        links=[f"https://example.org/{email.split('@')[0]}"],
        statement=STATEMENT.format(name=name, years=p["years"]),
        conflicts=[],
        hours_per_week=p["hours"],
        consent_at=now - timedelta(days=30),
        submitted_at=now - timedelta(days=30),
        status=status,
        reason_codes=[],
    )


async def _experts(session: AsyncSession, seed: DemoSeed) -> list[User]:
    reviewers = [seed.users["coordinator"], seed.users["admin"]]
    users = []
    for key, p in EXPERTS.items():
        user = await _user(session, seed, key, p)
        users.append(user)
        if await session.scalar(select(ExpertProfile.id).where(ExpertProfile.user_id == user.id)):
            continue
        app = _application(user.display_name, user.email, p, "accepted")
        app.decided_at, app.decided_by_id, app.reason_codes, app.user_id = (
            utcnow() - timedelta(days=20),
            reviewers[0].id,
            ["meets_bar"],
            user.id,
        )
        session.add(app)
        await session.flush()
        score = max(1, min(5, round(1 + 4 * float(p["quality"]))))  # type: ignore[arg-type]
        for reviewer in reviewers:
            session.add(
                ApplicationReview(
                    application_id=app.id,
                    reviewer_id=reviewer.id,
                    scores=dict.fromkeys(CRITERIA, score),
                    comment="Strong, verifiable record.",
                    created_at=utcnow() - timedelta(days=21),
                )
            )
        session.add(ExpertProfile.from_application(app, user.id, quality=float(p["quality"]),  # type: ignore[arg-type]
                                                   joined_at=utcnow() - timedelta(days=20)))
    await session.flush()
    return users


async def _pending(session: AsyncSession, seed: DemoSeed) -> None:
    email = str(PENDING["email"])
    if await session.scalar(select(Application.id).where(Application.email == email)):
        return
    app = _application(str(PENDING["full_name"]), email, PENDING, "pending")
    session.add(app)
    await session.flush()
    session.add(
        ApplicationReview(
            application_id=app.id,
            reviewer_id=seed.users["coordinator"].id,
            scores={**dict.fromkeys(CRITERIA, 4), "adversarial_experience": 3},
            comment="Good research record; little hands-on red teaming yet.",
            created_at=utcnow() - timedelta(days=1),
        )
    )


async def _mission(session: AsyncSession, seed: DemoSeed, experts: list[User]) -> None:
    lab = seed.orgs["lab"]
    if await session.scalar(select(Mission.id).where(Mission.org_id == lab.id, Mission.title == MISSION_TITLE)):
        return
    now = utcnow()
    mission = Mission(
        org_id=lab.id,
        title=MISSION_TITLE,
        status="active",
        created_by_id=seed.users["coordinator"].id,
        objective="Measure how far policy jailbreaks and direct prompt injections carry across languages before "
        "the 2026.11 release candidate ships.",
        in_scope="Northwind Assistant 2026.10-beta and 2026.11-rc through the gateway; chat and document upload.",
        out_of_scope="Infrastructure, other tenants, denial of service, social engineering of staff.",
        risk_areas={"jailbreak": 2.0, "prompt_injection_direct": 1.0, "misinformation": 1.0},
        languages={"en": 1.0, "es": 1.0, "yo": 1.0, "ja": 1.0, "ta": 1.0, "ar": 1.0},
        regions={
            "africa_sub_saharan": 1.0,
            "americas_latin": 1.0,
            "asia_east": 1.0,
            "asia_south": 1.0,
            "europe_west": 1.0,
        },
        disciplines={},
        access_tier="T1_prerelease_mitigated",
        hazard_ceiling="HZ1",
        starts_on=(now - timedelta(days=7)).date(),
        ends_on=(now + timedelta(days=21)).date(),
        min_hours_per_week=5,
        cohort_size=6,
        created_at=now - timedelta(days=14),
        updated_at=now,
    )
    session.add(mission)
    await session.flush()
    for org_key, role in (("lab", "organiser"), ("network", "partner"), ("aisi", "observer"), ("cert", "observer")):
        session.add(MissionOrganization(mission_id=mission.id, org_id=seed.orgs[org_key].id, role=role, added_at=now))
    for key in ("guarded", "hardened"):
        session.add(MissionTarget(mission_id=mission.id, version_id=seed.versions[key].id))
    terms = MissionTerms(
        mission_id=mission.id,
        version=1,
        rules_of_engagement=ROE,
        nda=NDA,
        digest=hashlib.sha256(f"{ROE}\x00{NDA}".encode()).hexdigest(),
        created_by_id=seed.users["coordinator"].id,
        created_at=now - timedelta(days=14),
    )
    session.add(terms)
    await session.flush()
    for user in experts:
        if user.vetting_level == "self_declared":
            continue  # T1 needs id_verified or better
        session.add(MissionParticipant(mission_id=mission.id, user_id=user.id, role="red_teamer", joined_at=now))
        session.add(
            TermsAcknowledgement(
                mission_id=mission.id, terms_id=terms.id, user_id=user.id, acknowledged_at=now - timedelta(days=8)
            )
        )
    await session.flush()


async def seed_network_and_mission(session: AsyncSession, seed: DemoSeed) -> None:
    experts = await _experts(session, seed)
    await _pending(session, seed)
    await _mission(session, seed, experts)

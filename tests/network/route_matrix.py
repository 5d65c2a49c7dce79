"""The network's and missions' rows of the route × role matrix (tests/platform/test_route_matrix.py
merges them into its table). Personas as there: the Lab's red_teamer, triager, coordinator and
org_admin; the regulator's observer; an outsider (admin of another lab); the platform admin.

The network is run by staff of a coordinator organisation; the matrix world has none, so only the
platform admin reviews and decides. Each mission is organised by the Lab with the regulator as an
observer and the Lab's red teamer as a participant; an outsider cannot even see it (404).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from redhive.auth import service as auth
from redhive.kit import hash_token, new_token, utcnow
from redhive.missions import service as missions
from redhive.missions.models import MissionInvitation, MissionOrganization, MissionParticipant
from redhive.missions.schemas import MissionCreate
from redhive.network.models import Application, ApplicationReview, ExpertProfile
from redhive.network.rubric import CRITERIA
from redhive.orgs.models import Membership

ANON, RT, OB, TR, CO, AD, PA, OT = (
    "anonymous",
    "red_teamer",
    "observer",
    "triager",
    "coordinator",
    "org_admin",
    "platform_admin",
    "outsider",
)
PERSONAS = (ANON, RT, OB, TR, CO, AD, PA, OT)
ROE = "Test only the listed version through the gateway; report surrogate hazards at once."
NDA = "Everything seen in this mission stays confidential for 90 days."
STATEMENT = "Six years of adversarial testing of language models, with two published reports."


def expect(
    ok: set[str],
    status: int,
    *,
    anonymous: int = 401,
    hidden: int = 404,
    denied: int = 403,
    outsider: int | None = None,
) -> dict[str, int]:
    """Viewers of the mission are every Lab member, the observer and the platform admin; the
    outsider does not see it (`hidden`) unless told otherwise."""
    out = {p: status if p in ok else denied for p in PERSONAS}
    out[ANON] = anonymous
    out[OT] = outsider if outsider is not None else (status if OT in ok else hidden)
    return out


VIEWERS = {RT, TR, CO, AD, OB, PA}
MANAGERS = {CO, AD, PA}
USERS = {RT, TR, CO, AD, OB, PA, OT}


def _profile(user_id: str) -> ExpertProfile:
    return ExpertProfile(
        user_id=user_id,
        application_id=None,
        affiliation="",
        disciplines=["security"],
        risk_areas=["jailbreak"],
        languages=["en"],
        regions=["europe_west"],
        sectors=[],
        years_experience=5,
        links=[],
        conflicts=[],
        hours_per_week=10,
        quality=0.7,
        active=True,
        joined_at=utcnow(),
    )


async def _expert(w: Any) -> str:
    user = await w.platform.user(w.unique("Expert"))
    async with w.platform.session() as session:
        session.add(_profile(user.id))
    return str(user.id)


async def _mission(w: Any, persona: str, *, with_red_teamer: bool = True) -> str:
    """A recruiting mission of the Lab, observed by the regulator, with the red teamer on it."""
    async with w.platform.session() as session:
        admin = await auth.load_actor(session, w.users[PA], via="password")
        mission = await missions.create_mission(
            session,
            admin,
            data=MissionCreate(
                org_id=w.lab.id,
                title=w.unique("Mission"),
                objective="Find jailbreaks.",
                risk_areas={"jailbreak": 1},
                languages={"en": 1},
                target_version_ids=[w.version.id],
                rules_of_engagement=ROE,
                nda=NDA,
            ),
        )
        await missions.transition(session, admin, mission_id=mission.id, status="recruiting")
        regulator = await session.scalar(select(Membership.org_id).where(Membership.user_id == w.users[OB].id))
        session.add(MissionOrganization(mission_id=mission.id, org_id=regulator, role="observer", added_at=utcnow()))
        if with_red_teamer:
            session.add(
                MissionParticipant(mission_id=mission.id, user_id=w.users[RT].id, role="red_teamer", joined_at=utcnow())
            )
        return mission.id


async def _invitation(w: Any, persona: str) -> str:
    """An open invitation of this persona (the platform admin's when anonymous) to a fresh mission."""
    mission_id = await _mission(w, persona, with_red_teamer=False)
    user = w.users[persona if persona != ANON else PA]
    async with w.platform.session() as session:
        if not await session.scalar(select(ExpertProfile.id).where(ExpertProfile.user_id == user.id)):
            session.add(_profile(user.id))
        inv = MissionInvitation(
            mission_id=mission_id,
            user_id=user.id,
            org_id=w.lab.id,
            role="red_teamer",
            note="",
            status="pending",
            invited_by_id=None,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(days=3),
        )
        session.add(inv)
        await session.flush()
        return inv.id


async def _application(w: Any, persona: str) -> str:
    """A pending application with two reviews (so the platform admin may decide it)."""
    reviewers = [await w.platform.user(w.unique("Reviewer")) for _ in range(2)]
    async with w.platform.session() as session:
        app = Application(
            full_name="Applicant",
            email=f"{w.unique('applicant')}@example.org",
            affiliation="",
            disciplines=["law"],
            risk_areas=["bias"],
            languages=["fr"],
            regions=["europe_west"],
            sectors=[],
            years_experience=4,
            links=[],
            statement=STATEMENT,
            conflicts=[],
            hours_per_week=6,
            consent_at=utcnow(),
            submitted_at=utcnow(),
            status="pending",
            reason_codes=[],
        )
        session.add(app)
        await session.flush()
        for reviewer in reviewers:
            session.add(
                ApplicationReview(
                    application_id=app.id,
                    reviewer_id=reviewer.id,
                    scores=dict.fromkeys(CRITERIA, 4),
                    comment="",
                    created_at=utcnow(),
                )
            )
        return app.id


async def _activation_token(w: Any, persona: str) -> str:
    user = await w.platform.user(w.unique("Newcomer"), password="")
    token = new_token()
    async with w.platform.session() as session:
        profile = _profile(user.id)
        profile.activation_token_hash = hash_token(token)
        profile.activation_expires_at = utcnow() + timedelta(days=1)
        session.add(profile)
    return token


async def _expert_param(w: Any, persona: str) -> str:
    return await _expert(w)


PARAMS = {
    "mission_id": _mission,
    "invitation_id": _invitation,
    "application_id": _application,
    "token": _activation_token,
    "expert_id": _expert_param,
}


def _application_body(form: bool) -> Any:
    async def factory(w: Any, persona: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "full_name": "Applicant",
            "email": f"{w.unique('a')}@example.org",
            "disciplines": ["law"],
            "risk_areas": ["bias"],
            "languages": ["fr"],
            "regions": ["europe_west"],
            "years_experience": 4,
            "statement": STATEMENT,
            "hours_per_week": 6,
            "consent": True,
        }
        if form:
            body.update(years_experience="4", hours_per_week="6", consent="yes")
        return body

    return factory


def _static(payload: dict[str, Any]) -> Any:
    async def factory(w: Any, persona: str) -> dict[str, Any]:
        return payload

    return factory


async def _mission_body(w: Any, persona: str) -> dict[str, Any]:
    return {
        "org_id": w.lab.id,
        "title": w.unique("M"),
        "risk_areas": {"jailbreak": 1},
        "target_version_ids": [w.version.id],
        "rules_of_engagement": ROE,
        "nda": NDA,
    }


async def _mission_form(w: Any, persona: str) -> dict[str, Any]:
    return {
        "org_id": w.lab.id,
        "title": w.unique("M"),
        "risk_areas": ["jailbreak"],
        "access_tier": "T0_public",
        "hazard_ceiling": "HZ1",
        "cohort_size": "4",
        "target_version_ids": [w.version.id],
        "rules_of_engagement": ROE,
        "nda": NDA,
    }


async def _update_body(w: Any, persona: str) -> dict[str, Any]:
    body = await _mission_body(w, persona)
    body.pop("org_id")
    return body


async def _update_form(w: Any, persona: str) -> dict[str, Any]:
    body = await _mission_form(w, persona)
    body.pop("org_id")
    return body


async def _org_body(w: Any, persona: str) -> dict[str, Any]:
    org = await w.platform.org(w.unique("Partner"), kind="deployer")
    return {"org_id": org.id, "role": "partner"}


async def _invite_body(w: Any, persona: str) -> dict[str, Any]:
    return {"user_ids": [await _expert(w)]}


async def _invite_form(w: Any, persona: str) -> dict[str, Any]:
    return {"user_ids": [await _expert(w)], "role": "red_teamer", "expires_in_days": "7"}


_ACCEPT = {"accept": True, "terms_version": 1, "acknowledge": True}
_SCORES = {"scores": dict.fromkeys(CRITERIA, 4)}
_DECISION = {"decision": "accept", "reason_codes": ["meets_bar"]}
_PASSWORD = {"password": "a long passphrase", "password_again": "a long passphrase"}

# (method, path) -> (expected status per persona, body factory)
ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    # the network, API
    ("GET", "/api/network/rubric"): (dict.fromkeys(PERSONAS, 200), None),
    ("POST", "/api/network/applications"): (dict.fromkeys(PERSONAS, 201), _application_body(False)),
    ("GET", "/api/network/applications"): (expect({PA}, 200, outsider=403), None),
    ("GET", "/api/network/applications/{application_id}"): (expect({PA}, 200, outsider=403), None),
    ("POST", "/api/network/applications/{application_id}/reviews"): (expect({PA}, 201, outsider=403), _static(_SCORES)),
    ("POST", "/api/network/applications/{application_id}/decision"): (
        expect({PA}, 200, outsider=403),
        _static(_DECISION),
    ),
    ("POST", "/api/network/activate"): (dict.fromkeys(PERSONAS, 204), None),  # body set below
    ("GET", "/api/network/experts"): (expect({CO, AD, PA, OT}, 200), None),
    ("PUT", "/api/network/experts/{expert_id}/vetting"): (
        expect({PA}, 200, outsider=403),
        _static({"level": "id_verified"}),
    ),
    # the network, pages
    ("GET", "/apply"): (dict.fromkeys(PERSONAS, 200), None),
    ("POST", "/apply"): (dict.fromkeys(PERSONAS, 200), _application_body(True)),
    ("GET", "/network/applications"): (expect({PA}, 200, anonymous=303, outsider=403), None),
    ("GET", "/network/applications/{application_id}"): (expect({PA}, 200, anonymous=303, outsider=403), None),
    ("POST", "/network/applications/{application_id}/reviews"): (
        expect({PA}, 303, outsider=403),
        _static({f"score_{k}": "4" for k in CRITERIA}),
    ),
    ("POST", "/network/applications/{application_id}/decision"): (expect({PA}, 200, outsider=403), _static(_DECISION)),
    ("GET", "/network/activate/{token}"): (dict.fromkeys(PERSONAS, 200), None),
    ("POST", "/network/activate/{token}"): (dict.fromkeys(PERSONAS, 303), _static(_PASSWORD)),
    ("GET", "/network/experts"): (expect({CO, AD, PA, OT}, 200, anonymous=303), None),
    ("POST", "/network/experts/{expert_id}/vetting"): (
        expect({PA}, 303, outsider=403),
        _static({"level": "id_verified"}),
    ),
    # missions, API
    ("GET", "/api/missions"): (expect(USERS, 200), None),
    ("POST", "/api/missions"): (expect(MANAGERS, 201, outsider=403), _mission_body),
    ("GET", "/api/missions/{mission_id}"): (expect(VIEWERS, 200), None),
    ("PUT", "/api/missions/{mission_id}"): (expect(MANAGERS, 200), _update_body),
    ("POST", "/api/missions/{mission_id}/status"): (expect(MANAGERS, 200), _static({"status": "closed"})),
    ("POST", "/api/missions/{mission_id}/organizations"): (expect(MANAGERS, 201), _org_body),
    ("POST", "/api/missions/{mission_id}/selection"): (expect(MANAGERS, 200), _static({})),
    ("GET", "/api/missions/{mission_id}/invitations"): (expect(MANAGERS, 200), None),
    ("POST", "/api/missions/{mission_id}/invitations"): (expect(MANAGERS, 201), _invite_body),
    ("GET", "/api/missions/{mission_id}/participants"): (expect(VIEWERS, 200), None),
    ("POST", "/api/missions/{mission_id}/acknowledgements"): (expect({RT}, 204), _static({"version": 1})),
    ("GET", "/api/missions/{mission_id}/coverage"): (expect(VIEWERS, 200), None),
    ("GET", "/api/mission-invitations"): (expect(USERS, 200), None),
    ("POST", "/api/mission-invitations/{invitation_id}/response"): (expect(USERS, 200), _static(_ACCEPT)),
    # missions, pages
    ("GET", "/missions"): (expect(USERS, 200, anonymous=303), None),
    ("GET", "/missions/new"): (expect(MANAGERS | {OT}, 200, anonymous=303), None),
    ("POST", "/missions/new"): (expect(MANAGERS, 303, outsider=403), _mission_form),
    ("GET", "/missions/{mission_id}"): (expect(VIEWERS, 200, anonymous=303), None),
    ("GET", "/missions/{mission_id}/edit"): (expect(MANAGERS, 200, anonymous=303), None),
    ("POST", "/missions/{mission_id}/edit"): (expect(MANAGERS, 303), _update_form),
    ("POST", "/missions/{mission_id}/status"): (expect(MANAGERS, 303), _static({"status": "closed"})),
    ("POST", "/missions/{mission_id}/organizations"): (expect(MANAGERS, 303), _org_body),
    ("GET", "/missions/{mission_id}/cohort"): (expect(MANAGERS, 200, anonymous=303), None),
    ("POST", "/missions/{mission_id}/invitations"): (expect(MANAGERS, 303), _invite_form),
    ("GET", "/missions/{mission_id}/coverage"): (expect(VIEWERS, 200, anonymous=303), None),
    ("GET", "/mission-invitations"): (expect(USERS, 200, anonymous=303), None),
    ("GET", "/mission-invitations/{invitation_id}"): (expect(USERS, 200, anonymous=303), None),
    ("POST", "/mission-invitations/{invitation_id}"): (
        expect(USERS, 303),
        _static({"answer": "accept", "terms_version": "1", "acknowledge": "yes"}),
    ),
}


async def _activation_body(w: Any, persona: str) -> dict[str, Any]:
    return {"token": await _activation_token(w, persona), "password": "a long passphrase"}


ROUTES[("POST", "/api/network/activate")] = (dict.fromkeys(PERSONAS, 204), _activation_body)

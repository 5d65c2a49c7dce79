"""The joint-exercise and incident rows of the route × role matrix (tests/platform/test_route_matrix.py
merges them). World as there: the Lab (red teamer, triager, coordinator, admin) owns `Chatty`, granted
to the regulator AISI (its observer); the outsider admins Other Lab. Missions come from the network
rows' factory (the Lab organises, AISI observes). A transfer notice is a flaw of the Lab coordinated
by the Lab and already forwarded to Other Lab; an incident is the Lab's, notified to AISI at TLP:AMBER."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.findings.route_matrix import _flaw
from tests.network.route_matrix import _mission

from redhive.incidents.models import Incident, IncidentAction, IncidentNotification
from redhive.joint.models import JointAgreement, JointParty, TransferNotice
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Organization, SystemVersion

ANON, RT, OB, TR, CO, AD, PA, OT = ("anonymous", "red_teamer", "observer", "triager", "coordinator", "org_admin",
                                    "platform_admin", "outsider")
PERSONAS = (ANON, RT, OB, TR, CO, AD, PA, OT)
USERS = set(PERSONAS) - {ANON}
TRIAGE = {TR, CO, AD, PA}
STAFF = {CO, AD, PA}
VIEWERS = {RT, OB, TR, CO, AD, PA}


def expect(statuses: dict[str, int], default: int, *, anonymous: int = 401) -> dict[str, int]:
    return {p: (anonymous if p == ANON else statuses.get(p, default)) for p in PERSONAS}


async def _org(w: Any, name: str) -> str:
    async with w.platform.session() as session:
        return str((await session.scalars(select(Organization.id).where(Organization.name == name))).one())


async def _joint_agreement(w: Any, persona: str) -> str:
    mission_id = await _mission(w, persona)
    aisi = await _org(w, "AISI")
    async with w.platform.session() as session:
        agreement = JointAgreement(mission_id=mission_id, after="validated", delay_days=0, note="",
                                   created_at=utcnow())
        session.add(agreement)
        await session.flush()
        session.add_all([JointParty(agreement_id=agreement.id, org_id=w.lab.id, audience="TLP:AMBER",
                                    named_user_ids=[], accepted_at=utcnow()),
                         JointParty(agreement_id=agreement.id, org_id=aisi, audience="TLP:GREEN", named_user_ids=[])])
        return agreement.id


async def _notice(w: Any, persona: str) -> str:
    flaw_id = await _flaw(w, persona)
    other = await _org(w, "Other Lab")
    async with w.platform.session() as session:
        system = AISystem(org_id=other, name=w.unique("Rival"), kind="Model", description="", created_at=utcnow())
        session.add(system)
        await session.flush()
        version = SystemVersion(system_id=system.id, label="v1", upstream_target="sim:naive", created_at=utcnow())
        session.add(version)
        await session.flush()
        notice = TransferNotice(flaw_id=flaw_id, source_org_id=w.lab.id, coordinator_org_id=w.lab.id,
                                developer_org_id=other, system_id=system.id, version_id=version.id, successes=2,
                                trials=2, status="forwarded", audience="TLP:GREEN", note="", created_at=utcnow())
        session.add(notice)
        await session.flush()
        return notice.id


async def _incident(w: Any, persona: str) -> str:
    aisi = await _org(w, "AISI")
    async with w.platform.session() as session:
        now = utcnow()
        incident = Incident(org_id=w.lab.id, system_id=w.system.id, title=w.unique("Incident"), summary="s",
                            impact="", technical_details="", severity="S1", hazard_class="HZ0", status="open",
                            labels=None, detected_at=now, created_at=now, updated_at=now)
        session.add(incident)
        await session.flush()
        session.add(IncidentNotification(incident_id=incident.id, org_id=aisi, audience="TLP:AMBER", sent_at=now))
        return incident.id


async def _action(w: Any, persona: str) -> str:
    incident_id = await _incident(w, persona)
    async with w.platform.session() as session:
        action = IncidentAction(incident_id=incident_id, description="Roll back the prompt", created_at=utcnow())
        session.add(action)
        await session.flush()
        return action.id


async def _parties(w: Any, persona: str) -> dict[str, Any]:
    return {"parties": [{"org_id": w.lab.id, "audience": "TLP:AMBER"},
                        {"org_id": await _org(w, "AISI"), "audience": "TLP:GREEN"}]}


async def _party_form(w: Any, persona: str) -> dict[str, Any]:
    return {f"audience_{w.lab.id}": "TLP:AMBER", f"audience_{await _org(w, 'AISI')}": "TLP:GREEN"}


async def _lab(w: Any, persona: str) -> dict[str, Any]:
    return {"org_id": w.lab.id}


async def _aisi(w: Any, persona: str) -> dict[str, Any]:
    return {"org_id": await _org(w, "AISI")}


async def _other(w: Any, persona: str) -> dict[str, Any]:
    return {"org_id": await _org(w, "Other Lab"), "impact": "same model"}


async def _notify(w: Any, persona: str) -> dict[str, Any]:
    return {"org_id": await _org(w, "Other Lab"), "audience": "TLP:GREEN"}


async def _new_incident(w: Any, persona: str) -> dict[str, Any]:
    return {"org_id": w.lab.id, "system_id": w.system.id, "title": w.unique("Incident"), "severity": "S2",
            "detected_at": "2026-01-02T03:04:05+00:00"}


async def _new_incident_form(w: Any, persona: str) -> dict[str, Any]:
    return {"system_id": w.system.id, "title": w.unique("Incident"), "severity": "S2",
            "detected_at": "2026-01-02T03:04"}


def fixed(**fields: Any) -> Any:
    async def factory(w: Any, persona: str) -> dict[str, Any]:
        return dict(fields)
    return factory


PARAMS = {"joint_agreement_id": _joint_agreement, "notice_id": _notice, "incident_id": _incident,
          "action_id": _action}

SEEN_NOTICE = {RT: 404, OB: 404}  # neither coordinates nor receives the notice
NOT_INCIDENT = {RT: 404, OT: 404}  # a red teamer of the Lab and outsiders do not know the incident exists
EVENT = fixed(kind="note", text="Customer reports", at="2026-01-02T05:00:00+00:00")

ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    # joint exercises: whoever sees the mission sees the exercise; its organiser's staff make the agreement
    ("GET", "/api/joint/missions/{mission_id}"): (expect({OT: 404}, 200), None),
    ("POST", "/api/joint/missions/{mission_id}/agreement"): (expect({**dict.fromkeys(STAFF, 201), OT: 404}, 403),
                                                             _parties),
    ("POST", "/api/joint/agreements/{joint_agreement_id}/accept"): (
        expect({**dict.fromkeys(STAFF, 200), OT: 404}, 403), _lab),
    ("GET", "/api/joint/missions/{mission_id}/report"): (expect({OT: 404}, 200), None),
    ("GET", "/joint/missions/{mission_id}"): (expect({OT: 404}, 200, anonymous=303), None),
    ("POST", "/joint/missions/{mission_id}/agreement"): (expect({**dict.fromkeys(STAFF, 303), OT: 404}, 403),
                                                         _party_form),
    ("POST", "/joint/agreements/{joint_agreement_id}/accept"): (
        expect({**dict.fromkeys(STAFF, 303), OT: 404}, 403), _lab),
    # transfer notices (forwarded already): the coordinator's triage team and the developer see it
    ("GET", "/api/joint/transfers"): (expect({}, 200), None),
    ("GET", "/joint/transfers"): (expect({}, 200, anonymous=303), None),
    ("GET", "/api/joint/transfers/{notice_id}"): (expect(SEEN_NOTICE, 200), None),
    ("GET", "/joint/transfers/{notice_id}"): (expect(SEEN_NOTICE, 200, anonymous=303), None),
    ("POST", "/api/joint/transfers/{notice_id}/forward"): (
        expect({**SEEN_NOTICE, **dict.fromkeys(STAFF, 409)}, 403), fixed(audience="TLP:GREEN")),
    ("POST", "/api/joint/transfers/{notice_id}/dismiss"): (
        expect({**SEEN_NOTICE, **dict.fromkeys(STAFF, 409)}, 403), fixed(note="known")),
    ("POST", "/api/joint/transfers/{notice_id}/acknowledge"): (expect({**SEEN_NOTICE, OT: 200, PA: 200}, 403), None),
    ("POST", "/joint/transfers/{notice_id}/forward"): (
        expect({**SEEN_NOTICE, **dict.fromkeys(STAFF, 303)}, 403), fixed(audience="TLP:GREEN")),
    ("POST", "/joint/transfers/{notice_id}/dismiss"): (
        expect({**SEEN_NOTICE, **dict.fromkeys(STAFF, 303)}, 403), fixed(note="known")),
    ("POST", "/joint/transfers/{notice_id}/acknowledge"): (expect({**SEEN_NOTICE, OT: 303, PA: 303}, 403), None),
    # incidents: the Lab's triage team keeps them; AISI (notified) reads its share and acknowledges
    ("GET", "/api/incidents"): (expect({}, 200), None),
    ("POST", "/api/incidents"): (expect(dict.fromkeys(TRIAGE, 201), 403), _new_incident),
    ("GET", "/api/incidents/{incident_id}"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 200)}, 403), None),
    ("GET", "/api/incidents/{incident_id}/shared"): (expect(NOT_INCIDENT, 200), None),
    ("POST", "/api/incidents/{incident_id}/events"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 201)}, 403),
                                                      EVENT),
    ("POST", "/api/incidents/{incident_id}/status"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 200)}, 403),
                                                      fixed(status="contained")),
    ("POST", "/api/incidents/{incident_id}/organizations"): (
        expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 201)}, 403), _other),
    ("POST", "/api/incidents/{incident_id}/notifications"): (
        expect({**NOT_INCIDENT, **dict.fromkeys(STAFF, 201)}, 403), _notify),
    ("POST", "/api/incidents/{incident_id}/acknowledge"): (expect({**NOT_INCIDENT, PA: 200}, 403), _aisi),
    ("POST", "/api/incidents/{incident_id}/actions"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 201)}, 403),
                                                       fixed(description="Roll back")),
    ("POST", "/api/incidents/actions/{action_id}/done"): (
        expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 200)}, 403), None),
    ("POST", "/api/incidents/{incident_id}/labels"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 200)}, 403),
                                                      fixed(labels={"summary": "TLP:AMBER+STRICT"})),
    ("GET", "/incidents"): (expect({}, 200, anonymous=303), None),
    ("POST", "/incidents"): (expect({}, 303), _new_incident_form),
    ("GET", "/incidents/{incident_id}"): (expect(NOT_INCIDENT, 200, anonymous=303), None),
    ("POST", "/incidents/{incident_id}/events"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 303)}, 403),
                                                  EVENT),
    ("POST", "/incidents/{incident_id}/status"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 303)}, 403),
                                                  fixed(status="contained")),
    ("POST", "/incidents/{incident_id}/organizations"): (
        expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 303)}, 403), _other),
    ("POST", "/incidents/{incident_id}/notifications"): (
        expect({**NOT_INCIDENT, **dict.fromkeys(STAFF, 303)}, 403), _notify),
    ("POST", "/incidents/{incident_id}/acknowledge"): (expect({**NOT_INCIDENT, PA: 303}, 403), _aisi),
    ("POST", "/incidents/{incident_id}/actions"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 303)}, 403),
                                                   fixed(description="Roll back")),
    ("POST", "/incidents/actions/{action_id}/done"): (expect({**NOT_INCIDENT, **dict.fromkeys(TRIAGE, 303)}, 403),
                                                      None),
}

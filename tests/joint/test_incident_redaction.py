"""The property for incidents: random per-field labels and hazard classes, each labelled field holding
a canary of its own (the timeline, affected organisations and actions too), shared for every audience
— the JSON view and the recipient's page — never show a field above the audience's label, and show
every field it may receive."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader

from redhive.disclosure import tlp
from redhive.incidents import service
from redhive.incidents.models import Incident, IncidentAction, IncidentEvent, IncidentOrganization

FIELDS = tlp.FIELDS["incident"]
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _canary(field: str) -> str:
    return f"CANARY-{field.upper().replace('_', '-')}-7Q"


def _detail(labels: dict[str, str], hazard: str) -> service.Detail:
    incident = Incident(id="i" * 32, org_id="o" * 32, system_id="s" * 32, title=_canary("title"),
                        summary=_canary("summary"), impact=_canary("impact"),
                        technical_details=_canary("technical_details"), severity=_canary("severity"),
                        hazard_class=hazard, status="open", labels=labels, detected_at=AT, created_at=AT, updated_at=AT)
    events = [IncidentEvent(id="e" * 32, incident_id=incident.id, at=AT, kind="note", text=_canary("timeline"),
                            recorded_at=AT)]
    orgs = [(IncidentOrganization(id="a" * 32, incident_id=incident.id, org_id="x" * 32, impact=_canary("affected"),
                                  added_at=AT), "Partner")]
    actions = [IncidentAction(id="c" * 32, incident_id=incident.id, description=_canary("actions"), created_at=AT)]
    return service.Detail(incident, events, orgs, [], actions, service.labels_of(incident), "Chatty")


PAGE = Environment(loader=FileSystemLoader("src/redhive/web/templates"), autoescape=True)


@settings(max_examples=200, deadline=None)
@given(labels=st.fixed_dictionaries({f: st.sampled_from(tlp.LABELS) for f in FIELDS}),
       hazard=st.sampled_from(("HZ0", "HZ1", "HZ2", "HZ3")), audience=st.sampled_from(tlp.LABELS))
def test_an_incident_never_shows_a_field_above_its_audience(labels: dict[str, str], hazard: str,
                                                           audience: str) -> None:
    detail = _detail(labels, hazard)
    effective = detail.labels
    view = service.share(detail, audience)
    as_json = json.dumps(view.as_dict())
    block = PAGE.get_template("incidents/shared.html").blocks["content"]
    page = "".join(block(PAGE.get_template("incidents/shared.html").new_context({
        "v": view, "note": None, "fields": FIELDS, "can_ack": False, "csrf_token": ""})))
    for field in FIELDS:
        allowed = tlp.may_receive(audience, effective[field])
        for rendered in (as_json, page):
            assert (_canary(field) in rendered) == allowed, (field, effective[field], audience)
        if hazard in ("HZ2", "HZ3") and field in tlp.PAYLOAD["incident"]:
            assert tlp.rank(effective[field]) >= tlp.rank(tlp.AMBER_STRICT)

"""The Must-show property: random findings with random per-field labels and hazard classes, each
labelled field holding canaries of its own, rendered for every audience in every format built so
far — the platform's JSON, CSV, AVID, CSAF 2.0, a mission's red-team report (HTML, JSON and the
PDF's extracted text), and the API's shared views — never show a field
above the audience's label (its canaries are absent); the JSON and the API views show every field
the audience may receive. Every CSAF document validates against the official schema, every AVID
report against avidtools' models and every JSON export against its published schema."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from tests.disclosure.formats import check_avid, check_csaf, check_export
from tests.disclosure.pdf_text import joined, need_pdf
from tests.disclosure.property_cases import AT, LABELS, Case, build, cases, leaks, missing
from tests.disclosure.world import lab
from tests.platform_fixtures import Platform

from redhive.disclosure import tlp
from redhive.disclosure.redaction import share_flaw, share_report
from redhive.findings.exports import FORMATS, Exported, Product, render
from redhive.findings.models import Flaw, FlawReport, Remediation
from redhive.orgs.models import Organization
from redhive.reports import audience as mission_report

EXPORT_AUDIENCES = LABELS[:-1]  # TLP:RED never leaves in a file
MISSION = mission_report.MissionInfo(id="4" * 32, title="Pre-release evaluation", organisation="Lab", status="active",
                                     period="open-ended", risk_areas=["jailbreak"], languages=["en"], regions=["EU"],
                                     disciplines=["security"])


def _ids() -> Iterator[str]:
    return (uuid.uuid4().hex for _ in itertools.count())


@settings(max_examples=150, deadline=None)
@given(case=cases)
def test_renderings_never_show_a_field_above_the_audience(case: Case) -> None:
    org = Organization(id="1" * 32, name="Lab", name_key="lab", kind="developer", description="", created_at=AT)
    flaws, reports, fixes = build(case, org_id=org.id, system_id="2" * 32, version_id="3" * 32, ids=_ids())
    product = Product("3" * 32, "Chatty v1")
    for audience in LABELS:
        items = [Exported(flaw=share_flaw(f, audience, [r for r in fixes if r.flaw_id == f.id]),
                          reports=[share_report(r, audience) for r in reports if r.flaw_id == f.id],
                          system="Chatty", system_kind="Model", affected=[product], fixed=[]) for f in flaws]
        views = json.dumps([i.flaw.as_dict() for i in items] + [r.as_dict() for i in items for r in i.reports])
        assert not leaks(case, views, audience) and not missing(case, views, audience)
        for item in items:  # severity holds no canary: its withholding is checked by shape
            if item.flaw.withheld.get("severity"):
                assert item.flaw.as_dict()["fields"]["severity"] == {"withheld": item.flaw.withheld["severity"]}
        if audience not in EXPORT_AUDIENCES:
            continue
        for fmt in FORMATS:
            _media, body = render(fmt, items, org, audience, AT)
            assert not leaks(case, body, audience), (fmt, audience, leaks(case, body, audience))
            if fmt == "json":
                check_export(json.loads(body))
                assert not missing(case, body, audience)
            elif fmt == "csaf":
                check_csaf(json.loads(body))
            elif fmt == "avid":
                check_avid(json.loads(body))
        report = mission_report.build(MISSION, items, audience, AT)
        for fmt in mission_report.TEXT_FORMATS:
            body = mission_report.render(fmt, report)
            assert not leaks(case, body, audience), (f"report {fmt}", audience, leaks(case, body, audience))


def _items(flaws: list[Flaw], reports: list[FlawReport], fixes: list[Remediation], audience: str) -> list[Exported]:
    return [Exported(flaw=share_flaw(f, audience, [r for r in fixes if r.flaw_id == f.id]),
                     reports=[share_report(r, audience) for r in reports if r.flaw_id == f.id],
                     system="Chatty", system_kind="Model", affected=[Product("3" * 32, "Chatty v1")], fixed=[])
            for f in flaws]


# WeasyPrint takes about a second a report on a busy 2-core machine, so the PDF gets fewer examples
# than the text formats (each example renders one PDF per export audience: about 50 s in all).
@settings(max_examples=10, deadline=None)
@given(case=cases)
def test_pdf_text_never_shows_a_field_above_the_audience(case: Case) -> None:
    need_pdf()
    records = build(case, org_id="1" * 32, system_id="2" * 32, version_id="3" * 32, ids=_ids())
    for audience in EXPORT_AUDIENCES:
        text = joined(mission_report.document("pdf", mission_report.build(MISSION, _items(*records, audience),
                                                                          audience, AT)))
        assert not leaks(case, text, audience), ("report pdf", audience, leaks(case, text, audience))
        # the PDF is not empty of what the audience may see: every finding's title it may receive is there
        for flaw, _reports in case.flaws:
            if tlp.may_receive(audience, flaw.expected("title")):
                assert all(t in text for t in flaw.canaries["title"]), (audience, flaw.canaries["title"])


async def test_api_and_exports_never_show_a_field_above_the_audience(platform: Platform) -> None:
    """The same property through the database, the services and HTTP: the shared views
    (`/api/disclosure/...`) and the export endpoint in every format, as the owning organisation's
    coordinator asks for each audience."""
    w = await lab(platform)
    coord = w.clients["coordinator"]
    loop = asyncio.get_running_loop()

    async def render_all(case: Case, objects: list[tuple[str, str]]) -> None:
        for audience in LABELS:
            views = []
            for kind, object_id in objects:
                r = await coord.get(f"/api/disclosure/{kind}/{object_id}", params={"audience": audience})
                assert r.status_code == 200, r.text
                assert not leaks(case, r.text, audience), (kind, audience, leaks(case, r.text, audience))
                views.append(r.text)
            assert not missing(case, "\n".join(views), audience)
            if audience not in EXPORT_AUDIENCES:
                continue
            for fmt in FORMATS:
                r = await coord.get(f"/api/findings/orgs/{w.org.id}/export", params={"format": fmt,
                                                                                    "audience": audience})
                assert r.status_code == 200, r.text
                assert not leaks(case, r.text, audience), (fmt, audience, leaks(case, r.text, audience))
                if fmt == "csaf":
                    check_csaf(json.loads(r.text))
                elif fmt == "avid":
                    check_avid(json.loads(r.text))
                elif fmt == "json":
                    check_export(json.loads(r.text))
                    assert not missing(case, r.text, audience)

    async def check(case: Case) -> None:
        flaws, reports, fixes = build(case, org_id=w.org.id, system_id=w.system.id, version_id=w.version.id,
                                      ids=_ids())
        async with platform.session() as session:
            session.add_all(flaws)
            await session.flush()
            session.add_all([*reports, *fixes])
        try:
            await render_all(case, [("flaws", f.id) for f in flaws] + [("reports", r.id) for r in reports])
        finally:  # the next example starts from an empty organisation
            async with platform.session() as session:
                for obj in [*fixes, *reports, *flaws]:
                    await session.delete(await session.get(type(obj), obj.id))

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(case=cases)
    def run(case: Case) -> None:
        asyncio.run_coroutine_threadsafe(check(case), loop).result(timeout=120)

    await asyncio.to_thread(run)

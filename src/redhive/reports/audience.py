"""A red-team report of one mission or one system, optionally for a period, for one audience
(issue 14 point 3): executive summary,
methodology, attack success with Wilson intervals by risk area, findings by severity with their
mitigation and re-test status — as JSON, one self-contained, autoescaped HTML file, or that same
HTML laid out as A4 PDF pages (`redhive.reports.pdf`).

Everything labelled comes from `redhive.disclosure.redaction`'s `Shared` records (the findings
exports' loader builds them before this module sees anything), so a field above the audience's
label is never read here, let alone printed; a number derived from a field (a success rate, a
severity count) is counted only where that field is shown. The mission's own title and plan (a
system's name, and the plans of the missions its flaws were found in) are not labelled: they head
every audience's report. `build` and `document` take any `MissionInfo` heading and any `Exported`
records, so a report over other scopes reuses them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive import __version__
from redhive.audit.service import record
from redhive.auth.permissions import Actor, has_permission, require_user
from redhive.disclosure import signoff, tlp
from redhive.disclosure.redaction import Shared, parse_audience
from redhive.engine.stats import wilson_interval
from redhive.errors import Conflict, InvalidInput, NotFound
from redhive.findings.exports import Exported, load
from redhive.findings.models import Flaw
from redhive.kit import utcnow
from redhive.missions.models import Mission
from redhive.orgs.models import AISystem, Organization
from redhive.reports.templating import report_environment

__all__ = ["FORMATS", "SCHEMA_ID", "TEXT_FORMATS", "MissionInfo", "Scope", "audience_report", "build",
           "check_mission_report", "document", "mission_info", "mission_report", "parse_scope", "render",
           "sign_off"]

FORMATS = ("html", "pdf", "json")
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "json": "application/json"}
TEXT_FORMATS = ("html", "json")
SCHEMA_ID = "urn:redhive:schema:mission-report:1"
BANDS = ("S0", "S1", "S2", "S3", "S4")
#: A flaw's state as its re-test status (the state is in every record's envelope).
RETEST = {"fix_ready": "awaiting re-test", "retesting": "re-testing", "resolved": "re-test passed",
          "partially_mitigated": "re-test: partially mitigated", "regressed": "regressed after a fix"}


@dataclass(frozen=True)
class MissionInfo:
    """The report's heading: the mission (or the system, `kind="system"`) it covers, unlabelled."""

    id: str
    title: str
    organisation: str
    status: str
    period: str
    risk_areas: list[str]
    languages: list[str]
    regions: list[str]
    disciplines: list[str]
    kind: str = "mission"


@dataclass(frozen=True)
class Scope:
    """What a report covers: one mission or one system; with `since`/`until`, only the flaws found
    (created) on those days, both included."""

    mission_id: str | None = None
    system_id: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def kind(self) -> str:
        return "mission" if self.mission_id is not None else "system"

    @property
    def ident(self) -> str:
        return str(self.mission_id if self.mission_id is not None else self.system_id)

    def found(self) -> tuple[datetime | None, datetime | None]:
        """[start of `since`, start of the day after `until`) in UTC."""
        return (datetime.combine(self.since, time(), UTC) if self.since else None,
                datetime.combine(self.until + timedelta(days=1), time(), UTC) if self.until else None)

    def period(self) -> str | None:
        if self.since is None and self.until is None:
            return None
        return (f"flaws found {self.since.isoformat() if self.since else 'from the start'} to "
                f"{self.until.isoformat() if self.until else 'today'}")


def _day(value: str | None, option: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{option} {value!r} is not a date: give it as YYYY-MM-DD.", field=option) from None


def parse_scope(mission_id: str | None, system_id: str | None, since: str | None = None,
                until: str | None = None) -> Scope:
    """A scope from what a user typed: exactly one of a mission and a system, and an optional period."""
    mission_id, system_id = (mission_id or "").strip() or None, (system_id or "").strip() or None
    if (mission_id is None) == (system_id is None):
        raise InvalidInput("A report covers one mission or one system: give exactly one of them.", field="scope")
    scope = Scope(mission_id, system_id, _day(since, "--since"), _day(until, "--until"))
    if scope.since and scope.until and scope.since > scope.until:
        raise InvalidInput(f"--since {scope.since} is after --until {scope.until}: the period would be empty.",
                           field="since")
    return scope


def _rate(successes: int, trials: int) -> dict[str, Any]:
    low, high = wilson_interval(successes, trials)
    return {"successes": successes, "trials": trials, "rate": round(successes / trials, 4) if trials else None,
            "ci95": [round(low, 4), round(high, 4)]}


def _counts(rows: list[tuple[Shared, dict[str, Any] | None]]) -> tuple[list[dict[str, Any]], int]:
    """Pooled successes / trials per risk area (taxonomy entry) of the records whose taxonomy and
    numbers (reproducibility, reliability) are both shown; and how many were left out because one
    was withheld."""
    pooled: dict[str, list[int]] = {}
    left_out = 0
    for shared, values in rows:
        if "taxonomy" not in shared.fields or not values or not isinstance(values.get("trials"), int):
            left_out += 1
            continue
        for area in shared.fields["taxonomy"] or ["unclassified"]:
            cell = pooled.setdefault(str(area), [0, 0])
            cell[0] += int(values.get("successes") or 0)
            cell[1] += int(values["trials"])
    return [{"risk_area": area, **_rate(s, n)} for area, (s, n) in sorted(pooled.items())], left_out


def _finding(item: Exported) -> dict[str, Any]:
    f = item.flaw
    severity = f.get("severity") if "severity" in f.fields else None
    return {"id": f.id, "title": f.title(), "tlp": f.label, "state": f.envelope["state"],
            "hazard_class": f.envelope["hazard_class"], "system": item.system,
            "band": (severity or {}).get("band") if "severity" in f.fields else {"withheld": f.withheld["severity"]},
            "taxonomy": f.fields["taxonomy"] if "taxonomy" in f.fields else {"withheld": f.withheld["taxonomy"]},
            "mitigation": (f.fields["remediation"] if "remediation" in f.fields
                           else {"withheld": f.withheld["remediation"]}),
            "retest": RETEST.get(str(f.envelope["state"]), "not yet re-tested"),
            "affected": [p.name for p in item.affected], "fixed": [p.name for p in item.fixed],
            "reports": len(item.reports)}


def _band_key(finding: dict[str, Any]) -> tuple[int, str]:
    band = finding["band"]
    return (BANDS.index(band) if isinstance(band, str) and band in BANDS else len(BANDS), finding["id"])


def build(mission: MissionInfo, items: Sequence[Exported], audience: str, now: datetime) -> dict[str, Any]:
    """The report as data: every labelled value taken from what `items` show the audience."""
    findings = sorted((_finding(i) for i in items), key=_band_key)
    reports = [r for i in items for r in i.reports]
    by_band = {band: sum(1 for f in findings if f["band"] == band) for band in BANDS}
    withheld_bands = sum(1 for f in findings if isinstance(f["band"], dict))
    unbanded = sum(1 for f in findings if f["band"] is None)
    suites: set[str] = set()
    attacks: set[str] = set()
    packets_withheld = 0
    for r in reports:
        if "replication" not in r.fields:
            packets_withheld += 1
            continue
        packet = r.fields["replication"] or {}
        suites.update(str(packet[k]) for k in ("suite",) if packet.get(k))
        attacks.update(str(packet[k]) for k in ("attack",) if packet.get(k))
    reported, reported_left_out = _counts([(r, r.get("reproducibility")) for r in reports])
    replayed, replayed_left_out = _counts([(i.flaw, i.flaw.get("reliability")) for i in items])
    label = tlp.most_restrictive(label for i in items for shared in (i.flaw, *i.reports)
                                 for label in shared.shown_labels.values())
    resolved = sum(1 for f in findings if f["state"] == "resolved")
    in_retest = sum(1 for f in findings if f["state"] in ("fix_ready", "retesting", "partially_mitigated"))
    systems = sorted({i.system for i in items})
    summary = (f"{len(findings)} validated flaw(s) from {len(reports)} report(s)"
               f"{' on ' + ', '.join(systems) if systems else ''}: "
               f"{resolved} resolved, {in_retest} awaiting or in re-test, {len(findings) - resolved - in_retest} open.")
    return {
        "$schema": SCHEMA_ID, "schema_version": 1, "generated_at": now.isoformat(),
        "generator": f"redhive {__version__}",
        "audience": audience, "tlp": label, "mission": asdict(mission),
        "executive_summary": {"text": summary, "flaws": len(findings), "reports": len(reports), "resolved": resolved,
                              "in_retest": in_retest, "by_severity": by_band, "severity_withheld": withheld_bands,
                              "severity_unassessed": unbanded, "systems": systems},
        "methodology": {"risk_areas": mission.risk_areas, "languages": mission.languages, "regions": mission.regions,
                        "disciplines": mission.disciplines, "suites": sorted(suites), "attacks": sorted(attacks),
                        "replication_withheld": packets_withheld},
        "attack_success": {"reported": reported, "reported_left_out": reported_left_out,
                           "replayed": replayed, "replayed_left_out": replayed_left_out},
        "findings": findings,
    }


def _unknown(fmt: str) -> InvalidInput:
    return InvalidInput(f"Unknown report format {fmt!r}: choose html, pdf or json.", field="format")


def render(fmt: str, data: dict[str, Any]) -> str:
    """The report as text: json, or html (self-contained)."""
    if fmt == "json":
        return json.dumps(data, indent=2)
    if fmt == "html":
        return report_environment().get_template("audience_report.html.j2").render(r=data)
    raise _unknown(fmt)


def document(fmt: str, data: dict[str, Any]) -> bytes:
    """The report's file in any of FORMATS; the PDF is the HTML laid out in pages, never a second
    rendering of the data."""
    if fmt == "pdf":
        from redhive.reports.pdf import html_to_pdf

        return html_to_pdf(render("html", data))
    return render(fmt, data).encode("utf-8")


def _keys(weights: dict[str, Any] | None) -> list[str]:
    return sorted(weights or {})


async def mission_report(session: AsyncSession, actor: Actor, mission_id: str, audience: str, fmt: str) -> bytes:
    """The mission's report for `audience` in `fmt` (see `audience_report`)."""
    return await audience_report(session, actor, Scope(mission_id=mission_id), audience, fmt)


async def check_mission_report(session: AsyncSession, actor: Actor, mission_id: str, audience: str,
                               fmt: str) -> tuple[MissionInfo, str, str]:
    """The mission's heading, its organisation and the parsed audience, once the actor may have its
    report in `fmt`: what a report build as a job checks before it is queued. A job keeps its file
    as text, so a job builds HTML or JSON."""
    audience = parse_audience(audience, export=True)
    if fmt not in TEXT_FORMATS:
        raise InvalidInput(f"Unknown report format {fmt!r} for a report build: choose html or json (a PDF comes "
                           "from `redhive report --format pdf` or the page /disclosure/report).", field="format")
    p = await _prepare(session, actor, Scope(mission_id=mission_id), audience)
    return p.info, p.org_id, audience


async def _mission_heading(session: AsyncSession, mission_id: str) -> tuple[MissionInfo, str] | None:
    mission = await session.get(Mission, mission_id)
    if mission is None:
        return None
    return await mission_info(session, mission), mission.org_id


async def mission_info(session: AsyncSession, mission: Mission) -> MissionInfo:
    """The mission's unlabelled plan, as it heads every audience's report."""
    org = await session.get(Organization, mission.org_id)
    period = " to ".join(d.isoformat() for d in (mission.starts_on, mission.ends_on) if d) or "open-ended"
    return MissionInfo(id=mission.id, title=mission.title, organisation=org.name if org else mission.org_id,
                       status=mission.status, period=period, risk_areas=_keys(mission.risk_areas),
                       languages=_keys(mission.languages), regions=_keys(mission.regions),
                       disciplines=_keys(mission.disciplines))


async def _system_heading(session: AsyncSession, scope: Scope) -> tuple[MissionInfo, str] | None:
    """A system's heading; its methodology is the union of the plans of the missions its flaws (in
    the period) were found in."""
    system = await session.get(AISystem, scope.system_id)
    if system is None:
        return None
    org = await session.get(Organization, system.org_id)
    since, until = scope.found()
    query = select(Flaw.mission_id).where(Flaw.system_id == system.id, Flaw.mission_id.is_not(None))
    if since is not None:
        query = query.where(Flaw.created_at >= since)
    if until is not None:
        query = query.where(Flaw.created_at < until)
    missions = (await session.scalars(select(Mission).where(Mission.id.in_(query)))).all()

    def union(attr: str) -> list[str]:
        return sorted({k for m in missions for k in (getattr(m, attr) or {})})

    return MissionInfo(id=system.id, title=system.name, organisation=org.name if org else system.org_id,
                       status=system.kind, period="all findings", risk_areas=union("risk_areas"),
                       languages=union("languages"), regions=union("regions"), disciplines=union("disciplines"),
                       kind="system"), system.org_id


@dataclass
class _Prepared:
    info: MissionInfo
    org_id: str
    items: list[Exported]
    signers: list[signoff.Signer]


async def _prepare(session: AsyncSession, actor: Actor, scope: Scope, audience: str) -> _Prepared:
    """The heading and the records of `scope` for `audience`. Those who see the owner's findings may
    ask; so may a regulator that must sign off the public version, for that version only. The
    public version leaves restricted hazard findings out altogether."""
    require_user(actor)
    found = (await _mission_heading(session, scope.ident) if scope.mission_id is not None
             else await _system_heading(session, scope))
    public = audience == tlp.CLEAR
    needed = await signoff.signers(session, found[1], scope.kind, scope.ident) if found and public else []
    if found is None or not (has_permission(actor, "findings.view", found[1])
                             or signoff.may_sign(actor, [s for s in needed if s.role == "regulator"])):
        raise NotFound(f"There is no {scope.kind} {scope.ident} whose findings you can see: check the id "
                       f"(the address of its page, /{scope.kind}s/ID) and that you triage its organisation's "
                       "findings.")
    info, org_id = found
    if scope.period():
        info = replace(info, period=f"{info.period}; {scope.period()}")
    items = await load(session, actor, org_id, audience, mission_id=scope.mission_id, system_id=scope.system_id,
                       found=scope.found())
    if public:
        items = [i for i in items if not i.flaw.envelope.get("restricted")]
    return _Prepared(info, org_id, items, needed)


def _signoffs(rows: Sequence[Any], needed: Sequence[signoff.Signer]) -> list[dict[str, Any]]:
    names = {s.org_id: s.name for s in needed}
    return [{"organisation": names.get(r.signer_org_id, r.signer_org_id), "role": r.role,
             "at": r.created_at.isoformat()} for r in rows]


async def audience_report(session: AsyncSession, actor: Actor, scope: Scope, audience: str, fmt: str, *,
                          draft: bool = False) -> bytes:
    """The report of a mission or a system (of the flaws found in a period, if the scope has one) for
    `audience` in `fmt`, for whoever sees the owning organisation's findings; audited like an
    export (`disclosure.reported`). TLP:RED never goes into a file. The public (TLP:CLEAR) version
    is released only when signed off (D39); before that, `draft` gives it marked as a draft for
    those who review it."""
    audience = parse_audience(audience, export=True)
    if fmt not in FORMATS:
        raise _unknown(fmt)
    if draft and audience != tlp.CLEAR:
        raise InvalidInput("A draft is of the public (TLP:CLEAR) version only: the other audiences need no "
                           "sign-off.", field="draft")
    p = await _prepare(session, actor, scope, audience)
    data = build(p.info, p.items, audience, utcnow())
    if audience == tlp.CLEAR:
        content = signoff.digest(data)
        rows = await signoff.signed(session, p.org_id, scope.kind, scope.ident, (scope.since, scope.until), content)
        lacking = signoff.missing(p.signers, rows)
        if lacking and not draft:
            names = " and ".join(f"{s.name} ({s.role})" for s in lacking)
            raise Conflict(f"The public (TLP:CLEAR) version of this report cannot be released until {names} "
                           "sign it off: their admins or coordinators review it (--draft) and sign it off "
                           "(`redhive disclosure signoff`, or the page /disclosure/report).")
        data["release"] = {"status": "draft" if lacking else "signed off", "digest": content,
                           "signoffs": _signoffs(rows, p.signers),
                           "awaiting": [{"organisation": s.name, "role": s.role} for s in lacking]}
    await record(session, actor, "disclosure.reported", object_type=p.info.kind, object_id=p.info.id,
                 org_id=p.org_id,
                 after={"format": fmt, "audience": audience, "flaws": [i.flaw.id for i in p.items],
                        **({"since": scope.since.isoformat()} if scope.since else {}),
                        **({"until": scope.until.isoformat()} if scope.until else {}),
                        **({"release": data["release"]["status"]} if "release" in data else {})})
    return document(fmt, data)


async def sign_off(session: AsyncSession, actor: Actor, scope: Scope, note: str = "") -> list[dict[str, Any]]:
    """Sign off the public version of `scope`'s report as it reads now, for each organisation that
    must sign it and the actor signs for; what is still awaited is in the answer."""
    p = await _prepare(session, actor, scope, tlp.CLEAR)
    content = signoff.digest(build(p.info, p.items, tlp.CLEAR, utcnow()))
    period = (scope.since, scope.until)
    await signoff.sign(session, actor, p.signers, owner_org_id=p.org_id, scope_type=scope.kind, scope_id=scope.ident,
                       period=period, content=content, note=note, now=utcnow())
    rows = await signoff.signed(session, p.org_id, scope.kind, scope.ident, period, content)
    return [*({"status": "signed off", **row} for row in _signoffs(rows, p.signers)),
            *({"status": "awaiting", "organisation": s.name, "role": s.role}
              for s in signoff.missing(p.signers, rows))]

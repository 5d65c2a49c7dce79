"""Exports of an organisation's flaws for one audience (the platform's JSON, CSV, AVID reports,
CSAF 2.0) and per-member quality metrics (validity rate, novelty, impact) — flaw-management.md
§2.3, §2.9 and §5.6.

Every format renders only what `redhive.disclosure.redaction` let through for the audience: the
loader turns each flaw and each of its reports into a `Shared` before any renderer runs, and the
renderers read nothing else, so a field above the audience's label cannot reach a file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive import __version__
from redhive.audit.service import record
from redhive.auth.permissions import Actor, require
from redhive.disclosure import tlp
from redhive.disclosure.redaction import Shared, parse_audience, share_flaw, share_report
from redhive.errors import InvalidInput, RedhiveError
from redhive.findings import csaf_checks
from redhive.findings.models import Flaw, FlawReport, Remediation
from redhive.findings.restriction import visible
from redhive.findings.severity import BAND_NAMES, BAND_WEIGHT
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Organization, SystemVersion
from redhive.taxonomy import AVID_SEP

__all__ = ["CSV_COLUMNS", "DEFAULT_AUDIENCE", "FORMATS", "JSON_SCHEMA_ID", "CsafInvalid", "Exported", "Product",
           "avid_report", "checked_csaf", "csaf_document", "export_flaws", "export_json", "load", "member_metrics",
           "render"]

FORMATS = ("json", "csv", "avid", "csaf")
#: The organisation's own audience: what leaves for anyone else is asked for by name.
DEFAULT_AUDIENCE = tlp.AMBER_STRICT
#: The platform's export format; its JSON Schema is docs/schemas/findings-export-1.json.
JSON_SCHEMA_ID = "urn:redhive:schema:findings-export:1"
CSV_COLUMNS = ("id", "title", "state", "band", "defectdojo_severity", "vrt_priority", "priority", "taxonomy",
               "hazard_class", "restricted", "successes", "trials", "system", "tlp")
#: CSAF 2.0 knows the TLP 1 labels; TLP:AMBER+STRICT is stated in the distribution text as well.
CSAF_TLP = {tlp.CLEAR: "WHITE", tlp.GREEN: "GREEN", tlp.AMBER: "AMBER", tlp.AMBER_STRICT: "AMBER", tlp.RED: "RED"}
_REPORT_NOTES = ("description", "policy_violated", "impacts", "steps", "attack_prompts", "evidence", "replication",
                 "reproducibility")


@dataclass(frozen=True)
class Product:
    """A system version as CSAF names it (its id is the version's id)."""

    id: str
    name: str


@dataclass(frozen=True)
class Exported:
    """One flaw and its reports as the audience may see them, with where they were found."""

    flaw: Shared
    reports: list[Shared]
    system: str
    system_kind: str
    affected: list[Product]
    fixed: list[Product]


def _withheld(shared: Shared, field: str) -> str:
    return f"[withheld {shared.withheld[field]}]"


# --- the platform's JSON --------------------------------------------------------------------

def export_json(items: Sequence[Exported], org: str, audience: str, now: datetime) -> dict[str, Any]:
    return {"$schema": JSON_SCHEMA_ID, "schema_version": 1, "organisation": org, "audience": audience,
            "tlp": tlp.most_restrictive([i.flaw.label for i in items] + [r.label for i in items for r in i.reports]),
            "generated_at": now.isoformat(),
            "flaws": [{**i.flaw.as_dict(), "system": i.system, "affected": [p.name for p in i.affected],
                       "fixed": [p.name for p in i.fixed], "reports": [r.as_dict() for r in i.reports]}
                      for i in items]}


# --- CSV --------------------------------------------------------------------------------------

def _csv(items: Sequence[Exported]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for i in items:
        f = i.flaw
        severity = f.get("severity") or {}
        reliability = f.get("reliability") or {}
        hidden_sev = "" if "severity" in f.fields else _withheld(f, "severity")
        hidden_rel = "" if "reliability" in f.fields else _withheld(f, "reliability")
        writer.writerow({
            "id": f.id, "title": f.title(), "state": f.envelope["state"],
            "band": severity.get("band") or hidden_sev,
            "defectdojo_severity": severity.get("defectdojo") or hidden_sev,
            "vrt_priority": severity.get("vrt_priority") or hidden_sev,
            "priority": severity.get("priority", hidden_sev),
            "taxonomy": " ".join(f.fields["taxonomy"]) if "taxonomy" in f.fields else _withheld(f, "taxonomy"),
            "hazard_class": f.envelope["hazard_class"], "restricted": f.envelope["restricted"],
            "successes": reliability.get("successes", hidden_rel), "trials": reliability.get("trials", hidden_rel),
            "system": i.system, "tlp": f.label})
    return out.getvalue()


# --- AVID ---------------------------------------------------------------------------------------

def avid_report(item: Exported, developer: str) -> dict[str, Any]:
    """One flaw as an AVID Report (avidtools 0.3.2 data model): SEP codes with their labels."""
    f = item.flaw
    rel = f.get("reliability") or {}
    metrics = [{"name": "attack success rate", "detection_method": {"type": "Significance Test", "name": "Wilson 95 %"},
                "results": {"successes": rel.get("successes"), "trials": rel.get("trials"),
                            "ci95": [rel.get("low"), rel.get("high")]}}] if rel else []
    taxonomy = f.get("taxonomy") or []
    sep = [t for t in taxonomy if t in AVID_SEP]
    atlas = [t for t in taxonomy if t.startswith("AML.")]
    report: dict[str, Any] = {
        "data_type": "AVID", "data_version": "0.2", "metadata": {"report_id": f"redhive-{f.id}"},
        "affects": {"developer": [developer], "deployer": [developer],
                    "artifacts": [{"type": item.system_kind if item.system_kind in ("Model", "System", "Dataset")
                                   else "System", "name": item.system}]},
        "problemtype": {"classof": "LLM Evaluation", "type": "Issue", "description": {"lang": "eng",
                                                                                     "value": f.title()}},
        "metrics": metrics, "references": [],
        "description": {"lang": "eng", "value": f.get("root_cause") or f.title()},
        "credit": [], "reported_date": str(f.envelope["created_at"])[:10]}
    if "taxonomy" in f.fields:  # a withheld taxonomy maps to nothing
        report["impact"] = {
            "avid": {"risk_domain": sorted({"Security" if s[0] == "S" else "Ethics" if s[0] == "E" else "Performance"
                                            for s in sep}),
                     "sep_view": [f"{s}: {AVID_SEP[s]}" for s in sep], "lifecycle_view": ["L06: Deployment"],
                     "taxonomy_version": "0.2"},
            "atlas": [{"technique": t} for t in atlas]}
    return report


# --- CSAF 2.0 -------------------------------------------------------------------------------------

def _notes(item: Exported) -> list[dict[str, str]]:
    f = item.flaw
    notes = [{"category": "summary", "title": "Summary", "text": f.title()}]
    if f.get("root_cause"):
        notes.append({"category": "description", "title": "Root cause", "text": str(f.fields["root_cause"])})
    if f.get("taxonomy"):
        notes.append({"category": "general", "title": "Taxonomy", "text": ", ".join(f.fields["taxonomy"])})
    severity = f.get("severity") or {}
    if severity.get("band"):
        notes.append({"category": "general", "title": "Severity (AI Flaw Severity)",
                      "text": f"{severity['band']} {BAND_NAMES.get(severity['band'], '')}".strip()})
    if f.withheld:
        notes.append({"category": "other", "title": "Withheld",
                      "text": "; ".join(f"{field} ({label})" for field, label in f.withheld.items())})
    for r in item.reports:
        for field in _REPORT_NOTES:
            value = r.get(field)
            if value:
                text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                notes.append({"category": "details", "title": f"Report {r.id}: {field}", "text": text})
    return notes


def _vulnerability(item: Exported, all_products: list[str]) -> dict[str, Any]:
    f = item.flaw
    fixed = [p.id for p in item.fixed]
    affected = [p.id for p in item.affected if p.id not in fixed]
    status: dict[str, list[str]] = {}
    if affected:
        status["known_affected"] = affected
    if fixed:
        status["fixed"] = fixed
    if not status:
        status["under_investigation"] = all_products
    vuln: dict[str, Any] = {"ids": [{"system_name": "redhive", "text": f.id}], "title": f.title(),
                            "notes": _notes(item), "product_status": status}
    if f.envelope.get("created_at"):
        vuln["discovery_date"] = f.envelope["created_at"]
    remediations = f.get("remediation") or []
    if remediations and (affected or fixed):
        vuln["remediations"] = [{"category": "vendor_fix" if fixed else "mitigation",
                                 "details": r.get("notes") or r["kind"].replace("_", " "),
                                 "product_ids": fixed or affected, **({"url": r["ticket_url"]}
                                                                      if r.get("ticket_url") else {})}
                                for r in remediations]
    return vuln


def csaf_document(items: Sequence[Exported], org: Organization, audience: str, now: datetime) -> dict[str, Any]:
    """One CSAF 2.0 security advisory with a vulnerability per flaw; the document's TLP is the most
    restrictive label among the fields it shows."""
    label = tlp.most_restrictive([i.flaw.label for i in items] + [r.label for i in items for r in i.reports])
    products: dict[str, str] = {}
    for i in items:
        for p in (*i.affected, *i.fixed):
            products[p.id] = p.name
    stamp = now.isoformat()
    return {
        "document": {
            "category": "csaf_security_advisory", "csaf_version": "2.0", "lang": "en",
            "title": f"{org.name}: AI flaws shared for {audience}",
            "publisher": {"category": "vendor", "name": org.name, "namespace": f"urn:redhive:org:{org.id}"},
            "distribution": {"tlp": {"label": CSAF_TLP[label], "url": "https://www.first.org/tlp/"},
                             "text": f"{label} (TLP 2.0). Exported by redhive for the audience {audience}: fields "
                                     "labelled above it are withheld."},
            "notes": [{"category": "summary", "title": "Scope",
                       "text": f"{len(items)} flaw(s) of {org.name}, as {audience} may see them."}],
            "tracking": {"id": f"redhive-{org.id}-{now:%Y%m%dT%H%M%S}-{audience.split(':')[1].replace('+', '-')}",
                         "status": "final", "version": "1", "initial_release_date": stamp,
                         "current_release_date": stamp,
                         "revision_history": [{"date": stamp, "number": "1", "summary": "Exported by redhive."}],
                         "generator": {"engine": {"name": "redhive", "version": __version__}, "date": stamp}},
        },
        "product_tree": {"full_product_names": [{"name": name, "product_id": pid} for pid, name in products.items()]},
        "vulnerabilities": [_vulnerability(i, list(products)) for i in items],
    } if products else _csaf_without_products(items, org, audience, now, label)


def _csaf_without_products(items: Sequence[Exported], org: Organization, audience: str, now: datetime,
                           label: str) -> dict[str, Any]:
    """Nothing to report on (no flaw for this audience): a base document that says so."""
    stamp = now.isoformat()
    return {"document": {
        "category": "csaf_base", "csaf_version": "2.0", "lang": "en",
        "title": f"{org.name}: no AI flaws shared for {audience}",
        "publisher": {"category": "vendor", "name": org.name, "namespace": f"urn:redhive:org:{org.id}"},
        "distribution": {"tlp": {"label": CSAF_TLP[label], "url": "https://www.first.org/tlp/"}},
        "tracking": {"id": f"redhive-{org.id}-{now:%Y%m%dT%H%M%S}", "status": "final", "version": "1",
                     "initial_release_date": stamp, "current_release_date": stamp,
                     "revision_history": [{"date": stamp, "number": "1", "summary": "Exported by redhive."}]}}}


class CsafInvalid(RedhiveError):
    """An advisory failed a CSAF 2.0 mandatory test: a redhive bug, never handed out."""

    http_status = 500


def checked_csaf(document: dict[str, Any]) -> dict[str, Any]:
    """`document` once it passes every CSAF 2.0 mandatory test redhive implements (csaf_checks)."""
    problems = csaf_checks.failures(document)
    if problems:
        number, what = problems[0]
        raise CsafInvalid(f"The CSAF advisory failed CSAF 2.0 mandatory test {number} ({what}), so it was not "
                          "written: this is a redhive bug, please report it with the command you ran.")
    return document


# --- loading and dispatch -----------------------------------------------------------------------

def render(fmt: str, items: Sequence[Exported], org: Organization, audience: str, now: datetime) -> tuple[str, str]:
    """(media type, body) of `items` in `fmt` (json | csv | avid | csaf)."""
    if fmt == "json":
        return "application/json", json.dumps(export_json(items, org.name, audience, now), indent=2)
    if fmt == "csv":
        return "text/csv", _csv(items)
    if fmt == "avid":
        return "application/json", json.dumps([avid_report(i, org.name) for i in items], indent=2)
    if fmt == "csaf":
        return "application/json", json.dumps(checked_csaf(csaf_document(items, org, audience, now)), indent=2)
    raise InvalidInput(f"Unknown export format {fmt!r}: choose json, csv, avid or csaf.", field="format")


async def load(session: AsyncSession, actor: Actor, org_id: str, audience: str, *,
               mission_id: str | None = None, system_id: str | None = None,
               found: tuple[datetime | None, datetime | None] = (None, None)) -> list[Exported]:
    """The organisation's flaws (of one mission or one system, and found — created — within
    `found` = [from, to), if given) and their validated reports, as `audience` may see them: the
    only source of every export and of the reports for an audience."""
    query = select(Flaw).where(Flaw.org_id == org_id)
    if mission_id is not None:
        query = query.where(Flaw.mission_id == mission_id)
    if system_id is not None:
        query = query.where(Flaw.system_id == system_id)
    if found[0] is not None:
        query = query.where(Flaw.created_at >= found[0])
    if found[1] is not None:
        query = query.where(Flaw.created_at < found[1])
    flaws = await visible(session, actor, (await session.scalars(
        query.order_by(Flaw.priority.desc(), Flaw.created_at))).all())
    ids = [f.id for f in flaws]
    reports = await visible(session, actor, (await session.scalars(
        select(FlawReport).where(FlawReport.flaw_id.in_(ids), FlawReport.state.in_(("validated", "duplicate")))
        .order_by(FlawReport.created_at))).all())
    systems = {s.id: s for s in (await session.scalars(select(AISystem).where(AISystem.org_id == org_id))).all()}
    versions = {v.id: v for v in (await session.scalars(
        select(SystemVersion).where(SystemVersion.system_id.in_(list(systems))))).all()}
    fixes: dict[str, list[Remediation]] = {}
    for r in (await session.scalars(select(Remediation).where(Remediation.flaw_id.in_(ids))
                                    .order_by(Remediation.created_at))).all():
        fixes.setdefault(r.flaw_id, []).append(r)

    def product(version_id: str) -> Product:
        v = versions[version_id]
        return Product(v.id, f"{systems[v.system_id].name} {v.label}")

    out = []
    for f in flaws:
        mine = [r for r in reports if r.flaw_id == f.id]
        affected = list(dict.fromkeys(r.version_id for r in mine if r.version_id in versions))
        fixed = [f.fixed_version_id] if f.state == "resolved" and f.fixed_version_id in versions else []
        out.append(Exported(flaw=share_flaw(f, audience, fixes.get(f.id, [])),
                            reports=[share_report(r, audience) for r in mine], system=systems[f.system_id].name,
                            system_kind=systems[f.system_id].kind, affected=[product(v) for v in affected],
                            fixed=[product(v) for v in fixed if v]))
    return out


async def export_flaws(session: AsyncSession, actor: Actor, org_id: str, fmt: str,
                       audience: str = DEFAULT_AUDIENCE) -> tuple[str, str]:
    """(media type, body) for json | csv | avid | csaf, for `audience`. Restricted flaws appear only
    to those who may see them, and even then as TLP:RED throughout: never in a file."""
    require(actor, "findings.view", org_id)
    audience = parse_audience(audience, export=True)
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown export format {fmt!r}: choose json, csv, avid or csaf.", field="format")
    org = await session.get(Organization, org_id)
    assert org is not None  # require() passed: the actor belongs to it or is a platform admin
    items = await load(session, actor, org_id, audience)
    await record(session, actor, "disclosure.exported", object_type="organization", object_id=org_id, org_id=org_id,
                 after={"format": fmt, "audience": audience, "flaws": [i.flaw.id for i in items]})
    return render(fmt, items, org, audience, utcnow())


async def member_metrics(session: AsyncSession, actor: Actor, org_id: str) -> list[dict[str, Any]]:
    """Per reporter: validity rate (validated / closed), novelty (share of valid reports that founded
    a flaw rather than joining one) and impact (mean band weight of their valid findings, S0 = 5)."""
    require(actor, "findings.view", org_id)
    reports: Sequence[FlawReport] = (await session.scalars(select(FlawReport).where(FlawReport.org_id == org_id))).all()
    flaws = {f.id: f for f in (await session.scalars(select(Flaw).where(Flaw.org_id == org_id))).all()}
    founders: dict[str, str] = {}
    for r in sorted(reports, key=lambda r: r.created_at):
        if r.state == "validated" and r.flaw_id and r.flaw_id not in founders:
            founders[r.flaw_id] = r.id
    out = []
    for reporter in sorted({r.reporter_id for r in reports if r.reporter_id}):
        mine = [r for r in reports if r.reporter_id == reporter]
        closed = [r for r in mine if r.state not in ("draft", "submitted", "triage", "needs_info")]
        valid = [r for r in mine if r.state == "validated"]
        novel = [r for r in valid if r.flaw_id and founders.get(r.flaw_id) == r.id]
        weights = [BAND_WEIGHT[flaws[r.flaw_id].band or ""] for r in valid
                   if r.flaw_id in flaws and flaws[r.flaw_id].band]
        out.append({"reporter_id": reporter, "reports": len(mine), "closed": len(closed), "valid": len(valid),
                    "validity_rate": round(len(valid) / len(closed), 4) if closed else None,
                    "novelty": round(len(novel) / len(valid), 4) if valid else None,
                    "impact": round(sum(weights) / len(weights), 4) if weights else None})
    return out

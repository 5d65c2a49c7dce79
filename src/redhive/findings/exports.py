"""Exports of an organisation's flaws (JSON, CSV, AVID report format) and per-member quality
metrics (validity rate, novelty, impact) — flaw-management.md §2.3 and §5.6."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor, require
from redhive.findings.models import Flaw, FlawReport
from redhive.findings.restriction import visible
from redhive.findings.severity import BAND_WEIGHT, DEFECTDOJO, VRT_PRIORITY
from redhive.orgs.models import AISystem, Organization

__all__ = ["CSV_COLUMNS", "avid_report", "export_flaws", "flaw_record", "member_metrics"]

CSV_COLUMNS = ("id", "title", "state", "band", "defectdojo_severity", "vrt_priority", "priority", "taxonomy",
               "hazard_class", "restricted", "successes", "trials", "system")


def _title(flaw: Flaw) -> str:
    """A restricted flaw's title is payload: exports name only its class and domain (findings.restriction)."""
    if flaw.restricted:
        return f"Restricted hazard finding ({flaw.hazard_class}, {flaw.hazard_domain})"
    return flaw.title


def flaw_record(flaw: Flaw, system: str) -> dict[str, Any]:
    rel = flaw.reliability or {}
    return {"id": flaw.id, "title": _title(flaw), "state": flaw.state, "band": flaw.band,
            "defectdojo_severity": DEFECTDOJO.get(flaw.band or "", ""),
            "vrt_priority": VRT_PRIORITY.get(flaw.band or "", ""),
            "priority": flaw.priority, "taxonomy": list(flaw.taxonomy), "hazard_class": flaw.hazard_class,
            "restricted": flaw.restricted,
            "successes": rel.get("successes"), "trials": rel.get("trials"), "system": system}


def avid_report(flaw: Flaw, system: AISystem, developer: str) -> dict[str, Any]:
    """One flaw as an AVID Report (avidtools 0.3 data model)."""
    rel = flaw.reliability or {}
    sep = [t for t in flaw.taxonomy if t[:1] in "SEP" and t[1:].isdigit()]
    atlas = [t for t in flaw.taxonomy if t.startswith("AML.")]
    metrics = [{"name": "attack success rate", "detection_method": {"type": "Significance Test", "name": "Wilson 95 %"},
                "results": {"successes": rel.get("successes"), "trials": rel.get("trials"),
                            "ci95": [rel.get("low"), rel.get("high")]}}] if rel else []
    return {"data_type": "AVID", "data_version": "0.2", "metadata": {"report_id": f"redhive-{flaw.id}"},
            "affects": {"developer": [developer], "deployer": [developer],
                        "artifacts": [{"type": system.kind if system.kind in ("Model", "System", "Dataset")
                                       else "System", "name": system.name}]},
            "problemtype": {"classof": "LLM Evaluation", "type": "Issue", "description": {"lang": "eng",
                                                                                         "value": _title(flaw)}},
            "metrics": metrics, "references": [],
            "description": {"lang": "eng",
                            "value": _title(flaw) if flaw.restricted else flaw.root_cause or flaw.title},
            "impact": {"avid": {"risk_domain": sorted({"Security" if s[0] == "S" else "Ethics" if s[0] == "E"
                                                      else "Performance" for s in sep}),
                                "sep_view": sep, "lifecycle_view": ["L06: Deployment"], "taxonomy_version": "0.2"},
                       "atlas": [{"technique": t} for t in atlas]},
            "credit": [], "reported_date": flaw.created_at.date().isoformat()}


async def export_flaws(session: AsyncSession, actor: Actor, org_id: str, fmt: str) -> tuple[str, str]:
    """(media type, body) for json | csv | avid. Restricted flaws appear only to those who may see
    them, and even then without their payload (findings.restriction)."""
    require(actor, "findings.view", org_id)
    flaws = await visible(session, actor, (await session.scalars(
        select(Flaw).where(Flaw.org_id == org_id).order_by(Flaw.priority.desc(), Flaw.created_at))).all())
    systems = {s.id: s for s in (await session.scalars(select(AISystem).where(AISystem.org_id == org_id))).all()}
    org = await session.get(Organization, org_id)
    import json

    if fmt == "json":
        return "application/json", json.dumps([flaw_record(f, systems[f.system_id].name) for f in flaws], indent=2)
    if fmt == "avid":
        return "application/json", json.dumps([avid_report(f, systems[f.system_id], org.name if org else "")
                                               for f in flaws], indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for f in flaws:
            row = flaw_record(f, systems[f.system_id].name)
            writer.writerow({**row, "taxonomy": " ".join(row["taxonomy"])})
        return "text/csv", out.getvalue()
    from redhive.errors import InvalidInput

    raise InvalidInput(f"Unknown export format {fmt!r}: choose json, csv or avid.", field="format")


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

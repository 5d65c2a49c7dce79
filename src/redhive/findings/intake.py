"""Reports from files and from scans: the CLI's YAML report file (errors name the file and line, as
for suites) and drafts from a scan run — one draft per probe family (risk area × attack chain) with
successes, not one per attempt, citing its successful attempts as evidence."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.errors import NotFound, SuiteFileError
from redhive.findings import service
from redhive.findings.models import FlawReport
from redhive.findings.schemas import ReportCreate
from redhive.runs.models import Attempt, Run

__all__ = ["MAX_EVIDENCE_PER_DRAFT", "drafts_from_run", "load_report_file"]

MAX_EVIDENCE_PER_DRAFT = 20


def load_report_file(path: Path, **overrides: Any) -> ReportCreate:
    from redhive.engine.suites.loader import _line_of, _read_yaml

    data, root = _read_yaml(path)
    if not isinstance(data, dict):
        raise SuiteFileError(str(path), 1, "a report file is a mapping of fields (see docs/findings.md).")
    try:
        return ReportCreate.model_validate({**data, **{k: v for k, v in overrides.items() if v is not None}})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "this required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check its spelling against the report file schema in docs/findings.md)"
        field = ".".join(str(p) for p in loc) or "report"
        raise SuiteFileError(str(path), _line_of(root, loc), f"{field}: {msg}.") from None


def _probe_taxonomy(suite: str, probe_id: str) -> tuple[list[str], str, str]:
    from redhive.engine import load_suite

    try:
        probe = next(p for p in load_suite(suite).probes if p.id == probe_id)
    except Exception:  # the suite moved since the run: the draft just carries no taxonomy
        return [], "HZ0", probe_id
    return [probe.owasp, probe.atlas, *probe.avid], getattr(probe, "hazard", "HZ0") or "HZ0", probe.title


async def drafts_from_run(session: AsyncSession, actor: Actor, run_id: str, *, version_id: str,
                          mission_id: str | None = None) -> list[FlawReport]:
    run = await session.get(Run, run_id)
    if run is None:
        raise NotFound(f"There is no run {run_id}: list runs with `redhive runs list`.")
    attempts = (await session.scalars(select(Attempt).where(Attempt.run_id == run_id).order_by(Attempt.seq))).all()
    groups: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.risk_area, attempt.attack)].append(attempt)
    drafts = []
    for (area, attack), members in sorted(groups.items()):
        wins = [a for a in members if a.outcome == "success"]
        scored = [a for a in members if a.outcome in ("success", "refused", "resisted")]
        if not wins:
            continue
        first = wins[0]
        taxonomy, hazard, title = _probe_taxonomy(first.suite, first.probe_id)
        probes = sorted({a.probe_id for a in wins})
        data = ReportCreate(
            version_id=version_id, mission_id=mission_id,
            title=f"{area.replace('_', ' ').capitalize()} under {attack}: {len(wins)} of {len(scored)} attempts",
            description=(f"Scan {run_id} found {len(wins)} successful attempts of {len(scored)} scored in the "
                         f"{area} family with the attack chain {attack}, on probes {', '.join(probes)} "
                         f"(first: {title})."),
            attack_prompts="\n".join(dict.fromkeys(a.prompt for a in wins[:5])),
            taxonomy=[t for t in taxonomy if t],
            hazard_class=hazard if hazard in ("HZ0", "HZ1", "HZ2", "HZ3") else "HZ0",
            provenance="ai_generated",
            evidence=[f"attempt:{run_id}/{a.id}" for a in wins[:MAX_EVIDENCE_PER_DRAFT]],
            replication={"suite": first.suite, "probe_id": first.probe_id, "attack": attack},
            reproducibility={"trials": len(scored), "successes": len(wins), "sampling": "scan defaults"},
            submit=False)
        report, _ = await service.submit_report(session, actor, data=data)
        drafts.append(report)
    return drafts

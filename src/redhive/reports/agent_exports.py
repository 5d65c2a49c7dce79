"""Exports of an agent run's episodes (`redhive agent-runs export`): JSONL (one object per episode,
its hash-chained trace included), JUnit (an episode whose injection succeeded is a failure, an
errored episode an error) and SARIF 2.1.0 (one result per successful injection, one rule per
injection task). Streamed from the database, written atomically like the scan exports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive import __version__
from redhive.db.session import Database
from redhive.reports.exports import _attr, _open, xml_safe
from redhive.reports.sarif import SARIF_SCHEMA, _utc
from redhive.runs import agents as service
from redhive.runs.models import AgentEpisode

__all__ = ["write_agent_jsonl", "write_agent_junit", "write_agent_sarif"]

_FIELDS = ("id", "monitor_mode", "seq", "env", "user_task", "injection_task", "attack", "target", "repeat", "status",
           "utility", "injection_success", "steps", "duration_ms", "seal")


async def _episodes(session: AsyncSession, run_id: str) -> AsyncIterator[AgentEpisode]:
    await service.get_run(session, run_id)  # an unknown run is refused with one sentence
    query = (select(AgentEpisode).where(AgentEpisode.run_id == run_id)
             .order_by(AgentEpisode.seq, AgentEpisode.monitor_mode).execution_options(yield_per=200))
    result = await session.stream(query)
    async for episode in result.scalars():
        yield episode


def _name(e: AgentEpisode) -> str:
    return f"{e.user_task} × {e.injection_task or 'benign'} [{e.attack or 'none'}] #{e.repeat}"


async def write_agent_jsonl(db: Database, run_id: str, path: Path) -> int:
    count = 0
    async with db.session() as session:
        with _open(path) as handle:
            async for e in _episodes(session, run_id):
                row: dict[str, Any] = {"run_id": run_id, **{f: getattr(e, f) for f in _FIELDS}}
                row["created_at"] = e.created_at.isoformat()
                row["facts"], row["trace"] = e.facts, json.loads(e.trace)
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    return count


async def write_agent_junit(db: Database, run_id: str, path: Path) -> int:
    cases: list[str] = []
    failures = errors = 0
    async with db.session() as session:
        async for e in _episodes(session, run_id):
            case = (f'  <testcase classname={_attr(f"{e.target}.{e.env}.{e.monitor_mode}")} name={_attr(_name(e))} '
                    f'time="{e.duration_ms / 1000:.3f}">')
            if e.status == "error":
                errors += 1
                case += f"<error message={_attr(e.facts.get('error') or 'the episode failed')}/>"
            elif e.injection_success:
                failures += 1
                case += (f"<failure message={_attr(f'the injection {e.injection_task} succeeded ({e.attack})')}>"
                         f"{escape(xml_safe(f'status {e.status}, {e.steps} steps, utility {e.utility}'))}</failure>")
            case += f"<system-out>{escape(f'utility: {e.utility}; status: {e.status}; seal: {e.seal}')}</system-out>"
            cases.append(case + "</testcase>\n")
    with _open(path) as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        totals = f'tests="{len(cases)}" failures="{failures}" errors="{errors}"'
        handle.write(f'<testsuites name={_attr("redhive agent run " + run_id)} {totals}>\n')
        handle.write(f"<testsuite name={_attr(run_id)} {totals}>\n")
        handle.writelines(cases)
        handle.write("</testsuite>\n</testsuites>\n")
    return len(cases)


async def write_agent_sarif(db: Database, run_id: str, path: Path, *, artifact: str | None = None) -> int:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    async with db.session() as session:
        run = await service.get_run(session, run_id)
        async for e in _episodes(session, run_id):
            if not e.injection_success or not e.injection_task:
                continue
            rule = rules.setdefault(e.injection_task, {
                "id": e.injection_task, "name": e.injection_task,
                "shortDescription": {"text": f"Injection task {e.injection_task} ({e.env})"},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["redhive", "agentic", "prompt_injection", e.env]}})
            location: dict[str, Any] = {"logicalLocations": [{
                "name": e.user_task, "kind": "module", "fullyQualifiedName": f"{e.target}/{e.env}/{e.user_task}"}]}
            if artifact:
                location["physicalLocation"] = {"artifactLocation": {"uri": artifact}, "region": {"startLine": 1}}
            key = f"{e.target}\n{e.env}\n{e.user_task}\n{e.injection_task}\n{e.attack}\n{e.monitor_mode}"
            results.append({
                "ruleId": rule["id"], "ruleIndex": list(rules).index(rule["id"]), "kind": "fail", "level": "error",
                "message": {"text": f"{e.target} carried out the injected task {e.injection_task} ({e.attack} attack) "
                                    f"while doing {e.user_task} in {e.env} (monitor: {e.monitor_mode})."},
                "locations": [location],
                "partialFingerprints": {"redhive/agentInjection/v1": hashlib.sha256(key.encode()).hexdigest()},
                "properties": {"episodeId": e.id, "monitorMode": e.monitor_mode, "status": e.status,
                               "utility": e.utility, "steps": e.steps, "seal": e.seal, "repeat": e.repeat}})
    invocation: dict[str, Any] = {"executionSuccessful": run.status == "completed",
                                  "startTimeUtc": _utc(run.created_at)}
    if run.finished_at is not None:
        invocation["endTimeUtc"] = _utc(run.finished_at)
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "redhive", "version": __version__, "semanticVersion": __version__,
                            "rules": list(rules.values())}},
        "automationDetails": {"id": f"redhive-agent/{run_id}"}, "invocations": [invocation], "results": results,
        "properties": {"runId": run_id, "status": run.status, "planSize": run.plan_size}}]}
    with _open(path) as handle:
        json.dump(log, handle, ensure_ascii=False, indent=1)
    return len(results)

"""SARIF 2.1.0 for a run (what GitHub code scanning and other SARIF viewers read).

One rule per probe; one result per attempt that found a flaw: an attack that succeeded is an
`error`, a harmless control the model refused (over-refusal) a `warning`. Attempts that errored or
could not be scored are the invocation's notifications, never results (they are neither a pass nor
a fail). A model is no source file, so results carry a logical location (target / suite / probe);
`artifact`, when given, is the repository file they are shown against (GitHub code scanning lists
only results with a file location: name the suite or the model's configuration).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redhive import __version__
from redhive.db.session import Database
from redhive.reports.exports import _open
from redhive.runs import service
from redhive.runs.models import Attempt

__all__ = ["SARIF_SCHEMA", "write_sarif"]

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_EXCERPT = 2000  # characters of prompt and answer kept with each result


async def write_sarif(db: Database, run_id: str, path: Path, *, artifact: str | None = None) -> int:
    """Write the run as one SARIF log; returns the number of results."""
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    async with db.session() as session:
        run = await service.get_run(session, run_id)
        async for attempt in service.iter_attempts(session, run_id):
            if attempt.probe_id not in rules:
                rules[attempt.probe_id] = _rule(attempt)
            if attempt.outcome == "success":
                results.append(_result(attempt, list(rules).index(attempt.probe_id), artifact))
            elif attempt.outcome in ("error", "unscorable"):
                notifications.append({
                    "level": "error" if attempt.outcome == "error" else "note",
                    "message": {"text": f"{attempt.outcome}: {attempt.error or attempt.outcome} "
                                        f"({attempt.probe_id} [{attempt.attack}] on {attempt.target})"},
                    "descriptor": {"id": attempt.outcome}})
    invocation: dict[str, Any] = {"executionSuccessful": run.status == "completed",
                                  "startTimeUtc": _utc(run.created_at),
                                  "toolExecutionNotifications": notifications}
    if run.finished_at is not None:
        invocation["endTimeUtc"] = _utc(run.finished_at)
    log = {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "redhive", "version": __version__, "semanticVersion": __version__,
                                "rules": list(rules.values())}},
            "automationDetails": {"id": f"redhive/{run_id}"},
            "invocations": [invocation],
            "results": results,
            "properties": {"runId": run_id, "status": run.status, "planSize": run.plan_size},
        }],
    }
    with _open(path) as handle:
        json.dump(log, handle, ensure_ascii=False, indent=1)
    return len(results)


def _rule(a: Attempt) -> dict[str, Any]:
    return {"id": a.probe_id, "name": a.probe_id,
            "shortDescription": {"text": f"{a.probe_id} ({a.risk_area.replace('_', ' ')}, suite {a.suite})"},
            "defaultConfiguration": {"level": "warning" if a.kind == "control" else "error"},
            "properties": {"tags": ["redhive", a.risk_area, a.suite], "riskArea": a.risk_area}}


def _result(a: Attempt, rule_index: int, artifact: str | None) -> dict[str, Any]:
    if a.kind == "control":
        text = f"{a.target} refused a harmless request ({a.probe_id}, {a.attack}): over-refusal."
    else:
        text = f"The {a.attack} attack on {a.probe_id} succeeded against {a.target}: {a.evidence or 'attack succeeded'}"
    location: dict[str, Any] = {"logicalLocations": [{"name": a.probe_id, "kind": "module",
                                                      "fullyQualifiedName": f"{a.target}/{a.suite}/{a.probe_id}"}]}
    if artifact:
        location["physicalLocation"] = {"artifactLocation": {"uri": artifact}, "region": {"startLine": 1}}
    fingerprint = hashlib.sha256(f"{a.target}\n{a.suite}\n{a.probe_id}\n{a.attack}".encode()).hexdigest()
    return {
        "ruleId": a.probe_id, "ruleIndex": rule_index, "kind": "fail",
        "level": "warning" if a.kind == "control" else "error",
        "message": {"text": text}, "locations": [location],
        "partialFingerprints": {"redhive/probeAttack/v1": fingerprint},
        "properties": {"attemptId": a.id, "target": a.target, "suite": a.suite, "attack": a.attack,
                       "repeat": a.repeat, "riskArea": a.risk_area, "kind": a.kind,
                       "prompt": a.prompt[:_EXCERPT], "response": a.response[:_EXCERPT]},
    }


def _utc(moment: datetime) -> str:
    """SARIF's UTC time (stored times are UTC; SQLite gives them back naive)."""
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
